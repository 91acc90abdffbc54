/*
 * s390x ucontext accessor: the pc is the PSW's address, sp is r15.  The
 * copy convention of copy_s390x.S: the original dst, src and len live in
 * r11, r12 and r13 for the whole copy.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.psw.addr;
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.psw.addr = pc;
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	a->dst = (uintptr_t)uc->uc_mcontext.gregs[11];
	a->src = (uintptr_t)uc->uc_mcontext.gregs[12];
	a->len = (size_t)uc->uc_mcontext.gregs[13];
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[15];
}

/*
 * The stack pointer where it is read (the generic backend's frame offset):
 * always inlined, or at -O0 it would be the sp of a call of its own.
 */
static inline __attribute__((always_inline)) uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("lgr %0, 15" : "=d"(sp));
	return sp;
}

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack: r15 8-aligned, less the 160-byte register save area the
 * caller provides and fn may write; r2 = arg, r14 = 0 (fn never returns).
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uc->uc_mcontext.gregs[15] = (copymc_uc_sp(uc) & ~(uintptr_t)7) - 160;
	uc->uc_mcontext.gregs[2] = (uintptr_t)arg;
	uc->uc_mcontext.gregs[14] = 0;
	uc->uc_mcontext.psw.addr = (uintptr_t)fn;
}
