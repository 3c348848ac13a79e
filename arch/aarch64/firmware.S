/* Calls into QEMU: semihosting and PSCI (over hvc or smc). */
	.text

/* semihost_call(op, block): x0 = operation, x1 = parameter block. */
	.globl	semihost_call
semihost_call:
	hlt	#0xf000
	ret

/* psci_call_{hvc,smc}(fn, a1, a2, a3): SMC Calling Convention, result in x0. */
	.globl	psci_call_hvc
psci_call_hvc:
	hvc	#0
	ret

	.globl	psci_call_smc
psci_call_smc:
	smc	#0
	ret
