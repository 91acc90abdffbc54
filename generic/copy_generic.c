/*
 * copy_generic.c - the portable C backend, built on every target: aligned
 * word loads, byte head and tail, and an exact byte retry of a faulting
 * word.  Having no per-instruction exception table, it finds its own
 * fault by the pc lying in its private text section, its frame at a fixed
 * offset from the interrupted sp, an armed marker there, and the fault
 * address lying in the copy's range (contract.md, rule 5).  It resumes
 * without leaving the handler by a jump: the handler rewrites the context
 * so that, after sigreturn, the thread calls generic_resume, which
 * longjmps up into the copy on the same stack.
 *
 * Built with -fno-tree-loop-distribute-patterns, and every access is
 * volatile, so the compiler never turns the loop into a call to memcpy
 * (whose faults would not be ours).
 */
#include "internal.h"
#include "arch_ucontext.h"

#include <setjmp.h>
#include <stdatomic.h>

#define GENERIC_ARMED ((uintptr_t)0x636f70796d63ul)	/* "copymc" */

#ifdef COPYMC_UC_CALL_TRAMPOLINE
__asm__(COPYMC_UC_CALL_TRAMPOLINE);	/* the arch's resume trampoline (i386) */
#endif

/*
 * generic_copy is a function of one fixed frame: IPA must not clone it
 * (a clone per to_user value could lay out its frame differently).
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
# define GENERIC_FIXED_FRAME __attribute__((noinline, noipa))
#else
# define GENERIC_FIXED_FRAME __attribute__((noinline))
#endif

/* At most this much of generic_copy's frame lies above f (canary, saved
   registers, return address): a bound, for the stack-overflow test. */
#define GENERIC_FRAME_ABOVE 1024

typedef unsigned long word_t;
struct __attribute__((packed, may_alias)) unaligned_word { word_t w; };

/* The marker: lives in the copy's frame from arming to return. */
struct generic_frame {
	volatile uintptr_t armed;	/* GENERIC_ARMED while the copy runs */
	struct generic_frame *self;	/* where it lives: tells it from a stale copy */
	const volatile unsigned char *src;
	volatile unsigned char *dst;
	size_t len;
	int to_user;
	volatile size_t done;		/* bytes surely copied */
	volatile size_t retry_end;	/* a faulted word is retried by bytes up to here */
	volatile int storing;		/* a byte step is between its load and its store */
	volatile int word_load_faulted;	/* the fault was a word step's load (the handler) */
	sigjmp_buf env;
};

extern const char __start_copymc_generic_text[] COPYMC_HIDDEN;
extern const char __stop_copymc_generic_text[] COPYMC_HIDDEN;

/* Is the access at i a single byte (head, tail, or a word being retried)? */
static inline int byte_step(const struct generic_frame *f, size_t i)
{
	return i < f->retry_end || ((uintptr_t)(f->src + i) % sizeof(word_t)) != 0 ||
	       f->len - i < sizeof(word_t);
}

/*
 * &f - sp inside generic_copy's body, where its loads and stores run, plus
 * one (f may lie at sp itself): the same on every call, as the function has
 * one fixed frame.  Written by every copy before it arms (the same value
 * each time: a plain read first keeps the cache line shared), read by the
 * handler on the thread whose copy faulted, which wrote it itself.  0
 * until the first copy.
 */
static _Atomic uintptr_t generic_frame_offset;

__attribute__((section("copymc_generic_text"))) GENERIC_FIXED_FRAME
static size_t generic_copy(void *dst, const void *src, size_t len, int to_user)
{
	struct generic_frame f;

	f.self = &f;
	f.src = src;
	f.dst = dst;
	f.len = len;
	f.to_user = to_user;
	f.done = 0;
	f.retry_end = 0;
	f.storing = 0;
	f.word_load_faulted = 0;
	/*
	 * The handler resumes here through generic_resume's longjmp, after
	 * sigreturn has restored the interrupted context's signal mask: the
	 * mask is not saved (that would be a system call per copy).
	 */
	if (sigsetjmp(f.env, 0) != 0) {
		size_t i = f.done;

		if (f.word_load_faulted || byte_step(&f, i)) {
			f.armed = 0;
			return f.len - i;	/* the first byte that faulted */
		}
		f.retry_end = i + sizeof(word_t);
	}
	f.storing = 0;
	/*
	 * sp here, after the branch on sigsetjmp's result (any stack
	 * adjustment of the call is settled at a branch), is sp in the loop
	 * below, which calls nothing.
	 */
	uintptr_t off = (uintptr_t)&f - copymc_arch_sp() + 1;
	if (atomic_load_explicit(&generic_frame_offset, memory_order_relaxed) != off)
		atomic_store_explicit(&generic_frame_offset, off, memory_order_relaxed);
	f.armed = GENERIC_ARMED;

	for (size_t i = f.done; i < f.len; i = f.done) {
		if (byte_step(&f, i)) {
			unsigned char c = f.src[i];

			f.storing = 1;
			f.dst[i] = c;
			f.storing = 0;
			f.done = i + 1;
		} else {
			word_t w = *(const volatile word_t *)(f.src + i);
			((volatile struct unaligned_word *)(f.dst + i))->w = w;
			f.done = i + sizeof(word_t);
		}
	}
	f.armed = 0;
	return 0;
}

