/*
 * sweep.c - the matrix of lengths, misalignments and fault positions.
 * Lengths: all below 512, then those around each 8-byte (--quick: 64-byte)
 * boundary up to 16 KiB and around each page boundary.  Faults: every position for short copies, boundaries
 * and seeded random positions for copies up to several pages.
 */
#include "conformance.h"
#include "sweep.h"

size_t sweep_max_len(void)
{
	return 4 * plat.page + 8;
}

/*
 * The dense lengths (around every 8 or 64 bytes) stop here, whatever the
 * page size: with 64 KiB pages (ppc64le) they would otherwise run sixteen
 * times as far, and a case's time grow with the page.  With 4 KiB pages
 * this is sweep_max_len() itself.
 */
#define SWEEP_DENSE_MAX (4 * 4096 + 8)

int sweep_has_len(size_t n)
{
	size_t pg = plat.page, m = n % pg, r;

	if (n < 512)
		return 1;
	if (m <= 2 || m >= pg - 2)
		return 1;
	if (n > SWEEP_DENSE_MAX)
		return 0;
	if (opt.quick) {
		r = n % 64;
		return r == 0 || r == 1 || r == 63;
	}
	r = n % 8;
	return r == 0 || r == 1 || r == 7;
}

void sweep_shapes(uint64_t *rng, shape_fn fn, void *arg)
{
	static const size_t delta_full[] = { 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 48, 63 };
	static const size_t delta_quick[] = { 0, 1, 8, 63 };
	static const size_t so_quick[] = { 0, 1, 3, 7, 8, 15, 31, 63 };
	static const size_t big_pairs[][2] = { { 0, 0 }, { 63, 1 }, { 1, 0 }, { 0, 1 }, { 7, 9 } };
	const size_t *d = opt.quick ? delta_quick : delta_full;
	size_t nd = opt.quick ? sizeof delta_quick / sizeof *d : sizeof delta_full / sizeof *d;
	size_t nso = opt.quick ? sizeof so_quick / sizeof *so_quick : 64;
	size_t max = sweep_max_len();

	for (size_t len = 0; len <= max; len++) {
		if (!sweep_has_len(len))
			continue;
		if (len < 512) {
			for (size_t i = 0; i < nso; i++) {
				size_t so = opt.quick ? so_quick[i] : i;
				for (size_t j = 0; j < nd; j++)
					if (fn(len, so, (so + d[j]) & 63, arg))
						return;
			}
		} else {
			size_t np = opt.quick ? 2 : sizeof big_pairs / sizeof *big_pairs;
			for (size_t i = 0; i < np; i++)
				if (fn(len, big_pairs[i][0], big_pairs[i][1], arg))
					return;
		}
		for (int i = opt.quick ? 1 : 2; i > 0; i--) {
			size_t so = rnd_below(rng, 64), dof = rnd_below(rng, 64);
			if (fn(len, so, dof, arg))
				return;
		}
	}
}

/*
 * The longest fault shapes reach every range in which an x86_64 vector
 * backend hands the copy to rep movsb: from 2 or 4 KiB, and on AMD from
 * more than half the L1d (24 KiB on Zen 5), whatever the page size.
 */
#define FAULT_LONG_LEN ((size_t)64 << 10)

size_t fault_max_len(void)
{
	size_t pages = 4 * plat.page;

	return (pages > FAULT_LONG_LEN ? pages : FAULT_LONG_LEN) + 64;
}

static int fault_at(size_t len, size_t p, uint64_t salt, fault_fn fn, void *arg)
{
	return fn(len, p, (size_t)((len * 7 + p * 3 + salt) & 63), arg);
}

void fault_shapes(uint64_t *rng, size_t short_max, fault_fn fn, void *arg)
{
	size_t pg = plat.page, max = fault_max_len();
	uint64_t salt = splitmix(rng);
	size_t lens[32], nl = 0;
	const size_t fixed[] = { short_max + 1, 300, 511, 512, 513, 1000, 1023, 1024, 1025,
				 pg - 1, pg, pg + 1, 2 * pg - 1, 2 * pg + 7, 3 * pg + 33, 4 * pg, 4 * pg + 5,
				 (40 << 10) + 5, FAULT_LONG_LEN + 33 };

	for (size_t len = 1; len <= short_max; len++)
		for (size_t p = 0; p <= len; p++)
			if (fault_at(len, p, salt, fn, arg))
				return;

	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (fixed[i] > short_max && fixed[i] <= max && (!opt.quick || i % 2 == 0))
			lens[nl++] = fixed[i];
	for (int i = opt.quick ? 1 : 4; i > 0; i--)
		lens[nl++] = short_max + 1 + rnd_below(rng, 4 * pg + 64 - short_max);

	for (size_t i = 0; i < nl; i++) {
		size_t len = lens[i];
		const size_t ps[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129,
				      255, 256, 257, 511, 512, 513, pg - 1, pg, pg + 1, 2 * pg - 1, 2 * pg,
				      2 * pg + 1, 3 * pg - 1, 3 * pg, 3 * pg + 1,
				      len - 65, len - 64, len - 9, len - 8, len - 2, len - 1, len };
		for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
			if (ps[j] > len || (opt.quick && j % 3 != 0 && j + 3 < sizeof ps / sizeof *ps))
				continue;
			if (fault_at(len, ps[j], salt, fn, arg))
				return;
		}
		for (int k = opt.quick ? 4 : 16; k > 0; k--)
			if (fault_at(len, rnd_below(rng, len + 1), salt, fn, arg))
				return;
	}
}
