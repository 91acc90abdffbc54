/*
 * check_dispatch.c - backend selection and its errors (contract.md,
 * "Further entry points"): copy_mc_backends, copy_mc_set_backend and
 * copy_mc_backend, the ENOENT/EINVAL/ENOTSUP errors, and COPYMC_BACKEND
 * at initialisation.  Every test runs in a fresh child (CK_FORK), so the
 * environment variable is seen by the first initialisation.
 */
#include "check_tests.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define MAXNAMES 32

START_TEST(copy_mc_backends_returns_how_many_are_built_in)
{
	const char *names[MAXNAMES];
	size_t n = copy_mc_backends(names, MAXNAMES), ngeneric = 0;

	ck_assert_uint_eq(n, copymc_arch_nbackends + 1);	/* the arch's, and generic */
	ck_assert_uint_le(n, MAXNAMES);
	ck_assert_uint_eq(copy_mc_backends(NULL, 0), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(names[i]);
		ck_assert_msg(names[i][0] != '\0', "backend %zu has an empty name", i);
		ck_assert_msg(copymc_backend_lookup(names[i]) != NULL,
			      "backend %zu (\"%s\") is listed but cannot be looked up", i,
			      names[i]);
		ngeneric += strcmp(names[i], "generic") == 0;
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(names[i], names[j]) != 0,
				      "\"%s\" is listed twice", names[i]);
	}
	ck_assert_msg(ngeneric == 1, "\"generic\" (everywhere) is listed %zu times", ngeneric);
#if defined(__x86_64__) && defined(COPYMC_HAVE_EXTABLE)
	{
		int erms = 0, fragile = 0, sse2 = 0;

		for (size_t i = 0; i < n; i++) {
			erms |= strcmp(names[i], "erms") == 0;
			fragile |= strcmp(names[i], "fragile") == 0;
			sse2 |= strcmp(names[i], "sse2") == 0;
		}
		ck_assert_msg(erms && fragile && sse2, "x86_64 must build erms, fragile and sse2");
	}
#endif
}
END_TEST

START_TEST(copy_mc_backends_names_may_be_null_when_max_is_0)
{
	size_t n = copy_mc_backends(NULL, 0);

	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(copy_mc_backends(NULL, 0), n);
}
END_TEST

START_TEST(copy_mc_backends_stores_at_most_max_names)
{
	const char *all[MAXNAMES];
	size_t n = copy_mc_backends(all, MAXNAMES);
	static const char sentinel[] = "untouched";

	for (size_t max = 0; max <= n + 1; max++) {
		const char *names[MAXNAMES + 2];

		for (size_t i = 0; i < MAXNAMES + 2; i++)
			names[i] = sentinel;
		ck_assert_msg(copy_mc_backends(names, max) == n,
			      "max %zu: does not return how many are built in", max);
		for (size_t i = 0; i < max && i < n; i++)
			ck_assert_msg(names[i] == all[i], "max %zu: names[%zu] is wrong", max, i);
		for (size_t i = max < n ? max : n; i < MAXNAMES + 2; i++)
			ck_assert_msg(names[i] == sentinel, "max %zu: names[%zu] was written",
				      max, i);
	}
}
END_TEST

START_TEST(copy_mc_set_backend_selects_each_built_backend_and_copy_mc_backend_names_it)
{
	size_t n = test_nbackends();
	unsigned char src[100], dst[100];

	for (size_t i = 0; i < sizeof src; i++)
		src[i] = test_pattern(i);
	for (size_t round = 0; round < 2; round++) {
		for (size_t i = 0; i < n; i++) {
			const char *name = test_backend_name(i);

			if (copymc_backend_check(copymc_backend_lookup(name)) != 0)
				continue;	/* this CPU cannot run it: see the ENOTSUP test */
			errno = 0;
			ck_assert_msg(copy_mc_set_backend(name) == 0,
				      "copy_mc_set_backend(\"%s\") failed: %s", name,
				      strerror(errno));
			ck_assert_str_eq(copy_mc_backend(), name);
			memset(dst, 0, sizeof dst);
			ck_assert_uint_eq(copy_mc_to_kernel(dst, src, sizeof src), 0);
			ck_assert_uint_eq(copy_mc_to_user(dst, src, sizeof src), 0);
			ck_assert_msg(memcmp(dst, src, sizeof src) == 0, "%s copied wrong bytes",
				      name);
			ck_assert_str_eq(copy_mc_backend(), name);
		}
	}
}
END_TEST

