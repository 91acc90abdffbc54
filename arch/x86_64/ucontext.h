/*
 * x86_64 ucontext accessor.  REG_* need _GNU_SOURCE with both glibc and musl.
 * The copy convention of copy_erms.S and copy_fragile.S: the original dst,
 * src and len live in r8, r9 and rdx for the whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)pc;
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.gregs[REG_R8];
	a->src = (uintptr_t)uc->uc_mcontext.gregs[REG_R9];
	a->len = (size_t)uc->uc_mcontext.gregs[REG_RDX];
}

/* COPYMC_EX_ADDR fixups (generic/extable.h) receive the fault address in rax. */
#define COPYMC_UC_HAVE_WITNESS 1

static inline void copymc_uc_set_witness(ucontext_t *uc, uintptr_t addr)
{
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)addr;
}
