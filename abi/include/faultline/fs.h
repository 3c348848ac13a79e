/*
 * The fs server protocol: what a process asks the fs server (servers/fs),
 * and what the pager tells it (docs/fs.md).
 *
 * A process holds one endpoint handle to the fs server, badged with its
 * pid (auxv AT_FL_FS). A request is a call with a label below and the
 * words in registers; paths and written bytes travel in the IPC buffer's
 * words (FL_TAG words count them, rounded up to 8 bytes), and so do the
 * bytes a read returns, in the reply. The reply's w0 is the result: >= 0,
 * or -errno (POSIX's: EBADF, ENOENT, ENOTDIR, EISDIR, EROFS, ESPIPE, ...).
 *
 * Descriptors are the server's: a process's fd table is keyed by its pid,
 * and an fd names an open-file description (offset, flags) that fork and
 * dup share, as POSIX says.
 */
#pragma once

#include <stdint.h>
#include <faultline/bootinfo.h>

#define FL_FS_OPEN	1	/* buffer: "path\0"; w0 O_* flags, w1 mode: the fd */
#define FL_FS_CLOSE	2	/* w0 fd: 0 */
#define FL_FS_READ	3	/* w0 fd, w1 len: bytes read (in the reply's buffer); 0 at the end */
#define FL_FS_WRITE	4	/* w0 fd, w1 len, buffer: the bytes: bytes written */
#define FL_FS_PREAD	5	/* w0 fd, w1 len, w2 offset: as read, the offset untouched */
#define FL_FS_PWRITE	6	/* w0 fd, w1 len, w2 offset, buffer: the bytes: as write */
#define FL_FS_LSEEK	7	/* w0 fd, w1 offset, w2 SEEK_*: the new offset */
#define FL_FS_FSTAT	8	/* w0 fd: 0, struct fl_stat in the reply's buffer */
#define FL_FS_STAT	9	/* buffer: "path\0"; w0 FL_FS_NOFOLLOW or 0: 0, struct fl_stat in the reply's buffer */
#define FL_FS_READDIR	10	/* w0 fd of a directory, w1 len: bytes of struct fl_dirent records; 0 at the end */
#define FL_FS_DUP	11	/* w0 fd: the lowest free fd, the same description */
#define FL_FS_DUP2	12	/* w0 fd, w1 new fd (closed first if open): the new fd */
#define FL_FS_PIPE	13	/* 0, w1 the read end, w2 the write end */
#define FL_FS_FTRUNCATE	14	/* w0 fd, w1 length: 0 */
#define FL_FS_MKDIR	15	/* buffer: "path\0"; w0 mode: 0 */
#define FL_FS_UNLINK	16	/* buffer: "path\0": 0 */
#define FL_FS_RMDIR	17	/* buffer: "path\0": 0 */
#define FL_FS_RENAME	18	/* buffer: "from\0to\0": 0 */
#define FL_FS_FSYNC	19	/* w0 fd: 0 */

#define FL_FS_NOFOLLOW	1	/* FL_FS_STAT: a symlink itself (lstat), not what it names */

/*
 * Bytes one read or write moves: what the IPC buffer holds. libsys loops
 * for longer regular-file transfers; a pipe or the console may return less.
 */
#define FL_FS_IO_MAX	3840
#define FL_FS_PATH_MAX	1024	/* bytes of a path, its NUL included */
#define FL_FS_NAME_MAX	255	/* bytes of one name in a path */
#define FL_FS_FDS_MAX	64	/* descriptors per process (EMFILE past it) */

/* FL_FS_FSTAT / FL_FS_STAT. */
struct fl_stat {
	uint64_t ino;
	uint64_t size;		/* bytes */
	uint64_t blocks;	/* 512-byte blocks allocated */
	uint32_t mode;		/* S_IF* type and permission bits */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t dev;		/* which file system: FL_FS_DEV_* */
	uint32_t rdev;		/* a device: which one (FL_FS_RDEV_*) */
	int64_t atime, mtime, ctime;	/* seconds */
};

#define FL_FS_DEV_BOOTFS	1	/* the boot cpio, read-only (/boot; / without a disk) */
#define FL_FS_DEV_EXT2		2	/* the disk */
#define FL_FS_DEV_TMPFS		3	/* /tmp, in memory */
#define FL_FS_DEV_DEVFS		4	/* /dev */
#define FL_FS_DEV_PIPE		5	/* pipes */

#define FL_FS_RDEV_NULL		1	/* /dev/null */
#define FL_FS_RDEV_ZERO		2	/* /dev/zero */
#define FL_FS_RDEV_CONSOLE	3	/* /dev/console: isatty() is true of it alone */
#define FL_FS_RDEV_PAGECACHE	4	/* /dev/pagecache: "cap C pages P high H evicted E written W\n" (pages) */

/*
 * FL_FS_READDIR: records one after another, each reclen bytes (a
 * multiple of 8), the name NUL-terminated; a directory's offset counts
 * entries, so lseek(fd, 0, SEEK_SET) rewinds it.
 */
struct fl_dirent {
	uint64_t ino;
	uint16_t reclen;
	uint8_t type;		/* FL_DT_* */
	uint8_t namelen;	/* without the NUL */
	char name[];
};

#define FL_DT_UNKNOWN	0
#define FL_DT_FIFO	1
#define FL_DT_CHR	2
#define FL_DT_DIR	4
#define FL_DT_REG	8
#define FL_DT_LNK	10

/* ---- the pager and the fs server ------------------------------------- */

