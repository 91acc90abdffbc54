/*
 * cases_copy.c - copies without a fault: every length below 512 and the
 * lengths around each 8-byte and page boundary up to 4 pages, at source and
 * destination misalignments 0..63, against memcpy; guard bytes on both
 * sides of dst; sources and destinations that end at an inaccessible page.
 */
#include "conformance.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct copy_sweep {
	const struct entry *e;
	struct area src, dst;
};

static int make_areas(struct copy_sweep *s, uint64_t *rng)
{
	char why[200];
	size_t max = sweep_max_len();

	if (area_make(&s->src, F_NONE, max + 64, 0, why, sizeof why) != 0 ||
	    area_make(&s->dst, F_NONE, max + 64 + 2 * GUARD_LEN, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return -1;
	}
	pattern_fill(s->src.lo, s->src.good, splitmix(rng));
	return 0;
}

/* Checks: 0 result and data, 1 guard bytes (after: how many follow dst), 2 errno. */
static int check_one(struct copy_sweep *s, unsigned char *dst, const unsigned char *src, size_t len,
		     size_t after, const char *where)
{
	size_t r, i;
	int err;

	memset(dst - GUARD_LEN, GUARD_BYTE, len + GUARD_LEN + after);
	errno = ERRNO_SENTINEL;
	r = s->e->copy(dst, src, len);
	err = errno;
	if (r != 0)
		fail(0, "%s\nexpected r == 0 (no fault), got r == %zu", where, r);
	else if ((i = first_diff(dst, src, len)) < len)
		fail(0, "%s\nexpected dst[%zu] == src[%zu] == 0x%02x, got 0x%02x", where, i, i, src[i], dst[i]);
	if ((i = first_not(dst - GUARD_LEN, GUARD_LEN, GUARD_BYTE)) < GUARD_LEN)
		fail(1, "%s\nexpected the guard byte dst[-%zu] untouched (0x%02x), got 0x%02x", where,
		     GUARD_LEN - i, GUARD_BYTE, dst[(ptrdiff_t)i - GUARD_LEN]);
	if ((i = first_not(dst + len, after, GUARD_BYTE)) < after)
		fail(1, "%s\nexpected the guard byte dst[len+%zu] untouched (0x%02x), got 0x%02x", where, i,
		     GUARD_BYTE, dst[len + i]);
	if (err != ERRNO_SENTINEL)
		fail(2, "%s\nexpected errno %d unchanged, got %d (%s)", where, ERRNO_SENTINEL, err, strerror(err));
	return r != 0;
}

static int no_fault_shape(size_t len, size_t so, size_t dof, void *arg)
{
	struct copy_sweep *s = arg;
	char where[120];

	progress("len %zu src misaligned +%zu dst misaligned +%zu%.0zu", len, so, dof, 0);
	snprintf(where, sizeof where, "at len %zu, src misaligned +%zu, dst misaligned +%zu", len, so, dof);
	check_one(s, s->dst.lo + GUARD_LEN + dof, s->src.lo + so, len, GUARD_LEN, where);
	return 0;
}

static void no_fault_sweep(const struct case_ctx *c)
{
	struct copy_sweep s = { c->e, { 0 }, { 0 } };
	uint64_t rng = c->seed;

	if (make_areas(&s, &rng) == 0)
		sweep_shapes(&rng, no_fault_shape, &s);
	area_free(&s.src);
	area_free(&s.dst);
}

/*
 * src ends where an inaccessible page starts (or starts right after one),
 * dst too: a read past src+len or a write past dst+len faults, and the
 * library must not recover it (outside the range) - so the case dies.
 */
static int edge_shape(size_t len, size_t so, size_t dof, void *arg)
{
	struct copy_sweep *s = arg;
	char where[160];

	(void)so;
	if (dof != 0 && len >= 512)
		return 0;
	progress("len %zu, src and dst ending at an inaccessible page, dst misaligned +%zu%.0zu%.0zu", len, dof, 0, 0);
	snprintf(where, sizeof where, "at len %zu, src ending at an inaccessible page, dst ending at one", len);
	if (dof == 0)
		check_one(s, s->dst.edge - len, s->src.edge - len, len, 0, where);
	snprintf(where, sizeof where, "at len %zu, src ending at an inaccessible page, dst misaligned +%zu",
		 len, dof);
	check_one(s, s->dst.lo + GUARD_LEN + dof, s->src.edge - len, len, GUARD_LEN, where);
	snprintf(where, sizeof where, "at len %zu, src starting right after an inaccessible page", len);
	check_one(s, s->dst.lo + GUARD_LEN + dof, s->src.lo, len, GUARD_LEN, where);
	return 0;
}

static void edge_sweep(const struct case_ctx *c)
{
	struct copy_sweep s = { c->e, { 0 }, { 0 } };
	uint64_t rng = c->seed;

	if (make_areas(&s, &rng) == 0)
		sweep_shapes(&rng, edge_shape, &s);
	area_free(&s.src);
	area_free(&s.dst);
}

static void zero_length(const struct case_ctx *c)
{
	struct area ro, none, rw;
	char why[200];
	size_t r;
	int err;

	if (area_make(&ro, F_READONLY, plat.page, plat.page, why, sizeof why) != 0 ||
	    area_make(&none, F_PROT_NONE, plat.page, plat.page, why, sizeof why) != 0 ||
	    area_make(&rw, F_NONE, plat.page, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	memset(rw.lo, GUARD_BYTE, rw.good);
	pattern_fill(none.lo, none.good, 7);

	struct { void *dst; const void *src; const char *what; } t[] = {
		{ NULL, NULL, "dst NULL, src NULL" },
		{ rw.lo + 10, NULL, "src NULL" },
		{ NULL, none.lo, "dst NULL" },
		{ ro.edge, none.edge, "dst on a read-only page, src on a PROT_NONE page" },
		{ rw.lo + 100, none.lo + 3, "dst and src accessible" },
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		errno = ERRNO_SENTINEL;
		r = c->e->copy(t[i].dst, t[i].src, 0);
		err = errno;
		if (r != 0)
			fail(0, "len 0, %s\nexpected r == 0, got %zu", t[i].what, r);
		if (err != ERRNO_SENTINEL)
			fail(0, "len 0, %s\nexpected errno %d unchanged, got %d", t[i].what, ERRNO_SENTINEL, err);
	}
	size_t i = first_not(rw.lo, rw.good, GUARD_BYTE);
	if (i < rw.good)
		fail(0, "len 0\nexpected nothing written, got dst area byte %zu changed to 0x%02x", i, rw.lo[i]);
	area_free(&ro);
	area_free(&none);
	area_free(&rw);
}

/* ---- aarch64: the backend's entries are BTI landing pads ---- */

#if defined(__aarch64__)
#include <copymc.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>

#ifndef HWCAP2_BTI
#define HWCAP2_BTI (1UL << 17)
#endif
#ifndef PROT_BTI
#define PROT_BTI 0x10
#endif
#define BTI_C 0xd503245fu	/* bti c */

enum { SUBJ_BTI_SHARED = 96, SUBJ_BTI_NONE = 97 };

static sigjmp_buf bti_back;
static volatile uintptr_t bti_pc;

static void bti_locate_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	bti_pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.pc;
	siglongjmp(bti_back, 1);
}

struct bti_arg {
	int stray;		/* branch past the landing pad instead of copying */
	uintptr_t entry;	/* out: the body's entry, for the report */
};

/*
 * The body's code: the pc of a fault in it (a handler over the library's
 * sees it first), and the bti c before that, at most 1 KiB back, is the
 * body's entry.  Its pages become PROT_READ | PROT_EXEC | PROT_BTI: an
 * indirect branch into them must land on a landing pad.
 */
static int bti_guard(struct bti_arg *a, unsigned char *edge, uintptr_t *entry)
{
	struct sigaction sa, old;
	unsigned char dst[64];
	uintptr_t pg = plat.page, start, end;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = bti_locate_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(bti_back, 1) == 0)
		(void)copy_mc_to_kernel(dst, edge - 8, 16);
	sigaction(SIGSEGV, &old, NULL);
	*entry = 0;
	for (uintptr_t p = bti_pc & ~(uintptr_t)3; p + 1024 > bti_pc && p >= 4; p -= 4)
		if (*(const uint32_t *)p == BTI_C) {
			*entry = p;
			break;
		}
	a->entry = *entry;
	if (*entry == 0)
		return SUBJ_BTI_NONE;
	start = *entry & ~(pg - 1);
	end = (bti_pc + pg) & ~(pg - 1);
	/* An entry point on those pages is a C function, a landing pad only
	   when built with -mbranch-protection. */
	for (uintptr_t f = (uintptr_t)copy_mc_to_kernel, i = 0; i < 2;
	     i++, f = (uintptr_t)copy_mc_to_user)
		if (f >= start && f < end)
			return SUBJ_BTI_SHARED;
	if (mprotect((void *)start, end - start, PROT_READ | PROT_EXEC | PROT_BTI) != 0)
		return SUBJ_SETUP;
	return 0;
}

static int bti_subject(void *p)
{
	struct bti_arg *a = p;
	struct area src;
	char why[200];
	unsigned char dst[4096];
	uintptr_t entry;
	int r;

	copy_mc_init();
	if (area_make(&src, F_PROT_NONE, sizeof dst, plat.page, why, sizeof why) != 0)
		return SUBJ_SETUP;
	pattern_fill(src.lo, src.good, 7);
	r = bti_guard(a, src.edge, &entry);
	if (r != 0)
		return r;
	subject_mark();
	if (a->stray) {
		/* An indirect call to the instruction after the pad: SIGILL. */
		size_t (*volatile stray)(void *, const void *, size_t) =
			(size_t (*)(void *, const void *, size_t))(entry + 4);
		stray(dst, src.lo, 16);
		return SUBJ_SURVIVED;
	}
	/* The entry points reach the body by the dispatcher's indirect call. */
	for (size_t i = 0; i < 6; i++) {
		static const size_t lens[] = { 1, 7, 64, 300, 1000, 4096 };
		size_t n = lens[i];

		memset(dst, 0, sizeof dst);
		if (copy_mc_to_kernel(dst, src.lo, n) != 0 || memcmp(dst, src.lo, n) != 0 ||
		    copy_mc_to_user(dst, src.lo, n) != 0 || memcmp(dst, src.lo, n) != 0) {
			fail(1, "a %zu-byte copy with the body's pages PROT_BTI went wrong", n);
			return SUBJ_FAILED;
		}
	}
	return 0;
}

static void bti_landing_pads(const struct case_ctx *c)
{
	struct subject_result res;
	struct bti_arg a = { 1, 0 };
	char st[120];

	(void)c;
	if (!(getauxval(AT_HWCAP2) & HWCAP2_BTI)) {
		skip(0, "no BTI here (HWCAP2_BTI unset)");
		skip(1, "no BTI here (HWCAP2_BTI unset)");
		return;
	}
	subject_run_observed(bti_subject, &a, &res);
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == SUBJ_BTI_NONE) {
		fail(0, "no bti c within 1 KiB before the backend's first load (pc %p)", (void *)bti_pc);
		return;
	}
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == SUBJ_BTI_SHARED) {
		skip(0, "copy_mc_to_kernel or copy_mc_to_user shares a page with the backend body, and is a "
		     "landing pad only when built with -mbranch-protection");
		skip(1, "the same");
		return;
	}
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == SUBJ_SURVIVED) {
		skip(0, "PROT_BTI is accepted but not enforced here: a branch past the landing pad ran");
		skip(1, "BTI is not enforced here");
		return;
	}
	if (!(WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGILL)) {
		fail(0, "an indirect call past the body's landing pad: expected death by SIGILL, got %s",
		     status_str(res.status, st, sizeof st));
		return;
	}
	a.stray = 0;
	subject_run_observed(bti_subject, &a, &res);
	if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0)
		fail(1, "copies with the body's pages PROT_BTI: %s (SIGILL: an entry without a landing pad)",
		     status_str(res.status, st, sizeof st));
}
#endif

const struct case_def cases_copy[] = {
	{ "without a fault, every length 0..4 pages and misalignment 0..63",
	  { "r == 0: all len bytes were copied (dst[0..len) equals src[0..len))",
	    "nothing outside [dst, dst+len) is ever written; errno is the same after the call as before" },
	  no_fault_sweep, PER_ENTRY, 0, NULL },
	{ "src and dst next to inaccessible pages",
	  { "nothing outside [src, src+len) is ever read, nothing outside [dst, dst+len) written" },
	  edge_sweep, PER_ENTRY, 0, NULL },
	{ "len == 0 returns 0 and touches nothing (NULL pointers allowed)",
	  { NULL }, zero_length, PER_ENTRY, 0, NULL },
#if defined(__aarch64__)
	{ "the backend's pages mapped PROT_BTI (branch target identification enforced)",
	  { "enforced: an indirect call past the entry's landing pad dies of SIGILL",
	    "copies through both entry points still complete (the body's entries are bti c)" },
	  bti_landing_pads, 0, 0, "aarch64" },
#endif
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
