/*
 * Leaving QEMU. Semihosting SYS_EXIT carries the status (QEMU exits with
 * it; needs -semihosting). PSCI SYSTEM_OFF always makes QEMU exit 0, so it
 * is only the fallback when semihosting is absent: then hlt #0xf000 is an
 * undefined instruction, and the trap handler asks power_semihosting_trapped().
 */
#include <arch.h>
#include <arch/platform.h>
#include <kernel.h>

#define SYS_EXIT			0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026
#define PSCI_SYSTEM_OFF			0x84000008u

static volatile int exiting_with = -1;

__noreturn void power_psci_off(void)
{
	if (platform.psci == PSCI_HVC)
		psci_call_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	else if (platform.psci == PSCI_SMC)
		psci_call_smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	kprintf("faultline: PSCI SYSTEM_OFF unavailable, halting\n");
	for (;;)
		__asm__ volatile("wfi");
}

__noreturn void arch_poweroff(int status)
{
	static uint64_t block[2];

	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (uint64_t)status;
	exiting_with = status;
	semihost_call(SYS_EXIT, block);
	power_psci_off();
}

bool power_semihosting_trapped(void)
{
	int status = exiting_with;

	if (status < 0)
		return false;
	kprintf("faultline: no semihosting (run QEMU with -semihosting); "
		"status %d lost, PSCI SYSTEM_OFF\n", status);
	power_psci_off();
}
