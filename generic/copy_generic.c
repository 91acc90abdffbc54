/*
 * copy_generic.c - the portable C backend, built on every target: aligned
 * word loads, byte head and tail, and an exact byte retry of a faulting
 * word.  Having no per-instruction exception table, it finds its own
 * fault by the pc lying in its private text section, an armed marker in
 * its stack frame, and the fault address lying in the copy's range
 * (contract.md, rule 5).
 *
 * Built with -fno-tree-loop-distribute-patterns, and every access is
 * volatile, so the compiler never turns the loop into a call to memcpy
 * (whose faults would not be ours).
 */
#include "internal.h"
#include "ucontext.h"

#include <pthread.h>
#include <setjmp.h>

#define GENERIC_ARMED ((uintptr_t)0x636f70796d63ul)	/* "copymc" */
/* How far above the interrupted sp the marker may lie: one small frame. */
#define GENERIC_SCAN_LIMIT 4096

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

__attribute__((noinline, section("copymc_generic_text")))
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
	/*
	 * siglongjmp, not a rewritten pc: C has no address for a fixup.  The
	 * mask is not saved here (that would be a system call per copy): the
	 * recovery restores the interrupted context's mask itself.
	 */
	if (sigsetjmp(f.env, 0) != 0) {
		size_t i = f.done;

		if (byte_step(&f, i)) {
			f.armed = 0;
			return len - i;		/* the first byte that faulted */
		}
		f.retry_end = i + sizeof(word_t);
	}
	f.storing = 0;
	f.armed = GENERIC_ARMED;

	for (size_t i = f.done; i < len; i = f.done) {
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
	uintptr_t addr = (uintptr_t)info->si_addr;
	struct generic_frame *f = NULL;

	if (pc < (uintptr_t)__start_copymc_generic_text ||
	    pc >= (uintptr_t)__stop_copymc_generic_text)
		return 0;
	/*
	 * The fault is in generic_copy's own code, so sp is its frame's and
	 * the marker lies just above it: the first armed marker that points
	 * at itself is the running copy's (a nested copy, from a signal
	 * handler, has its frame below the one it interrupted).
	 */
	sp &= ~(uintptr_t)(sizeof(void *) - 1);
	for (uintptr_t p = sp; p < sp + GENERIC_SCAN_LIMIT; p += sizeof(void *)) {
		struct generic_frame *c = (struct generic_frame *)p;

		if (c->armed == GENERIC_ARMED && c->self == c) {
			f = c;
			break;
		}
	}
	if (f == NULL)
		return 0;
	/*
	 * A word step may fault on its load or its store, and when src and
	 * dst share a page the address cannot tell which: such a fault is
	 * taken, and the byte retry that follows says which it was, since a
	 * byte step marks its store.  A store fault in copy_mc_to_kernel is
	 * then refused, as its store has no exception-table entry in the
	 * assembly backends.
	 */
	int in_src = copymc_in_range(addr, (uintptr_t)f->src, f->len, copymc_pagesz);
	int in_dst = f->to_user &&
		     copymc_in_range(addr, (uintptr_t)f->dst, f->len, copymc_pagesz);
	int ok;

	if (f->storing)
		ok = in_dst;
	else if (sig == SIGBUS && info->si_code == BUS_MCEERR_AR && addr == 0)
		ok = 1;		/* old kernels: a load's poison, no address */
	else
		ok = in_src || in_dst;
	if (!ok)
		return 0;
	/* What returning from the handler would restore, then resume the copy. */
	pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
	siglongjmp(f->env, 1);
}
