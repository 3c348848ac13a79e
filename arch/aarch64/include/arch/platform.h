/*
 * What the AArch64 code learns from the DTB beyond boot_params, and the
 * interfaces between the files of arch/aarch64.
 */
#pragma once

#include <boot.h>
#include <types.h>

#define PL011_DEFAULT_PA	0x09000000ul

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

struct platform {
	paddr_t uart, uart_size;
	unsigned uart_intid;		/* its SPI as a GIC INTID, 0 if none */
	bool uart_edge;			/* edge-triggered (virt's is level-high) */
	unsigned gic_version;		/* 2 or 3 */
	paddr_t gicd, gicd_size;
	paddr_t gicc, gicc_size;	/* GICv2 CPU interface */
	paddr_t gicr, gicr_size;	/* GICv3 redistributors */
	unsigned timer_intid;		/* EL1 physical timer */
	enum psci_conduit psci;
};

extern struct platform platform;

/* bootinfo.c: the DTB at dtb_pa into boot_params and platform. */
void bootinfo_parse(paddr_t dtb_pa, struct boot_params *bp);

/*
 * devices.c: the DTB's virtio-mmio slots (virt has 32), recorded by
 * bootinfo.c, mapped by arch_map_devices(), listed by arch_devices().
 */
#define VIRTIO_MMIO_SLOTS_MAX	64
void devices_add_virtio_mmio(paddr_t base, uint64_t size, unsigned intid);
void devices_map(paddr_t root);

/* uart.c */
void uart_init(paddr_t pa);

/* cpu.c */
void cpu_counter_init(void);
uint64_t cpu_counter_hz(void);
void cpu_user_init(void);

/* irqchip.c: the GIC found in the DTB. */
void irqchip_init(void);
void irqchip_enable(unsigned intid);
void irqchip_handle(void);
bool irqchip_line_ok(unsigned intid);	/* an SPI the distributor has */

/* timer.c */
void timer_irq(void);

/* power.c: called by the trap handler when hlt traps (no -semihosting). */
bool power_semihosting_trapped(void);
__noreturn void power_psci_off(void);

/* firmware.S */
void semihost_call(uint64_t op, const void *block);
uint64_t psci_call_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t psci_call_smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
