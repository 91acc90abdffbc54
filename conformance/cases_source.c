/*
 * cases_source.c - faults while reading src: the source is placed so that
 * its first unreadable byte is byte p of the copy, for every p of short
 * copies and sampled p of copies up to several pages.  The unreadable part
 * is a PROT_NONE page, an unmapped hole, a file mapping beyond EOF (SIGBUS
 * BUS_ADRERR) or, on x86_64, a page locked by a protection key.
 */
#include "conformance.h"
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int mask_changed(const sigset_t *before)
{
	sigset_t now;
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGUSR1, SIGALRM };

	sigprocmask(SIG_SETMASK, NULL, &now);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (sigismember(&now, sigs[i]) != sigismember(before, sigs[i]))
			return sigs[i];
	return 0;
}

int src_fault(size_t len, size_t p, size_t dof, void *arg)
{
	struct fault_sweep *s = arg;
	const unsigned char *src = s->src.edge - p;
	unsigned char *dst = s->dst.lo + GUARD_LEN + dof;
	size_t want = len - p, r, r2, i;
	int err, sig;
	char where[160];

	progress("len %zu, fault at byte p %zu, dst misaligned +%zu%.0zu", len, p, dof, 0);
	if (p < len)
		s->faulted++;
	memset(dst - GUARD_LEN, GUARD_BYTE, len + 2 * GUARD_LEN);
	errno = ERRNO_SENTINEL;
	r = s->e->copy(dst, src, len);
	err = errno;
#define WHERE (snprintf(where, sizeof where, "src %s at byte p: len %zu, p %zu, dst misaligned +%zu", \
			s->what, len, p, dof), where)
	if (r != want)
		fail(0, "%s\nexpected r == %zu (len - p), got r == %zu", WHERE, want, r);
	if (r <= len && (i = first_diff(dst, src, len - r)) < len - r)
		fail(1, "%s\nexpected dst[%zu] == src[%zu] == 0x%02x (k = len - r = %zu), got 0x%02x", WHERE, i, i,
		     src[i], len - r, dst[i]);
	if ((i = first_not(dst - GUARD_LEN, GUARD_LEN, GUARD_BYTE)) < GUARD_LEN)
		fail(1, "%s\nexpected guard byte dst[-%zu] untouched (0x%02x), got 0x%02x", WHERE, GUARD_LEN - i,
		     GUARD_BYTE, dst[(ptrdiff_t)i - GUARD_LEN]);
	if ((i = first_not(dst + len, GUARD_LEN, GUARD_BYTE)) < GUARD_LEN)
		fail(1, "%s\nexpected guard byte dst[len+%zu] untouched (0x%02x), got 0x%02x", WHERE, i, GUARD_BYTE,
		     dst[len + i]);
	if (err != ERRNO_SENTINEL)
		fail(2, "%s\nexpected errno %d unchanged, got %d (%s)", WHERE, ERRNO_SENTINEL, err, strerror(err));
	if ((sig = mask_changed(&s->mask)) != 0)
		fail(3, "%s\nexpected the signal mask unchanged after the copy, got %s %s", WHERE, sig_str(sig),
		     sigismember(&s->mask, sig) ? "unblocked" : "left blocked");
	r2 = s->e->copy(dst, s->src.lo, len);
	if (r2 != 0)
		fail(3, "%s\nthen a copy without fault: expected r == 0, got %zu", WHERE, r2);
	else if ((i = first_diff(dst, s->src.lo, len)) < len)
		fail(3, "%s\nthen a copy without fault: expected dst[%zu] == 0x%02x, got 0x%02x", WHERE, i,
		     s->src.lo[i], dst[i]);
#undef WHERE
	return 0;
}

static void src_fault_sweep(const struct case_ctx *c)
{
	struct fault_sweep s;
	uint64_t rng = c->seed;
	const char *why_not = NULL;
	char why[200];
	size_t max = fault_max_len();

	memset(&s, 0, sizeof s);
	s.e = c->e;
	s.kind = c->param;
	s.what = fault_name[s.kind];
	if (s.kind == F_EOF)
		why_not = platform_bus_unusable();
	else if (s.kind == F_PKEY)
		why_not = plat.pkeys_ok ? NULL : plat.pkeys_why;
	else
		why_not = platform_segv_unusable();
	if (why_not) {
		for (int k = 0; k < 4; k++)
			skip(k, "%s", why_not);
		return;
	}
	if (area_make(&s.src, s.kind, max + 64, max + 64, why, sizeof why) != 0) {
		for (int k = 0; k < 4; k++)
			if (s.kind == F_PKEY)
				skip(k, "protection keys unusable: %s", why);
			else
				fail(k, "setup: %s", why);
		return;
	}
	if (area_make(&s.dst, F_NONE, max + 64 + 2 * GUARD_LEN, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		area_free(&s.src);
		return;
	}
	pattern_fill(s.src.lo, s.src.good, splitmix(&rng));
	sigprocmask(SIG_SETMASK, NULL, &s.mask);
	/* qemu-user on 32-bit guests keeps holes reserved: msync cannot see them there. */
	int hole_visible = s.kind == F_HOLE && area_hole_intact(&s.src);
	if (s.kind == F_HOLE && !hole_visible)
		note("msync cannot tell the hole is unmapped here (qemu-user?): not checking it stays a hole");
	fault_shapes(&rng, opt.quick ? 48 : 256, src_fault, &s);
	if (hole_visible && !area_hole_intact(&s.src))
		fail(0, "something was mapped into the hole during the sweep: results above may be wrong");
	area_free(&s.src);
	area_free(&s.dst);
}

/* Checks 1-3 (data and guards, errno, the next copy) share the second point. */
#define SRC_POINTS \
	{ "r == len - p: byte k is the FIRST byte of the range that could not be read", \
	  "dst[0..k) equals src[0..k), nothing outside [dst, dst+len) is written, errno is the same after " \
	  "the call, the next copy works" }

const struct case_def cases_source[] = {
	{ "src PROT_NONE page (SIGSEGV) from byte p", SRC_POINTS, src_fault_sweep, PER_ENTRY, F_PROT_NONE, NULL },
	{ "src unmapped hole (SIGSEGV SEGV_MAPERR) from byte p", SRC_POINTS, src_fault_sweep, PER_ENTRY, F_HOLE, NULL },
	{ "src file mapping beyond EOF (SIGBUS BUS_ADRERR) from byte p", SRC_POINTS, src_fault_sweep, PER_ENTRY,
	  F_EOF, NULL },
	{ "src protection-key page (SIGSEGV SEGV_PKUERR) from byte p", SRC_POINTS, src_fault_sweep,
	  PER_ENTRY | X86_64_ONLY, F_PKEY, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