/*
 * The pager tells the fs server about processes through a ring of events
 * in a frame both map (FL_FS_RING_PAGES pages), then signals bit
 * FL_FS_SIG_EVENTS of the fs server's notification. It never waits for
 * the fs server. It writes an event before the process it names can run,
 * so the fs server, draining the ring before serving each request, always
 * knows the sender. The pager refuses a spawn or fork (EAGAIN) unless
 * the ring keeps room for every live process's exit event: exits are
 * never lost.
 */
#define FL_FS_EV_SPAWN	1	/* pid started by parent: fds copied from parent's (parent 0: the console on 0, 1, 2) */
#define FL_FS_EV_FORK	2	/* pid is a fork of parent: its fds share parent's descriptions */
#define FL_FS_EV_EXIT	3	/* pid ended: every fd of it closed */
#define FL_FS_EV_SHUTDOWN 4	/* the first process ended: write back, unmount, exit (0: clean) */

/*
 * File mappings (docs/fs.md "Mappings"). The pager asks through the ring
 * and never waits: the mmap or the fault stays parked until the fs server
 * answers with a call (FL_PAGER_FS_MAPPED, FL_PAGER_FS_PAGE in
 * faultline/pager.h), which the pager serves like any other request. An
 * object is a file the fs server keeps for the pager: its node stays
 * (even unlinked) until the pager has let go, by FL_FS_EV_UNREF, of every
 * answer naming it (an UNREF written while another MAP of the same file
 * is still on its way does not end the object the answer names).
 * The fs server keeps its page cache within a budget (pagecache= on the
 * command line): it has the pager let go of a page it answered
 * (FL_PAGER_FS_EVICT) and asks which pages shared mappings wrote
 * (FL_PAGER_FS_DIRTY), calls from the fs server to the pager only.
 */
#define FL_FS_EV_MAP	5	/* pid mmaps fd a: b prot | flags << 8, c token: answer FL_PAGER_FS_MAPPED */
#define FL_FS_EV_PAGE	6	/* page b of object a, c token: answer FL_PAGER_FS_PAGE */
#define FL_FS_EV_UNREF	7	/* the pager lets go of b answers naming object a (all it had: no mapping, no frame) */
#define FL_FS_EV_SYNC	8	/* write object a back (msync), c token: answer FL_PAGER_FS_SYNCED */
/*
 * A spawn or exec of the program open at pid's fd a, c token: the fd must
 * name a regular file with an execute bit (EACCES otherwise); its object,
 * as FL_FS_EV_MAP's for MAP_PRIVATE with PROT_READ | PROT_EXEC, with the
 * frame of its page 0 (the ELF header and program headers must lie there):
 * answer FL_PAGER_FS_EXEC. The fd is closed whatever the answer (the
 * request consumed it): the pager writes this event before the spawn's,
 * so a spawned child never inherits it.
 */
#define FL_FS_EV_EXEC	9

struct fl_fs_event {
	uint32_t kind;		/* FL_FS_EV_* */
	int32_t pid;
	int32_t parent;
	uint32_t reserved;
	uint64_t a, b, c;	/* the kind's arguments */
};

#define FL_FS_RING_PAGES	4
#define FL_FS_RING_EVENTS	408

/* FL_PAGER_FS_MAPPED's w1 besides an object id (> 0) or -errno. */
#define FL_FS_MAP_ZERO		(-1000)	/* /dev/zero: anonymous memory (private, or shared across fork) */

struct fl_fs_ring {
	uint32_t head;		/* events written: the pager's (atomic, release) */
	uint32_t tail;		/* events consumed: the fs server's (atomic, release) */
	uint32_t size;		/* FL_FS_RING_EVENTS */
	uint32_t reserved[13];
	struct fl_fs_event ev[FL_FS_RING_EVENTS];	/* event i at ev[i % size] */
};

#define FL_FS_SIG_EVENTS	1ull	/* the notification bit the pager signals */

/*
 * What the fs server starts with (auxv AT_FL_FSBOOT points at it, on its
 * stack): handles in its own table. It is a trusted driver: spawned
 * pinned (every page mapped before it runs: it never faults, so the pager
 * never waits for it), with its own task to map device registers and DMA
 * buffers into (in [FL_FS_DRIVER_VA, + FL_FS_DRIVER_SIZE), where the pager
 * places nothing) and its pool with FL_RIGHT_PHYS.
 */
#define FL_FS_DRIVER_VA		0x500000000000ul
#define FL_FS_DRIVER_SIZE	0x010000000000ul

struct fl_fs_boot {
	int32_t task;		/* its task: map (FL_RIGHT_MANAGE) */
	int32_t pool;		/* its pool: alloc, with FL_RIGHT_PHYS */
	int32_t thread;		/* its thread: bind a notification, make threads */
	int32_t endpoint;	/* where requests arrive (receive) */
	int32_t notification;	/* bit FL_FS_SIG_EVENTS: events; other bits its own (read, write) */
	int32_t events;		/* the event ring's frame (read, write) */
	int32_t bootfs;		/* the bootfs frame (read, grant: its pages answered without a copy) */
	int32_t console_irq;	/* the UART's irq, or -1 */
	int32_t console_ioport;	/* x86_64: its I/O ports, or -1 */
	int32_t console_mmio;	/* AArch64: its registers' frame, or -1 */
	uint32_t has_disk;	/* 1: disk below names a virtio-blk device */
	uint32_t reserved;
	uint64_t bootfs_size;	/* bytes */
	char arch[16];		/* "x86_64", "aarch64" */
	char machine[16];	/* "q35", "virt" */
	char cmdline[256];	/* the kernel command line (fs options), NUL-terminated */
	struct fl_bootinfo_device disk;	/* the disk, its handles the fs server's */
};

#define AT_FL_FS	0x464c0007	/* handle: the fs server endpoint, badged with the pid (none: no fs server) */
#define AT_FL_FSBOOT	0x464c0008	/* the fs server only: its struct fl_fs_boot */