START_TEST(copy_mc_set_backend_of_a_name_not_built_fails_with_enoent)
{
	static const char *const unknown[] = { "", "nosuch", "ERMS", "erms ", "generic2",
					       "avx512-someday" };
	const char *before = copy_mc_backend();

	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		if (copymc_backend_lookup(unknown[i]) != NULL)
			continue;	/* built here after all */
		errno = 0;
		ck_assert_int_eq(copy_mc_set_backend(unknown[i]), -1);
		ck_assert_msg(errno == ENOENT, "\"%s\": errno %d (%s), want ENOENT", unknown[i],
			      errno, strerror(errno));
		ck_assert_str_eq(copy_mc_backend(), before);	/* the active one is kept */
	}
}
END_TEST

START_TEST(copy_mc_set_backend_of_null_fails_with_einval)
{
	errno = 0;
	ck_assert_int_eq(copy_mc_set_backend(NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(copy_mc_backend());
}
END_TEST

static int cannot_run(void)
{
	return 0;
}

static int can_run(void)
{
	return 1;
}

static size_t no_copy(void *dst, const void *src, size_t len)
{
	(void)dst;
	(void)src;
	return len;
}

/* "ENOTSUP (this CPU can't run it)": what copy_mc_set_backend turns into errno. */
START_TEST(a_backend_this_cpu_cannot_run_is_refused_with_enotsup)
{
	const struct copymc_backend unusable = { "fake-unusable", no_copy, no_copy, cannot_run };
	const struct copymc_backend usable = { "fake-usable", no_copy, no_copy, can_run };
	const struct copymc_backend any_cpu = { "fake-any", no_copy, no_copy, NULL };

	ck_assert_int_eq(copymc_backend_check(&unusable), -ENOTSUP);
	ck_assert_int_eq(copymc_backend_check(&usable), 0);
	ck_assert_int_eq(copymc_backend_check(&any_cpu), 0);
	ck_assert_int_eq(copymc_backend_check(NULL), -ENOENT);
	/* copy_mc_set_backend reports what the check says, for each backend built. */
	for (size_t i = 0; i < test_nbackends(); i++) {
		const char *name = test_backend_name(i);
		const char *before = copy_mc_backend();
		int check = copymc_backend_check(copymc_backend_lookup(name));

		ck_assert_msg(check == 0 || check == -ENOTSUP, "%s: check says %d", name, check);
		errno = 0;
		if (check == 0) {
			ck_assert_int_eq(copy_mc_set_backend(name), 0);
			ck_assert_str_eq(copy_mc_backend(), name);
		} else {
			ck_assert_int_eq(copy_mc_set_backend(name), -1);
			ck_assert_msg(errno == ENOTSUP, "%s: errno %d, want ENOTSUP", name, errno);
			ck_assert_str_eq(copy_mc_backend(), before);
		}
	}
}
END_TEST

START_TEST(backend_lookup_finds_each_built_backend_by_name)
{
	for (size_t i = 0; i < test_nbackends(); i++) {
		const char *name = test_backend_name(i);
		const struct copymc_backend *b = copymc_backend_lookup(name);

		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(b->name, name);
		ck_assert_ptr_nonnull(b->to_kernel);
		ck_assert_ptr_nonnull(b->to_user);
	}
	ck_assert_ptr_null(copymc_backend_lookup("nosuch"));
	ck_assert_ptr_null(copymc_backend_lookup(""));
}
END_TEST

/* "COPYMC_BACKEND=<name> selects a backend at initialisation", for each name. */
START_TEST(copymc_backend_environment_variable_selects_a_backend_at_initialisation)
{
	const char *name = test_backend_name((size_t)_i / 2);
	unsigned char src[64], dst[64];

	ck_assert_int_eq(setenv("COPYMC_BACKEND", name, 1), 0);
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = test_pattern(i);
	if (_i % 2 == 0) {
		/* Initialised by the first copy... */
		ck_assert_uint_eq(copy_mc_to_kernel(dst, src, sizeof dst), 0);
	} else {
		/* ...or by copy_mc_init(). */
		ck_assert_int_eq(copy_mc_init(), 0);
	}
	if (copymc_backend_check(copymc_backend_lookup(name)) != 0) {
		/* "an ... unusable name is ignored with the default kept" */
		ck_assert_str_eq(copy_mc_backend(), copymc_arch_default());
		return;
	}
	ck_assert_str_eq(copy_mc_backend(), name);
	/* Read at initialisation only: a later change is not a selection. */
	ck_assert_int_eq(setenv("COPYMC_BACKEND", "generic", 1), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_str_eq(copy_mc_backend(), name);
}
END_TEST

START_TEST(without_copymc_backend_the_default_is_the_cpu_default)
{
	ck_assert_int_eq(unsetenv("COPYMC_BACKEND"), 0);
	ck_assert_str_eq(copy_mc_backend(), copymc_arch_default());
}
END_TEST

/* "an unknown or unusable name is ignored with the default kept" */
START_TEST(copymc_backend_unknown_name_is_ignored_with_the_default_kept)
{
	static const char *const values[] = { "nosuch", "", "ERMS", "generic,erms" };
	const char *value = values[_i];
	unsigned char src[64], dst[64];

	memset(src, 1, sizeof src);
	ck_assert_int_eq(setenv("COPYMC_BACKEND", value, 1), 0);
	errno = 0;
	ck_assert_uint_eq(copy_mc_to_kernel(dst, src, sizeof dst), 0);
	ck_assert_msg(errno == 0, "COPYMC_BACKEND=\"%s\" left errno %d", value, errno);
	ck_assert_str_eq(copy_mc_backend(), copymc_arch_default());
	/* And copy_mc_set_backend is the one that reports it. */
	if (value[0] != '\0') {
		ck_assert_int_eq(copy_mc_set_backend(value), -1);
		ck_assert_int_eq(errno, ENOENT);
	}
	ck_assert_str_eq(copy_mc_backend(), copymc_arch_default());
}
END_TEST

START_TEST(copy_mc_init_is_idempotent_and_a_selection_survives_it)
{
	const char *last = test_backend_name(test_usable_backend(test_nusable() - 1));

	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_int_eq(copy_mc_set_backend(last), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_str_eq(copy_mc_backend(), last);
}
END_TEST

/* "len == 0 returns 0 and touches nothing (NULL pointers allowed)" - before any init. */
START_TEST(len_0_returns_0_and_touches_nothing_null_pointers_allowed)
{
	ck_assert_uint_eq(copy_mc_to_kernel(NULL, NULL, 0), 0);
	ck_assert_uint_eq(copy_mc_to_user(NULL, NULL, 0), 0);
	for (size_t k = 0; k < test_nusable(); k++) {
		test_use_backend(test_usable_backend(k));
		ck_assert_uint_eq(copy_mc_to_kernel(NULL, NULL, 0), 0);
		ck_assert_uint_eq(copy_mc_to_user(NULL, NULL, 0), 0);
		ck_assert_uint_eq(copy_mc_to_kernel((void *)8, (void *)16, 0), 0);
	}
}
END_TEST

#if defined(__x86_64__) && defined(COPYMC_HAVE_EXTABLE)
/*
 * A copy of SIZE_MAX bytes runs the selected backend, not the body an
 * entry point inlines (copy_avx512.S, and with IFUNC copy_avx2.S and
 * copy_sse2.S; the gates in backends.c), unless that is the selected one.
 * The observable is the faulting instruction: the source's next page is
 * PROT_NONE, and a handler installed over the library's records the
 * signal and the pc of the first fault, then jumps back.  No length may
 * reach an inlined body while another backend is active: on a CPU without
 * its instructions it dies of SIGILL, else its fault lies in another
 * backend's code than the selected one's.
 */
#include "../arch/x86_64/backends.h"

/* The entry points, the public symbols among them (bound to one of the others with IFUNC). */
static const struct entry_point {
	const char *name, *needs;	/* needs: the backend whose instructions it runs */
	copymc_fn *to_kernel, *to_user;
} entry_points[] = {
	{ "copy_mc_to_*", NULL, copy_mc_to_kernel, copy_mc_to_user },
#ifdef COPYMC_HAVE_IFUNC
	{ "the avx512 entry", "avx512", copymc_avx512_entry_to_kernel, copymc_avx512_entry_to_user },
	{ "the avx2 entry", "avx2", copymc_avx2_entry_to_kernel, copymc_avx2_entry_to_user },
	{ "the sse2 entry", "sse2", copymc_sse2_entry_to_kernel, copymc_sse2_entry_to_user },
#endif
};
#define NENTRY_POINTS (sizeof entry_points / sizeof entry_points[0])

/* May this CPU call entry point e (does it run the instructions of e's body)? */
static int entry_point_runs_here(const struct entry_point *e)
{
	return e->needs == NULL || copymc_backend_check(copymc_backend_lookup(e->needs)) == 0;
}

extern const char __start_copymc_generic_text[] COPYMC_HIDDEN;
extern const char __stop_copymc_generic_text[] COPYMC_HIDDEN;

static sigjmp_buf size_max_jump;
static volatile sig_atomic_t size_max_sig;
static volatile uintptr_t size_max_pc, size_max_addr;

static void size_max_handler(int sig, siginfo_t *info, void *ucontext)
{
	size_max_sig = sig;
	size_max_pc = (uintptr_t)((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP];
	size_max_addr = (uintptr_t)info->si_addr;
	siglongjmp(size_max_jump, 1);
}

/* Where the selected backend's code lies: its to_kernel then its to_user. */
static void backend_code(const struct copymc_backend *b, uintptr_t *lo, uintptr_t *hi)
{
	if (b == &copymc_generic_backend) {
		/* generic_to_* are wrappers: the copy runs in its own section. */
		*lo = (uintptr_t)__start_copymc_generic_text;
		*hi = (uintptr_t)__stop_copymc_generic_text;
		return;
	}
	/* Each .S file emits the _to_kernel body, then the _to_user body. */
	*lo = (uintptr_t)b->to_kernel;
	*hi = (uintptr_t)b->to_user;
	ck_assert_msg(*lo < *hi, "%s: to_user does not follow to_kernel", b->name);
	*hi += 4096;	/* the _to_user body is far smaller than a page */
}

/* The copy that must fault, with its sigsetjmp in a frame of its own. */
__attribute__((noinline)) static void copy_size_max(copymc_fn *f, void *dst, const void *src)
{
	if (sigsetjmp(size_max_jump, 1) == 0)
		(void)f(dst, src, SIZE_MAX);
}

START_TEST(len_size_max_runs_the_selected_backend_not_an_inlined_body)
{
	size_t pg = test_pagesz(), k = 5;
	unsigned char *src = test_map(2), *dst = test_map(2);
	size_t checked = 0;
	struct sigaction sa, old_segv, old_bus, old_ill;

	for (size_t i = 0; i < pg; i++)
		src[i] = test_pattern(i);
	test_protect(src + pg, pg, PROT_NONE);
	ck_assert_int_eq(copy_mc_init(), 0);
	/* Ours goes on top of the library's: it sees the fault first. */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = size_max_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, &old_segv), 0);
	ck_assert_int_eq(sigaction(SIGBUS, &sa, &old_bus), 0);
	ck_assert_int_eq(sigaction(SIGILL, &sa, &old_ill), 0);
	for (size_t e = 0; e < NENTRY_POINTS; e++) {
		const struct entry_point *ep = &entry_points[e];

		if (!entry_point_runs_here(ep))
			continue;
		for (size_t u = 0; u < test_nusable(); u++) {
			const char *name = test_backend_name(test_usable_backend(u));
			const struct copymc_backend *b = copymc_backend_lookup(name);
			uintptr_t lo, hi;

			test_use_backend(test_usable_backend(u));
			backend_code(b, &lo, &hi);
			for (int to_user = 0; to_user < 2; to_user++) {
				size_max_sig = 0;
				size_max_pc = size_max_addr = 0;
				memset(dst, 0, 2 * pg);
				copy_size_max(to_user ? ep->to_user : ep->to_kernel, dst, src + pg - k);
				ck_assert_msg(size_max_sig == SIGSEGV,
					      "%s, %s, to_%s(SIZE_MAX): signal %d, want SIGSEGV "
					      "(SIGILL: another backend's body ran)", ep->name, name,
					      to_user ? "user" : "kernel", (int)size_max_sig);
				ck_assert_msg(size_max_addr == (uintptr_t)(src + pg),
					      "%s, %s: the fault is at %p, want the source's next "
					      "page %p", ep->name, name, (void *)size_max_addr,
					      (void *)(src + pg));
				ck_assert_msg(size_max_pc >= lo && size_max_pc < hi,
					      "%s, %s, to_%s(SIZE_MAX): the fault's pc %p is not in "
					      "the selected backend's code [%p, %p)", ep->name, name,
					      to_user ? "user" : "kernel", (void *)size_max_pc,
					      (void *)lo, (void *)hi);
				checked++;
			}
		}
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGILL, &old_ill, NULL);
	/* erms, fragile, sse2 and generic at least, through each entry point */
	ck_assert_uint_ge(checked, 2 * 5 * (NENTRY_POINTS > 1 ? 2 : 1));
}
END_TEST

/*
 * Every entry point copies exactly as the active backend does, whichever
 * that is: every length from 0 to 300 at a few alignments without a
 * fault, and, for every length to 140 and two longer ones, with the
 * source's next page PROT_NONE from bytes around each vector size before
 * it (to_kernel and to_user), and the destination's next page read-only
 * (to_user): the bytes not copied, and the bytes copied.
 */
static void sweep_entry(const struct entry_point *ep, const char *backend, unsigned char *src,
			unsigned char *dst, size_t pg)
{
	/* k bytes before the hole: around each vector size and its halves */
	static const size_t faults_at[] = { 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63,
					    64, 65, 70 };

	for (size_t len = 0; len <= 300; len++) {
		for (size_t a = 0; a < 3; a++) {
			size_t so = (a * 17) % 64, doff = (a * 5) % 64;

			memset(dst, 0, pg);
			ck_assert_uint_eq(ep->to_kernel(dst + doff, src + so, len), 0);
			ck_assert_msg(memcmp(dst + doff, src + so, len) == 0,
				      "%s, %s: to_kernel of %zu bytes copied wrong", ep->name,
				      backend, len);
			memset(dst, 0, pg);
			ck_assert_uint_eq(ep->to_user(dst + doff, src + so, len), 0);
			ck_assert_msg(memcmp(dst + doff, src + so, len) == 0,
				      "%s, %s: to_user of %zu bytes copied wrong", ep->name,
				      backend, len);
		}
		for (size_t i = 0; i < sizeof faults_at / sizeof faults_at[0]; i++) {
			size_t k = faults_at[i], want = len - k;

			if (k >= len || (len > 140 && len != 256 && len != 300))
				continue;

			memset(dst, 0, pg);
			ck_assert_msg(ep->to_kernel(dst, src + 2 * pg - k, len) == want,
				      "%s, %s: to_kernel of %zu bytes, %zu before the hole: "
				      "not %zu bytes left", ep->name, backend, len, k, want);
			ck_assert_msg(memcmp(dst, src + 2 * pg - k, k) == 0, "%s, %s: bytes lost",
				      ep->name, backend);
			memset(dst, 0, 2 * pg);
			ck_assert_msg(ep->to_user(dst, src + 2 * pg - k, len) == want,
				      "%s, %s: to_user of %zu bytes, %zu before the hole: "
				      "not %zu bytes left", ep->name, backend, len, k, want);
			ck_assert_msg(memcmp(dst, src + 2 * pg - k, k) == 0, "%s, %s: bytes lost",
				      ep->name, backend);
			ck_assert_msg(ep->to_user(dst + 2 * pg - k, src, len) == want,
				      "%s, %s: to_user of %zu bytes, %zu before a read-only "
				      "page: not %zu bytes left", ep->name, backend, len, k, want);
			ck_assert_msg(memcmp(dst + 2 * pg - k, src, k) == 0, "%s, %s: bytes lost",
				      ep->name, backend);
		}
	}
}

START_TEST(every_entry_point_copies_as_the_active_backend)
{
	size_t pg = test_pagesz(), swept = 0;
	unsigned char *src = test_map(3), *dst = test_map(3);

	for (size_t i = 0; i < 2 * pg; i++)
		src[i] = test_pattern(i);
	test_protect(src + 2 * pg, pg, PROT_NONE);
	test_protect(dst + 2 * pg, pg, PROT_READ);
	ck_assert_int_eq(copy_mc_init(), 0);
	for (size_t e = 0; e < NENTRY_POINTS; e++) {
		if (!entry_point_runs_here(&entry_points[e]))
			continue;
		for (size_t u = 0; u < test_nusable(); u++) {
			test_use_backend(test_usable_backend(u));
			sweep_entry(&entry_points[e], test_backend_name(test_usable_backend(u)), src,
				    dst, pg);
			swept++;
		}
	}
	ck_assert_uint_ge(swept, 5);
}
END_TEST

/*
 * The x86_64 default for every CPU class, from mock CPUID leaves: each
 * quirk model of the kernel's fragile list, two other Intel models and an
 * AMD part, times each feature set that changes the answer.  The default
 * is the widest vector backend the CPU and OS run at full speed, sse2 at
 * least, on the quirk models as on the rest: never erms or fragile, which
 * stay named choices; and the rep movsb ranges of sse2, avx2 and avx512
 * are empty on the quirk models and without ERMS (avx2's and avx512's on
 * AMD too).
 */
#include "../arch/x86_64/backends.h"

#include <cpuid.h>

extern const struct copymc_extable_entry __start_copymc_extable[] COPYMC_HIDDEN;
extern const struct copymc_extable_entry __stop_copymc_extable[] COPYMC_HIDDEN;

static struct {
	int amd;
	unsigned int family, model;
	unsigned int leaf1_ecx, leaf7_ebx, leaf7_1_eax;
	unsigned long long xcr0;
} mock;

static int mock_cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case 0:
		r[0] = 7;
		if (mock.amd) {		/* "AuthenticAMD" in ebx, edx, ecx */
			r[1] = 0x68747541, r[3] = 0x69746e65, r[2] = 0x444d4163;
		} else {		/* "GenuineIntel" */
			r[1] = 0x756e6547, r[3] = 0x49656e69, r[2] = 0x6c65746e;
		}
		return 1;
	case 1: {
		unsigned int fam = mock.family > 15 ? 15 : mock.family;

		r[0] = (fam << 8) | ((mock.model & 0xf) << 4) | ((mock.model >> 4) << 16) |
		       ((mock.family > 15 ? mock.family - 15 : 0) << 20);
		r[2] = mock.leaf1_ecx;
		return 1;
	}
	case 7:
		if (sub == 0) {
			r[0] = 1;	/* subleaves 0 and 1 */
			r[1] = mock.leaf7_ebx;
		} else if (sub == 1) {
			r[0] = mock.leaf7_1_eax;
		}
		return 1;
	default:
		return 0;	/* past the maximum leaf */
	}
}

static unsigned long long mock_xgetbv(void)
{
	return mock.xcr0;
}

#define L1_AVX_OS (bit_OSXSAVE | bit_AVX)
#define L7_ERMS (1u << 9)
#define L7_AVX512 (bit_AVX512F | bit_AVX512VL)

static const struct {
	const char *what;
	unsigned int leaf1_ecx, leaf7_ebx, leaf7_1_eax;
	unsigned long long xcr0;
	const char *intel, *amd;	/* the default expected */
} feature_sets[] = {
	{ "SSE2 only (x86-64 baseline)", 0, 0, 0, 0, "sse2", "sse2" },
	{ "ERMS, no AVX", 0, L7_ERMS, 0, 0, "sse2", "sse2" },
	{ "AVX2, the OS saves no YMM state", L1_AVX_OS, L7_ERMS | bit_AVX2, 0, 0x3, "sse2", "sse2" },
	{ "AVX2, no OSXSAVE", bit_AVX, L7_ERMS | bit_AVX2, 0, 0x7, "sse2", "sse2" },
	{ "AVX2", L1_AVX_OS, L7_ERMS | bit_AVX2, 0, 0x7, "avx2", "avx2" },
	{ "AVX2 without ERMS", L1_AVX_OS, bit_AVX2, 0, 0x7, "avx2", "avx2" },
	{ "AVX-512, the OS saves no ZMM state", L1_AVX_OS, L7_ERMS | bit_AVX2 | L7_AVX512, 0,
	  0x7, "avx2", "avx2" },
	{ "AVX-512 (Intel: at a lowered clock)", L1_AVX_OS, L7_ERMS | bit_AVX2 | L7_AVX512, 0,
	  0xe7, "avx2", "avx512" },
	{ "AVX-512 and AVX-VNNI", L1_AVX_OS, L7_ERMS | bit_AVX2 | L7_AVX512, 1u << 4, 0xe7,
	  "avx512", "avx512" },
};

static const struct {
	const char *what;
	int amd, quirk;
	unsigned int family, model;
} cpu_models[] = {
	{ "Ivy Bridge-EP", 0, 1, 6, 0x3e },
	{ "Haswell-EP", 0, 1, 6, 0x3f },
	{ "Broadwell-EP", 0, 1, 6, 0x4f },
	{ "Skylake-SP / Cascade Lake / Cooper Lake", 0, 1, 6, 0x55 },
	{ "Sapphire Rapids", 0, 0, 6, 0x8f },
	{ "Coffee Lake", 0, 0, 6, 0x9e },
	{ "Zen 4", 1, 0, 0x19, 0x11 },
	{ "Zen 5", 1, 0, 0x1a, 0x02 },
};

/* Probe CPU model m with feature set f, through the mock CPUID. */
static void probe_mock(struct copymc_x86_cpu *c, size_t m, size_t f)
{
	mock.amd = cpu_models[m].amd;
	mock.family = cpu_models[m].family;
	mock.model = cpu_models[m].model;
	mock.leaf1_ecx = feature_sets[f].leaf1_ecx;
	mock.leaf7_ebx = feature_sets[f].leaf7_ebx;
	mock.leaf7_1_eax = feature_sets[f].leaf7_1_eax;
	mock.xcr0 = feature_sets[f].xcr0;
	copymc_x86_probe(c, mock_cpuid, mock_xgetbv);
}

/* Does the instruction at pc move a string (rep movs or rep stos)? */
static int is_fast_string(const unsigned char *pc)
{
	int rep = 0;

	for (;; pc++) {		/* prefixes: rep, operand size, REX */
		if (*pc == 0xf3)
			rep = 1;
		else if (*pc != 0x66 && (*pc & 0xf0) != 0x40)
			break;
	}
	return rep && (*pc == 0xa4 || *pc == 0xa5 || *pc == 0xaa || *pc == 0xab);
}

/*
 * Which code an exception-table entry lies in: the nearest of these entry
 * points at or below it (each .S file emits whole bodies, one after the
 * other; copy_avx512.S emits the public entry points inside its bodies).
 */
static const char *owner_of(uintptr_t pc)
{
	const char *best = NULL;
	uintptr_t at = 0;

	for (size_t i = 0; i < copymc_arch_nbackends; i++) {
		const struct copymc_backend *b = &copymc_arch_backends[i];
		uintptr_t k = (uintptr_t)b->to_kernel, u = (uintptr_t)b->to_user;

		if (k <= pc && k >= at)
			at = k, best = b->name;
		if (u <= pc && u >= at)
			at = u, best = b->name;
	}
	if ((uintptr_t)copy_mc_to_kernel <= pc && (uintptr_t)copy_mc_to_kernel >= at)
		at = (uintptr_t)copy_mc_to_kernel, best = "entry";
	if ((uintptr_t)copy_mc_to_user <= pc && (uintptr_t)copy_mc_to_user >= at)
		best = "entry";
	return best;
}

/* How many table entries of this backend's code (or the entries) are string moves. */
static size_t fast_strings_in(const char *name)
{
	size_t n = 0;

	for (const struct copymc_extable_entry *e = __start_copymc_extable;
	     e < __stop_copymc_extable; e++) {
		uintptr_t pc = copymc_extable_insn(e);
		const char *o = owner_of(pc);

		if (o != NULL && strcmp(o, name) == 0 && is_fast_string((const unsigned char *)pc))
			n++;
	}
	return n;
}

START_TEST(the_x86_64_default_for_every_cpu_class_is_a_vector_backend)
{
	size_t checked = 0;

	/* The scan below can see a string move: erms has one in each body. */
	ck_assert_msg(fast_strings_in("erms") >= 2,
		      "the fast-string scan finds no rep movsb in erms (%zu)",
		      fast_strings_in("erms"));
	ck_assert_uint_eq(fast_strings_in("entry"), 0);
	for (size_t m = 0; m < sizeof cpu_models / sizeof cpu_models[0]; m++) {
		for (size_t f = 0; f < sizeof feature_sets / sizeof feature_sets[0]; f++) {
			struct copymc_x86_cpu c;
			const char *want = cpu_models[m].amd ? feature_sets[f].amd
							     : feature_sets[f].intel;
			const char *got;

			probe_mock(&c, m, f);
			ck_assert_msg(c.fragile_quirk == cpu_models[m].quirk,
				      "%s (model %#x): fragile quirk %d, want %d",
				      cpu_models[m].what, cpu_models[m].model, c.fragile_quirk,
				      cpu_models[m].quirk);
			got = copymc_x86_choose(&c);
			ck_assert_msg(strcmp(got, want) == 0, "%s, %s: default %s, want %s",
				      cpu_models[m].what, feature_sets[f].what, got, want);
			ck_assert_msg(copymc_backend_lookup(got) != NULL, "%s is not built", got);
			/*
			 * No string move in the default's own code; sse2's,
			 * avx2's and avx512's paths reach erms's rep movsb from
			 * 2113 bytes or copymc_wide_rep_start to copymc_rep_stop or
			 * copymc_wide_rep_stop, which are 0 (never) on the quirk
			 * models and without ERMS, else for sse2 the L2 size
			 * given (AMD) or the non-temporal threshold (Intel), and
			 * for avx2 and avx512 the latter on Intel (from 4 KiB),
			 * the L2 size on AMD from family 0x1a on (from more than
			 * half the L1d, and only where the L1d is known), and 0
			 * on Zen 4.
			 */
			ck_assert_msg(fast_strings_in(got) == 0,
				      "%s, %s: the default %s has %zu string moves",
				      cpu_models[m].what, feature_sets[f].what, got,
				      fast_strings_in(got));
			ck_assert_uint_eq(copymc_x86_rep_stop(&c, (size_t)1 << 20, (size_t)64 << 20),
					  (cpu_models[m].quirk || !(feature_sets[f].leaf7_ebx & L7_ERMS))
						  ? 0 : cpu_models[m].amd ? (size_t)1 << 20 : (size_t)64 << 20);
			int wide = !cpu_models[m].quirk && (feature_sets[f].leaf7_ebx & L7_ERMS) &&
				   (!cpu_models[m].amd || cpu_models[m].family >= 0x1a);
			size_t l1d = (size_t)48 << 10, l2 = (size_t)1 << 20, nt = (size_t)64 << 20;

			ck_assert_uint_eq(copymc_x86_wide_rep_stop(&c, l1d, l2, nt),
					  !wide ? 0 : cpu_models[m].amd ? l2 : nt);
			ck_assert_uint_eq(copymc_x86_wide_rep_start(&c, l1d),
					  cpu_models[m].amd ? (l1d >> 1) + 1 : 4096);
			/* an L2 above the non-temporal threshold: stopped there */
			ck_assert_uint_eq(copymc_x86_wide_rep_stop(&c, l1d, (size_t)128 << 20, nt),
					  wide ? nt : 0);
			/* an AMD CPU whose L1d CPUID does not describe: no range */
			if (cpu_models[m].amd)
				ck_assert_uint_eq(copymc_x86_wide_rep_stop(&c, 0, l2, nt), 0);
			checked++;
		}
	}
	ck_assert_uint_eq(checked, 8 * 9);
}
END_TEST

/* A CPU whose CPUID stops below leaf 7 gets the baseline. */
static int short_cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	return leaf < 7 ? mock_cpuid(leaf, sub, r) : 0;
}

