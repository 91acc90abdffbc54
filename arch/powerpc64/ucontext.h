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
