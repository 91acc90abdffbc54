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