START_TEST(an_x86_64_cpu_without_leaf_7_gets_sse2)
{
	struct copymc_x86_cpu c;

	mock.amd = 0, mock.family = 6, mock.model = 0x55;
	mock.leaf1_ecx = L1_AVX_OS, mock.leaf7_ebx = L7_ERMS | bit_AVX2, mock.xcr0 = 7;
	copymc_x86_probe(&c, short_cpuid, mock_xgetbv);
	ck_assert_int_eq(c.avx2, 0);
	ck_assert_int_eq(c.erms, 0);
	ck_assert_str_eq(copymc_x86_choose(&c), "sse2");
}
END_TEST

/*
 * The entry point the public symbols are bound to at load time (IFUNC),
 * for every CPU class and COPYMC_BACKEND value: that of the backend the
 * first copy selects, which is the one named if the CPU runs it, else the
 * default; avx2 and sse2 have their own, the rest share avx512's.
 */
static enum copymc_x86_entry entry_of(const char *backend)
{
	return strcmp(backend, "avx2") == 0 ? COPYMC_X86_ENTRY_AVX2 :
	       strcmp(backend, "sse2") == 0 ? COPYMC_X86_ENTRY_SSE2 : COPYMC_X86_ENTRY_AVX512;
}

START_TEST(the_load_time_entry_point_is_the_initial_backends_for_every_cpu_class)
{
	static const char *const envs[] = { NULL, "avx512", "avx2", "sse2", "erms", "fragile",
					    "generic", "", "bogus", "avx", "avx2 ", "AVX2" };
	size_t checked = 0;

	for (size_t m = 0; m < sizeof cpu_models / sizeof cpu_models[0]; m++) {
		for (size_t f = 0; f < sizeof feature_sets / sizeof feature_sets[0]; f++) {
			struct copymc_x86_cpu c;
			const char *dflt = cpu_models[m].amd ? feature_sets[f].amd
							     : feature_sets[f].intel;

			probe_mock(&c, m, f);
			for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
				const char *env = envs[i], *want = dflt;

				if (env != NULL && (strcmp(env, "sse2") == 0 ||
						    strcmp(env, "erms") == 0 ||
						    strcmp(env, "fragile") == 0 ||
						    strcmp(env, "generic") == 0 ||
						    (strcmp(env, "avx2") == 0 && c.avx2) ||
						    (strcmp(env, "avx512") == 0 && c.avx512)))
					want = env;
				ck_assert_msg(copymc_x86_entry_for(&c, env) == entry_of(want),
					      "%s, %s, COPYMC_BACKEND=%s: entry %d, want %s's",
					      cpu_models[m].what, feature_sets[f].what,
					      env ? env : "(unset)", (int)copymc_x86_entry_for(&c, env),
					      want);
				checked++;
			}
		}
	}
	ck_assert_uint_eq(checked, 8 * 9 * 12);
}
END_TEST
#endif

