/*
 * 32-bit arm ucontext accessor.  The copy convention of copy_arm.S (ARM
 * state): the original dst, src and len live in r4, r5 and r6 for the
 * whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.arm_pc;
}

/* A fixup of copy_arm.S, in ARM state as the faulting access was. */
static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.arm_pc = pc;
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.arm_r4;
	a->src = (uintptr_t)uc->uc_mcontext.arm_r5;
	a->len = (size_t)uc->uc_mcontext.arm_r6;
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.arm_sp;
}

/*
 * The stack pointer where it is read (the generic backend's frame offset):
 * always inlined, or at -O0 it would be the sp of a call of its own.
 */
static inline __attribute__((always_inline)) uintptr_t copymc_arch_sp(void)
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
