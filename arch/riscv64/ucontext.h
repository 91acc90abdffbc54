/*
 * riscv64 ucontext accessor.  glibc names the register array __gregs, musl
 * names it __gregs too but only exposes the REG_* indices under
 * _GNU_SOURCE; index 0 is the pc and index n register xn (2: sp) in both.
 * The copy convention of copy_riscv64.S: the original dst, src and len
 * live in a5, a6 and a7 (x15, x16, x17) for the whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.__gregs[0];
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.__gregs[0] = pc;
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.__gregs[15];
	a->src = (uintptr_t)uc->uc_mcontext.__gregs[16];
	a->len = (size_t)uc->uc_mcontext.__gregs[17];
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.__gregs[2];
}

/*
 * The stack pointer where it is read (the generic backend's frame offset):
 * always inlined, or at -O0 it would be the sp of a call of its own.
 */
static inline __attribute__((always_inline)) uintptr_t copymc_arch_sp(void)
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
