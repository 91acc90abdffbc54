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
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