Suite *dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("backends");
	int n = (int)test_nbackends();

	tcase_add_test(tc, copy_mc_backends_returns_how_many_are_built_in);
	tcase_add_test(tc, copy_mc_backends_names_may_be_null_when_max_is_0);
	tcase_add_test(tc, copy_mc_backends_stores_at_most_max_names);
	tcase_add_test(tc, copy_mc_set_backend_selects_each_built_backend_and_copy_mc_backend_names_it);
	tcase_add_test(tc, copy_mc_set_backend_of_a_name_not_built_fails_with_enoent);
	tcase_add_test(tc, copy_mc_set_backend_of_null_fails_with_einval);
	tcase_add_test(tc, a_backend_this_cpu_cannot_run_is_refused_with_enotsup);
	tcase_add_test(tc, backend_lookup_finds_each_built_backend_by_name);
	tcase_add_test(tc, copy_mc_init_is_idempotent_and_a_selection_survives_it);
	tcase_add_test(tc, len_0_returns_0_and_touches_nothing_null_pointers_allowed);
#if defined(__x86_64__) && defined(COPYMC_HAVE_EXTABLE)
	tcase_add_test(tc, len_size_max_runs_the_selected_backend_not_an_inlined_body);
	tcase_add_test(tc, every_entry_point_copies_as_the_active_backend);
	tcase_add_test(tc, the_load_time_entry_point_is_the_initial_backends_for_every_cpu_class);
	tcase_add_test(tc, the_x86_64_default_for_every_cpu_class_is_a_vector_backend);
	tcase_add_test(tc, an_x86_64_cpu_without_leaf_7_gets_sse2);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("environment");
	tcase_add_loop_test(tc, copymc_backend_environment_variable_selects_a_backend_at_initialisation,
			    0, 2 * n);
	tcase_add_test(tc, without_copymc_backend_the_default_is_the_cpu_default);
	tcase_add_loop_test(tc, copymc_backend_unknown_name_is_ignored_with_the_default_kept, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
