# x86_64: the host's gcc. The kernel gets freestanding flags per target,
# so the same configure can also build the host unit tests (cmocka).
set(FAULTLINE_ARCH x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)
set(CMAKE_OBJCOPY objcopy)
