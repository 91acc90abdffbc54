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

/*
 * COPYMC_EX_REP (generic/extable.h): a rep movsb of copy_erms.S counts
 * rcx down as rsi moves up, from len at src: rcx = rdx - (rsi - r9).
 * Natively the context holds exactly that; valgrind has decremented rcx
 * for the byte that faulted already, so when the fault goes on and the
 * instruction runs again, its last byte would be skipped (a one-byte copy
 * into a read-only page would return 0 instead of faulting again).
 */
#define COPYMC_UC_HAVE_REP_COUNT 1

static inline void copymc_uc_restate_rep_count(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_RCX] = (greg_t)((uintptr_t)g[REG_RDX] - ((uintptr_t)g[REG_RSI] - (uintptr_t)g[REG_R9]));
}

/* COPYMC_EX_ADDR fixups (generic/extable.h) receive the fault address in rax. */
#define COPYMC_UC_HAVE_WITNESS 1

static inline void copymc_uc_set_witness(ucontext_t *uc, uintptr_t addr)
{
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)addr;
}

/*
 * The stack pointer where it is read (the generic backend's frame offset):
 * always inlined, or at -O0 it would be the sp of a call of its own.
 */
static inline __attribute__((always_inline)) uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("movq %%rsp, %q0" : "=r"(sp));	/* %q: x32 too */
	return sp;
}

/*
 * The resume trampoline (emitted once, by copy_generic.c): entered with
 * the interrupted rsp, rdi = arg and rsi = fn, it steps below the 128-byte
 * red zone, aligns, and pushes a return address of 0 (fn never returns;
 * unwinders stop there), so that fn starts as if called: rsp = 8 mod 16.
 * The stack pointer moves here, in the thread, not in the saved context:
 * memcheck then sees the stack grow (a lower rsp set by sigreturn would
 * leave the new frame marked inaccessible), and the handler writes nothing
 * below the interrupted rsp, where its own signal frame may lie.
 */
#define COPYMC_UC_CALL_TRAMPOLINE \
	"\t.pushsection .text\n" \
	"\t.p2align 4\n" \
	"\t.globl copymc_x86_64_call\n" \
	"\t.hidden copymc_x86_64_call\n" \
	"\t.type copymc_x86_64_call, @function\n" \
	"copymc_x86_64_call:\n" \
	"\tleaq -128(%rsp), %rsp\n" \
	"\tandq $-16, %rsp\n" \
	"\tpushq $0\n" \
	"\tjmp *%rsi\n" \
	"\t.size copymc_x86_64_call, . - copymc_x86_64_call\n" \
	"\t.popsection\n"
void copymc_x86_64_call(void) __attribute__((visibility("hidden")));

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack, through the trampoline above.
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uc->uc_mcontext.gregs[REG_RDI] = (greg_t)(uintptr_t)arg;
	uc->uc_mcontext.gregs[REG_RSI] = (greg_t)(uintptr_t)fn;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)copymc_x86_64_call;
}
