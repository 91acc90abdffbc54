/* 32-bit arm ucontext accessor (generic backend only: pc and sp). */
static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.arm_pc;
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.arm_sp;
}

/* The stack pointer where it is read (the generic backend's frame offset). */
static inline uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack: sp 8-aligned (AAPCS, no red zone), r0 = arg, lr = 0 (fn
 * never returns).  Bit 0 of fn says Thumb: CPSR.T follows it, and the
 * IT-block state is cleared, as the faulting instruction may have been
 * inside one.
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uintptr_t pc = (uintptr_t)fn;
	unsigned long cpsr = uc->uc_mcontext.arm_cpsr & ~0x0600fc00ul;	/* IT[7:0] */

	if (pc & 1)
		cpsr |= 0x20ul;		/* T */
	else
		cpsr &= ~0x20ul;
	uc->uc_mcontext.arm_cpsr = cpsr;
	uc->uc_mcontext.arm_sp = copymc_uc_sp(uc) & ~(uintptr_t)7;
	uc->uc_mcontext.arm_r0 = (uintptr_t)arg;
	uc->uc_mcontext.arm_lr = 0;
	uc->uc_mcontext.arm_pc = pc & ~(uintptr_t)1;
}
