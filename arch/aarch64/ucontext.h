/*
 * aarch64 ucontext accessor: glibc and musl share the field names.
 * The copy convention of copy_aarch64.S: the original dst, src and len live
 * in x5, x6 and x7 for the whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.pc;
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.pc = pc;
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.sp;
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.regs[5];
	a->src = (uintptr_t)uc->uc_mcontext.regs[6];
	a->len = (size_t)uc->uc_mcontext.regs[7];
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
 * its own stack: sp 16-aligned (no red zone in AAPCS64), x0 = arg, lr = 0
 * (fn never returns), and PSTATE.BTYPE cleared, so that reaching fn by
 * sigreturn is never taken for an indirect branch that BTI would check.
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uc->uc_mcontext.sp = copymc_uc_sp(uc) & ~(uintptr_t)15;
	uc->uc_mcontext.regs[0] = (uintptr_t)arg;
	uc->uc_mcontext.regs[30] = 0;
	uc->uc_mcontext.pstate &= ~(unsigned long long)0xc00;	/* PSR_BTYPE_MASK */
	uc->uc_mcontext.pc = (uintptr_t)fn;
}
