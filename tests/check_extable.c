/*
 * check_extable.c - the exception table (design.md, "Exception table"):
 * copymc_extable_search over tables built at run time with PC-relative
 * offsets, and the library's own table as linked into this program.
 */
#include "check_tests.h"

#include <string.h>

/* Fill e so that it names insn, resumes at fixup, and has the given kind. */
static void set_entry(struct copymc_extable_entry *e, const void *insn, const void *fixup,
		      int kind)
{
	e->insn = (int32_t)((intptr_t)insn - (intptr_t)&e->insn);
	e->fixup = (int32_t)((intptr_t)fixup - (intptr_t)&e->fixup);
	e->kind = kind;
}

/*
 * A "text" before the table and one after it, so both negative and
 * positive offsets occur; the layout of a struct is fixed.
 */
struct layout {
	unsigned char lo[64];
	struct copymc_extable_entry tab[6];
	unsigned char hi[64];
};

static const struct {
	int hi;			/* in hi[] rather than lo[] */
	size_t insn, fixup;
	int kind;
} spec[6] = {
	{ 0, 10, 40, COPYMC_EX_READ },
	{ 0, 11, 41, COPYMC_EX_WRITE },		/* adjacent to the one before */
	{ 1, 5, 60, COPYMC_EX_READ | COPYMC_EX_WRITE },
	{ 0, 30, 2, COPYMC_EX_READ },		/* fixup before the instruction */
	{ 1, 50, 20, COPYMC_EX_WRITE },
	{ 1, 20, 63, COPYMC_EX_READ },		/* not sorted: the scan is linear */
};

static const unsigned char *spec_insn(const struct layout *L, size_t i)
{
	return (spec[i].hi ? L->hi : L->lo) + spec[i].insn;
}

static const unsigned char *spec_fixup(const struct layout *L, size_t i)
{
	return (spec[i].hi ? L->hi : L->lo) + spec[i].fixup;
}

static void build(struct layout *L)
{
	memset(L, 0, sizeof *L);
	for (size_t i = 0; i < 6; i++)
		set_entry(&L->tab[i], spec_insn(L, i), spec_fixup(L, i), spec[i].kind);
}

/* Is pc the instruction of some entry of the spec? */
static int is_spec_insn(const struct layout *L, const unsigned char *pc)
{
	for (size_t i = 0; i < 6; i++)
		if (spec_insn(L, i) == pc)
			return 1;
	return 0;
}

START_TEST(extable_entry_offsets_are_relative_to_the_entry_own_fields)
{
	struct layout L;

	build(&L);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_ptr_eq((void *)copymc_extable_insn(&L.tab[i]), spec_insn(&L, i));
		ck_assert_ptr_eq((void *)copymc_extable_fixup(&L.tab[i]), spec_fixup(&L, i));
	}
	/* Both signs occur. */
	ck_assert_int_lt(L.tab[0].insn, 0);
	ck_assert_int_gt(L.tab[2].insn, 0);
}
END_TEST

START_TEST(extable_search_finds_the_entry_naming_exactly_this_pc)
{
	struct layout L;

	build(&L);
	for (size_t i = 0; i < 6; i++) {
		const struct copymc_extable_entry *e =
			copymc_extable_search(L.tab, L.tab + 6, (uintptr_t)spec_insn(&L, i));

		ck_assert_msg(e == &L.tab[i], "entry %zu: found %p, want %p", i, (void *)e,
			      (void *)&L.tab[i]);
		ck_assert_ptr_eq((void *)copymc_extable_fixup(e), spec_fixup(&L, i));
		ck_assert_int_eq(e->kind, spec[i].kind);
	}
}
END_TEST

START_TEST(extable_search_misses_the_neighbours_of_an_entry)
{
	struct layout L;

	build(&L);
	for (size_t i = 0; i < 6; i++) {
		const unsigned char *pc = spec_insn(&L, i);

		for (int d = -3; d <= 3; d++) {
			const unsigned char *q = pc + d;
			const struct copymc_extable_entry *e =
				copymc_extable_search(L.tab, L.tab + 6, (uintptr_t)q);

			if (is_spec_insn(&L, q))
				ck_assert_msg(e != NULL && copymc_extable_insn(e) == (uintptr_t)q,
					      "entry %zu%+d is an entry but was not found", i, d);
			else
				ck_assert_msg(e == NULL, "entry %zu%+d: a neighbour was found", i,
					      d);
		}
	}
}
END_TEST

START_TEST(extable_search_misses_a_pc_in_no_entry)
{
	struct layout L;

	build(&L);
	for (size_t k = 0; k < sizeof L.lo; k++) {
		if (!is_spec_insn(&L, L.lo + k))
			ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6,
								  (uintptr_t)(L.lo + k)));
		if (!is_spec_insn(&L, L.hi + k))
			ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6,
								  (uintptr_t)(L.hi + k)));
	}
	/* A fixup address is not an instruction of the table. */
	ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6, (uintptr_t)spec_fixup(&L, 0)));
	ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6, 0));
	ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6, UINTPTR_MAX));
	/* The table's own bytes are not code. */
	ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab + 6, (uintptr_t)&L.tab[0].insn));
}
END_TEST