/*
 * Where a recovered fault resumes, called by the context the handler
 * rewrote, on the copy's own stack below its frame: a jump up that stack
 * into generic_copy, as longjmp is meant to be used (__longjmp_chk agrees,
 * and no alternate signal stack is left behind).  Not in the copy's
 * section: a fault here would not be a copy's.
 */
__attribute__((noreturn, noinline))
static void generic_resume(void *frame)
{
	struct generic_frame *f = frame;

	siglongjmp(f->env, 1);
}

static size_t generic_to_kernel(void *dst, const void *src, size_t len)
{
	return generic_copy(dst, src, len, 0);
}

static size_t generic_to_user(void *dst, const void *src, size_t len)
{
	return generic_copy(dst, src, len, 1);
}

const struct copymc_backend copymc_generic_backend = {
	"generic", generic_to_kernel, generic_to_user, NULL
};

int copymc_generic_try_recover(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;
	uintptr_t pc = copymc_uc_pc(uc);
	uintptr_t sp = copymc_uc_sp(uc);
	uintptr_t addr = copymc_arch_untag((uintptr_t)info->si_addr);
	uintptr_t off, page = copymc_pagesz, frame_lo, frame_hi;
	struct generic_frame *f;

	if (pc < (uintptr_t)__start_copymc_generic_text ||
	    pc >= (uintptr_t)__stop_copymc_generic_text)
		return 0;
	/*
	 * The fault is in generic_copy's own code, so sp is its frame's and
	 * f lies at the offset every copy records: no stack scan.  A nested
	 * copy (from a signal handler) has a frame of its own, found by its
	 * own sp.  Before the first copy armed, no copy can fault (off is 0).
	 */
	off = atomic_load_explicit(&generic_frame_offset, memory_order_relaxed);
	f = (struct generic_frame *)(sp + off - 1);
	/*
	 * A fault on the frame's own pages, or on the page below sp, is the
	 * stack overflowing in the copy's frame (its prologue, or the call of
	 * sigsetjmp): f may not be mapped, so it is not read, and the signal
	 * goes on to the program's own handler as any stack overflow does.
	 */
	frame_lo = (sp & ~(page - 1)) - page;
	/*
	 * Up to the page after the top of generic_copy's frame: a fault above
	 * f (the stack protector's canary, saved registers, the return
	 * address) means the page of f, which lies lower, is unmapped too.
	 */
	frame_hi = (((uintptr_t)(f + 1) + GENERIC_FRAME_ABOVE) | (page - 1)) + 1;
	if (addr >= frame_lo && addr < frame_hi)
		return 0;
	if (off == 0)
		return 0;
	/* Only fields set before the copy armed: no uninitialised reads. */
	if (f->self != f || f->armed != GENERIC_ARMED)
		return 0;
	/*
	 * A word step may fault on its load or its store, and when src and
	 * dst share a page the address cannot tell which: such a fault is
	 * taken, and the byte retry that follows says which it was, since a
	 * byte step marks its store.  A store fault in copy_mc_to_kernel is
	 * then refused, as its store has no exception-table entry in the
	 * assembly backends.
	 */
	int in_src = copymc_in_range(addr, copymc_arch_untag((uintptr_t)f->src), f->len,
				     copymc_pagesz);
	int on_dst_pages = copymc_in_range(addr, copymc_arch_untag((uintptr_t)f->dst), f->len,
					   copymc_pagesz);
	int in_dst = f->to_user && on_dst_pages;
	int ok;

	if (f->storing)
		ok = in_dst;
	else if (copymc_memory_error_without_address(sig, info))
		ok = 1;		/* a load's memory error, no address */
	else
		ok = in_src || in_dst;
	if (!ok)
		return 0;
	/*
	 * A word step loads an aligned word, which lies in one page and one
	 * line: if the load faulted, its first byte is the first that cannot
	 * be read, and no byte retry (a second fault) is needed to find it.
	 * It was the load, not the store, when the address lies on the
	 * word's page, not in dst's pages, and at the word itself or at the
	 * page's start (where the platform reports only the page, or poison
	 * by page); anything else is left to the byte retry.
	 */
	size_t i = f->done;
	uintptr_t w = copymc_arch_untag((uintptr_t)(f->src + i));

	if (!f->storing && in_src && !byte_step(f, i) && (addr & ~(page - 1)) == (w & ~(page - 1)) &&
	    (addr - w < sizeof(word_t) || (addr & (page - 1)) == 0) && !on_dst_pages)
		f->word_load_faulted = 1;
	/* After sigreturn, call generic_resume(f) on the interrupted stack. */
	copymc_uc_set_call(uc, generic_resume, f);
	return 1;
}
