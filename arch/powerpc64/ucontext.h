/*
 * powerpc64 ucontext accessor (both ELF ABIs, glibc and musl): gp_regs[32]
 * is the NIP, gp_regs[1] the stack pointer.
 * The copy convention of copy_powerpc64.S: the original dst, src and len
 * live in r9, r10 and r11 for the whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gp_regs[32];
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.gp_regs[32] = pc;
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gp_regs[1];
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.gp_regs[9];
	a->src = (uintptr_t)uc->uc_mcontext.gp_regs[10];
	a->len = (size_t)uc->uc_mcontext.gp_regs[11];
}

/* The stack pointer where it is read (the generic backend's frame offset). */
static inline uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mr %0, 1" : "=r"(sp));
	return sp;
}

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack: below the 288-byte protected zone (the kernel skips it
 * too), with a 112-byte frame of its caller that fn may write (back chain,
 * CR, LR and TOC save words and, in ELFv1, the parameter save area),
 * 16-aligned; r3 = arg, LR = 0 (fn never returns).  ELFv2 enters at the
 * global entry point with r12 = fn, which sets r2; ELFv1 takes the entry,
 * TOC and environment from fn's descriptor.
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uintptr_t sp = ((copymc_uc_sp(uc) - 288) & ~(uintptr_t)15) - 112;

	uc->uc_mcontext.gp_regs[1] = sp;
	uc->uc_mcontext.gp_regs[3] = (uintptr_t)arg;
	uc->uc_mcontext.gp_regs[36] = 0;			/* PT_LNK */
#if defined(_CALL_ELF) && _CALL_ELF == 2
	uc->uc_mcontext.gp_regs[12] = (uintptr_t)fn;
	uc->uc_mcontext.gp_regs[32] = (uintptr_t)fn;		/* PT_NIP */
#else
	const uintptr_t *desc = (const uintptr_t *)(uintptr_t)fn;

	uc->uc_mcontext.gp_regs[32] = desc[0];
	uc->uc_mcontext.gp_regs[2] = desc[1];
	uc->uc_mcontext.gp_regs[11] = desc[2];
#endif
}
