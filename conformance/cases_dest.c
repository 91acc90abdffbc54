/*
 * cases_dest.c - faults while writing dst.  copy_mc_to_user stops at the
 * first byte it cannot write (read-only page, file mapping beyond EOF,
 * unmapped hole) and leaves dst[0..k) equal to src[0..k): src bytes are all
 * distinct by position, so a retry replayed from an advanced source pointer
 * shows.  copy_mc_to_kernel must crash there exactly as memcpy would.
 */
#include "conformance.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct dest_sweep {
	const struct entry *e;
	int kind;
	struct area src, dst, ok;	/* ok: a destination that does not fault */
};

static int dst_fault(size_t len, size_t p, size_t dof, void *arg)
{
	struct dest_sweep *s = arg;
	unsigned char *dst = s->dst.edge - p;
	const unsigned char *src = s->src.lo + dof;
	size_t want = len - p, r, i;
	int err;
	char where[160];

	progress("len %zu, dst fault at byte p %zu, src misaligned +%zu%.0zu", len, p, dof, 0);
	memset(dst - GUARD_LEN, GUARD_BYTE, GUARD_LEN + p);
	errno = ERRNO_SENTINEL;
	r = s->e->copy(dst, src, len);
	err = errno;
#define WHERE (snprintf(where, sizeof where, "dst %s at byte p: len %zu, p %zu, src misaligned +%zu", \
			fault_name[s->kind], len, p, dof), where)
	if (r != want)
		fail(0, "%s\nexpected r == %zu (len - p), got r == %zu", WHERE, want, r);
	if (r <= len && len - r <= p && (i = first_diff(dst, src, len - r)) < len - r)
		fail(1, "%s\nexpected dst[%zu] == src[%zu] == 0x%02x (k = len - r = %zu), got 0x%02x%s", WHERE, i, i,
		     src[i], len - r, dst[i],
		     dst[i] == src[i + 1] ? " (== src[i+1]: replayed from an advanced source pointer?)" : "");
	if ((i = first_not(dst - GUARD_LEN, GUARD_LEN, GUARD_BYTE)) < GUARD_LEN)
		fail(1, "%s\nexpected guard byte dst[-%zu] untouched (0x%02x), got 0x%02x", WHERE, GUARD_LEN - i,
		     GUARD_BYTE, dst[(ptrdiff_t)i - GUARD_LEN]);
	if (err != ERRNO_SENTINEL)
		fail(2, "%s\nexpected errno %d unchanged, got %d (%s)", WHERE, ERRNO_SENTINEL, err, strerror(err));
	r = s->e->copy(s->ok.lo, src, len);
	if (r != 0)
		fail(3, "%s\nthen a copy without fault: expected r == 0, got %zu", WHERE, r);
	else if ((i = first_diff(s->ok.lo, src, len)) < len)
		fail(3, "%s\nthen a copy without fault: expected dst[%zu] == 0x%02x, got 0x%02x", WHERE, i, src[i],
		     s->ok.lo[i]);
#undef WHERE
	return 0;
}

