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

/* The stack pointer where it is read (the generic backend's frame offset). */
static inline uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack: sp 16-aligned (no red zone), a0 = arg, ra = 0 (fn never
 * returns).
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uc->uc_mcontext.__gregs[2] = copymc_uc_sp(uc) & ~(uintptr_t)15;
	uc->uc_mcontext.__gregs[10] = (uintptr_t)arg;
	uc->uc_mcontext.__gregs[1] = 0;
	uc->uc_mcontext.__gregs[0] = (uintptr_t)fn;
}