START_TEST(extable_search_looks_only_between_begin_and_end)
{
	struct layout L;

	build(&L);
	/* An empty table finds nothing. */
	ck_assert_ptr_null(copymc_extable_search(L.tab, L.tab, (uintptr_t)spec_insn(&L, 0)));
	/* A sub-table finds only its own entries. */
	for (size_t i = 0; i < 6; i++) {
		const struct copymc_extable_entry *e =
			copymc_extable_search(L.tab + 2, L.tab + 4, (uintptr_t)spec_insn(&L, i));

		if (i >= 2 && i < 4)
			ck_assert_ptr_eq(e, &L.tab[i]);
		else
			ck_assert_ptr_null(e);
	}
}
END_TEST

#ifdef COPYMC_HAVE_EXTABLE
/* READ and/or WRITE, and any modifier bits extable.h defines. */
#ifdef COPYMC_EX_ADDR
# define KNOWN_KINDS (COPYMC_EX_READ | COPYMC_EX_WRITE | COPYMC_EX_ADDR | COPYMC_EX_REP)
#else
# define KNOWN_KINDS (COPYMC_EX_READ | COPYMC_EX_WRITE)
#endif

extern const struct copymc_extable_entry __start_copymc_extable[] COPYMC_HIDDEN;
extern const struct copymc_extable_entry __stop_copymc_extable[] COPYMC_HIDDEN;

START_TEST(extable_find_finds_every_entry_of_the_library_table_at_its_instruction)
{
	size_t n = (size_t)(__stop_copymc_extable - __start_copymc_extable), nread = 0,
	       nwrite = 0;

	ck_assert_msg(n > 0, "the library's exception table is empty");
	for (size_t i = 0; i < n; i++) {
		const struct copymc_extable_entry *e = &__start_copymc_extable[i];
		uintptr_t pc = copymc_extable_insn(e);

		ck_assert_msg(copymc_extable_find(pc) == e, "entry %zu not found at its pc", i);
		ck_assert_msg(copymc_extable_fixup(e) != pc, "entry %zu resumes at itself", i);
		ck_assert_msg((e->kind & (COPYMC_EX_READ | COPYMC_EX_WRITE)) != 0 &&
			      (e->kind & ~KNOWN_KINDS) == 0, "entry %zu has kind %d", i, e->kind);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(copymc_extable_insn(&__start_copymc_extable[j]) != pc,
				      "entries %zu and %zu name the same instruction", j, i);
		nread += (e->kind & COPYMC_EX_READ) != 0;
		nwrite += (e->kind & COPYMC_EX_WRITE) != 0;
		/* A fixup is code, not an entry of its own. */
		ck_assert_ptr_null(copymc_extable_find(copymc_extable_fixup(e)));
	}
	ck_assert_msg(nread > 0, "no READ entries");
	ck_assert_msg(nwrite > 0, "no WRITE entries (copy_mc_to_user)");
	ck_assert_ptr_null(copymc_extable_find((uintptr_t)&copymc_extable_find));
}
END_TEST

/*
 * "a WRITE entry only when the running copy is copy_mc_to_user ... use
 * separate instruction addresses": no WRITE entry lies in a _to_kernel
 * body, for every backend of the arch's table (each port lays out a
 * body's _to_kernel and then its _to_user; a _to_kernel body ends where
 * the next body of the table begins, its _to_user or another's).
 */
START_TEST(write_entries_are_only_in_copy_mc_to_user_bodies)
{
	ck_assert_msg(copymc_arch_nbackends > 0, "an exception table, but no arch backends");
	for (size_t b = 0; b < copymc_arch_nbackends; b++) {
		const struct copymc_backend *be = &copymc_arch_backends[b];
		uintptr_t kernel = (uintptr_t)be->to_kernel, end = (uintptr_t)be->to_user;
		size_t nkernel = 0;

		ck_assert_msg(kernel < end, "%s: _to_kernel is not laid out before _to_user",
			      be->name);
		for (size_t o = 0; o < copymc_arch_nbackends; o++) {
			uintptr_t k = (uintptr_t)copymc_arch_backends[o].to_kernel,
				  u = (uintptr_t)copymc_arch_backends[o].to_user;

			if (k > kernel && k < end)
				end = k;
			if (u > kernel && u < end)
				end = u;
		}
		for (const struct copymc_extable_entry *e = __start_copymc_extable;
		     e < __stop_copymc_extable; e++) {
			uintptr_t pc = copymc_extable_insn(e);

			if (pc < kernel || pc >= end)
				continue;
			nkernel++;
			ck_assert_msg(!(e->kind & COPYMC_EX_WRITE),
				      "%s: a WRITE entry at %p in the _to_kernel body", be->name,
				      (void *)pc);
		}
		ck_assert_msg(nkernel > 0, "%s: no entries in the _to_kernel body", be->name);
	}
}
END_TEST
#endif

Suite *extable_suite(void)
{
	Suite *s = suite_create("extable");
	TCase *tc = tcase_create("search");

	tcase_add_test(tc, extable_entry_offsets_are_relative_to_the_entry_own_fields);
	tcase_add_test(tc, extable_search_finds_the_entry_naming_exactly_this_pc);
	tcase_add_test(tc, extable_search_misses_the_neighbours_of_an_entry);
	tcase_add_test(tc, extable_search_misses_a_pc_in_no_entry);
	tcase_add_test(tc, extable_search_looks_only_between_begin_and_end);
	suite_add_tcase(s, tc);
#ifdef COPYMC_HAVE_EXTABLE
	tc = tcase_create("library_table");
	tcase_add_test(tc, extable_find_finds_every_entry_of_the_library_table_at_its_instruction);
	tcase_add_test(tc, write_entries_are_only_in_copy_mc_to_user_bodies);
	suite_add_tcase(s, tc);
#endif
	return s;
}
