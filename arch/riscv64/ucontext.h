/*
 * riscv64 ucontext accessor (generic backend only: pc and sp).  glibc names
 * the register array __gregs, musl names it __gregs too but only exposes the
 * REG_* indices under _GNU_SOURCE; index 0 is the pc, 2 is sp in both.
 */
static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.__gregs[0];
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.__gregs[2];
}