static void dst_fault_sweep(const struct case_ctx *c)
{
	struct dest_sweep s;
	uint64_t rng = c->seed;
	const char *why_not = c->param == F_EOF ? platform_bus_unusable() : platform_segv_unusable();
	char why[200];
	size_t max = fault_max_len();

	if (why_not) {
		for (int k = 0; k < 4; k++)
			skip(k, "%s", why_not);
		return;
	}
	memset(&s, 0, sizeof s);
	s.e = c->e;
	s.kind = c->param;
	if (area_make(&s.dst, s.kind, max + 64 + GUARD_LEN, max + 64, why, sizeof why) != 0 ||
	    area_make(&s.src, F_NONE, max + 128, 0, why, sizeof why) != 0 ||
	    area_make(&s.ok, F_NONE, max, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(s.src.lo, s.src.good, splitmix(&rng));
	/* qemu-user on 32-bit guests keeps holes reserved: msync cannot see them there. */
	int hole_visible = s.kind == F_HOLE && area_hole_intact(&s.dst);
	if (s.kind == F_HOLE && !hole_visible)
		note("msync cannot tell the hole is unmapped here (qemu-user?): not checking it stays a hole");
	fault_shapes(&rng, opt.quick ? 40 : 200, dst_fault, &s);
	if (hole_visible && !area_hole_intact(&s.dst))
		fail(0, "something was mapped into the hole during the sweep: results above may be wrong");
	area_free(&s.src);
	area_free(&s.dst);
	area_free(&s.ok);
}

/* ---- copy_mc_to_user with both a src and a dst fault: the first one counts ---- */

static void both_fault(const struct case_ctx *c)
{
	struct area src, dst;
	char why[200];
	const size_t max = opt.quick ? 24 : 96;
	uint64_t rng = c->seed;

	if (platform_segv_unusable()) {
		skip(0, "%s", platform_segv_unusable());
		return;
	}
	if (area_make(&src, F_PROT_NONE, max + 64, max + 64, why, sizeof why) != 0 ||
	    area_make(&dst, F_READONLY, max + 64 + GUARD_LEN, max + 64, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, splitmix(&rng));
	for (size_t len = 1; len <= max; len++) {
		const size_t ps[] = { 0, len / 3, len / 2, len - 1, len, rnd_below(&rng, len + 1) };
		for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
			for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
				size_t ps_src = ps[i], ps_dst = ps[j], first = ps_src < ps_dst ? ps_src : ps_dst;
				const unsigned char *s = src.edge - ps_src;
				unsigned char *d = dst.edge - ps_dst;
				size_t r, k;

				progress("len %zu, src fault at byte %zu, dst fault at byte %zu%.0zu", len, ps_src, ps_dst, 0);
				memset(d - GUARD_LEN, GUARD_BYTE, GUARD_LEN + ps_dst);
				r = c->e->copy(d, s, len);
				if (r != len - first)
					fail(0, "len %zu, src fault at byte %zu, dst fault at byte %zu\nexpected r == %zu "
					     "(len - the first byte that could not be read or written), got %zu",
					     len, ps_src, ps_dst, len - first, r);
				else if ((k = first_diff(d, s, first)) < first)
					fail(0, "len %zu, src fault at byte %zu, dst fault at byte %zu\nexpected dst[%zu] == "
					     "src[%zu] == 0x%02x, got 0x%02x", len, ps_src, ps_dst, k, k, s[k], d[k]);
				if ((k = first_not(d - GUARD_LEN, GUARD_LEN, GUARD_BYTE)) < GUARD_LEN)
					fail(0, "len %zu, src fault at byte %zu, dst fault at byte %zu\nexpected guard byte "
					     "dst[-%zu] untouched, got 0x%02x", len, ps_src, ps_dst, GUARD_LEN - k,
					     d[(ptrdiff_t)k - GUARD_LEN]);
			}
	}
	area_free(&src);
	area_free(&dst);
}

/* ---- copy_mc_to_kernel: a fault writing dst crashes as memcpy would ---- */

struct kernel_dst_arg {
	const struct entry *e;
	unsigned char *dst;
	const unsigned char *src;
	size_t len;
};

static int kernel_dst_subject(void *p)
{
	struct kernel_dst_arg *a = p;
	size_t r = a->e->copy(a->dst, a->src, a->len);

	if (r != 0) {
		fail(0, "%s returned r == %zu for a fault writing dst", a->e->name, r);
		return SUBJ_RECOVERED;
	}
	fail(0, "the copy finished without a fault (r == 0)");
	return SUBJ_SURVIVED;
}

static void kernel_dst_dies(const struct case_ctx *c)
{
	struct area dst, src;
	char why[200], what[200];
	const size_t pg = plat.page;
	const size_t shapes[][2] = { { 1, 0 }, { 64, 13 }, { 2 * pg + 100, pg + 7 } };
	int sig = c->param == F_EOF ? SIGBUS : SIGSEGV;

	if (area_make(&dst, c->param, 3 * pg, 3 * pg, why, sizeof why) != 0 ||
	    area_make(&src, F_NONE, 3 * pg, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, c->seed);
	for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
		struct kernel_dst_arg a = { c->e, dst.edge - shapes[i][1], src.lo, shapes[i][0] };
		struct subject_result res;

		snprintf(what, sizeof what, "%s to a %s at byte p: len %zu, p %zu", c->e->name,
			 fault_name[c->param], shapes[i][0], shapes[i][1]);
		progress("len %zu, dst fault at byte p %zu%.0zu%.0zu", shapes[i][0], shapes[i][1], 0, 0);
		subject_run_observed(kernel_dst_subject, &a, &res);
		expect_death(0, what, &res, sig);
	}
	area_free(&dst);
	area_free(&src);
}

/* Checks 1-3 (data and guard, errno, the next copy) share the second point. */
#define DST_POINTS \
	{ "r == len - p: byte k is the FIRST byte of the range that could not be written", \
	  "dst[0..k) equals src[0..k) (no replay from an advanced source pointer), nothing before dst is " \
	  "written, errno is the same after the call, the next copy works" }

const struct case_def cases_dest[] = {
	{ "dst read-only page (SIGSEGV) from byte p", DST_POINTS, dst_fault_sweep, PER_ENTRY | TO_USER_ONLY,
	  F_READONLY, NULL },
	{ "dst file mapping beyond EOF (SIGBUS BUS_ADRERR) from byte p", DST_POINTS, dst_fault_sweep,
	  PER_ENTRY | TO_USER_ONLY, F_EOF, NULL },
	{ "dst unmapped hole (SIGSEGV SEGV_MAPERR) from byte p", DST_POINTS, dst_fault_sweep,
	  PER_ENTRY | TO_USER_ONLY, F_HOLE, NULL },
	{ "src PROT_NONE from byte p and dst read-only from byte q",
	  { "r == len - min(p, q): byte k is the FIRST byte that could not be read or written; dst[0..k) equals src[0..k)" },
	  both_fault, PER_ENTRY | TO_USER_ONLY, 0, NULL },
	{ "dst read-only page", { "faults while writing dst are NOT recovered: dies of SIGSEGV as memcpy would" },
	  kernel_dst_dies, PER_ENTRY | TO_KERNEL_ONLY, F_READONLY, NULL },
	{ "dst file mapping beyond EOF", { "faults while writing dst are NOT recovered: dies of SIGBUS as memcpy would" },
	  kernel_dst_dies, PER_ENTRY | TO_KERNEL_ONLY, F_EOF, NULL },
	{ "dst unmapped hole", { "faults while writing dst are NOT recovered: dies of SIGSEGV as memcpy would" },
	  kernel_dst_dies, PER_ENTRY | TO_KERNEL_ONLY, F_HOLE, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
