/*
 * i386 ucontext accessor.  The copy convention of copy_i686.S: cdecl puts
 * the arguments on the stack, and the body, four registers pushed, keeps
 * esp fixed, so the original dst, src and len are at 20, 24 and 28 bytes
 * above the interrupted esp wherever its table entries lie.
 */
#define COPYMC_UC_HAVE_COPY_ARGS 1

static inline uintptr_t copymc_uc_pc(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
}

static inline void copymc_uc_set_pc(ucontext_t *uc, uintptr_t pc)
{
	uc->uc_mcontext.gregs[REG_EIP] = (greg_t)pc;
}

static inline void copymc_uc_copy_args(const ucontext_t *uc, struct copymc_copy_args *a)
{
	const uint32_t *args = (const uint32_t *)(uintptr_t)uc->uc_mcontext.gregs[REG_ESP] + 5;

	a->dst = args[0];
	a->src = args[1];
	a->len = args[2];
}

static inline uintptr_t copymc_uc_sp(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_ESP];
}

/*
 * The stack pointer where it is read (the generic backend's frame offset):
 * always inlined, or at -O0 it would be the sp of a call of its own.
 */
static inline __attribute__((always_inline)) uintptr_t copymc_arch_sp(void)
{
	uintptr_t sp;

	__asm__ volatile("movl %%esp, %0" : "=r"(sp));
	return sp;
}

/*
 * cdecl takes the argument and the return address on the stack, but the
 * handler must not write them there: with no red zone, the kernel's signal
 * frame (its FPU state, read back by sigreturn) lies right below the
 * interrupted esp when no alternate stack is in use.  So the context
 * resumes in this trampoline (emitted once, by copy_generic.c) with the
 * interrupted esp, eax = arg and ecx = fn; once the frame is gone it
 * aligns esp so that, after it pushes arg and a return address of 0 (fn
 * never returns), esp + 4 is 16-aligned at fn's entry as the psABI
 * requires.  Moving esp in the thread, not in the saved context, also lets
 * memcheck see the stack grow.
 */
#define COPYMC_UC_CALL_TRAMPOLINE \
	"\t.pushsection .text\n" \
	"\t.p2align 4\n" \
	"\t.globl copymc_i386_call\n" \
	"\t.hidden copymc_i386_call\n" \
	"\t.type copymc_i386_call, @function\n" \
	"copymc_i386_call:\n" \
	"\tandl $-16, %esp\n" \
	"\tsubl $12, %esp\n" \
	"\tpushl %eax\n" \
	"\tpushl $0\n" \
	"\tjmp *%ecx\n" \
	"\t.size copymc_i386_call, . - copymc_i386_call\n" \
	"\t.popsection\n"
void copymc_i386_call(void) __attribute__((visibility("hidden")));

/*
 * Make the interrupted context, once the handler returns, call fn(arg) on
 * its own stack, through the trampoline above.
 */
static inline void copymc_uc_set_call(ucontext_t *uc, void (*fn)(void *), void *arg)
{
	uc->uc_mcontext.gregs[REG_EAX] = (greg_t)(uintptr_t)arg;
	uc->uc_mcontext.gregs[REG_ECX] = (greg_t)(uintptr_t)fn;
	uc->uc_mcontext.gregs[REG_EIP] = (greg_t)(uintptr_t)copymc_i386_call;
}
