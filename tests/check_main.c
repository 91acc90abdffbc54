/*
 * check_main.c - the runner of the Check unit tests (CK_FORK by default:
 * every test runs in a fresh child, so each starts with the library not
 * yet initialised), and the helpers the suites share.
 */
#include "check_tests.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t test_pagesz(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

unsigned char *test_map(size_t npages)
{
	void *p = mmap(NULL, npages * test_pagesz(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_msg(p != MAP_FAILED, "mmap of %zu pages failed", npages);
	return p;
}

void test_protect(void *addr, size_t len, int prot)
{
	ck_assert_msg(mprotect(addr, len, prot) == 0, "mprotect(%p, %zu, %d) failed",
		      addr, len, prot);
}

size_t test_nbackends(void)
{
	return copy_mc_backends(NULL, 0);
}

const char *test_backend_name(size_t i)
{
	const char *names[32];
	size_t n = copy_mc_backends(names, 32);

	ck_assert_msg(i < n && i < 32, "no backend %zu (%zu built)", i, n);
	return names[i];
}

void test_use_backend(size_t i)
{
	const char *name = test_backend_name(i);

	ck_assert_msg(copy_mc_set_backend(name) == 0, "copy_mc_set_backend(\"%s\") failed: %s",
		      name, strerror(errno));
	ck_assert_str_eq(copy_mc_backend(), name);
}

/* Also called while the suites are built, outside any test: no ck_assert here. */
static const char *built_name(size_t i)
{
	const char *names[32];

	return i < copy_mc_backends(names, 32) && i < 32 ? names[i] : NULL;
}

static int usable(size_t i)
{
	const char *name = built_name(i);

	return name != NULL && copymc_backend_check(copymc_backend_lookup(name)) == 0;
}

size_t test_nusable(void)
{
	size_t n = 0;

	for (size_t i = 0; i < test_nbackends(); i++)
		n += usable(i);
	return n;
}

size_t test_usable_backend(size_t k)
{
	for (size_t i = 0; i < test_nbackends(); i++)
		if (usable(i) && k-- == 0)
			return i;
	ck_abort_msg("no usable backend %zu", k);
	return 0;
}

__attribute__((noinline)) int test_read_byte(const void *addr)
{
	return *(const volatile unsigned char *)addr;
}

int main(void)
{
	SRunner *sr = srunner_create(classify_suite());
	int failed;

	srunner_add_suite(sr, extable_suite());
	srunner_add_suite(sr, dispatch_suite());
	srunner_add_suite(sr, copy_suite());
	srunner_add_suite(sr, signal_suite());
	for (size_t i = 0; i < test_nbackends(); i++)
		if (!usable(i))
			printf("backend %s is built but this CPU cannot run it: its copy tests "
			       "are skipped\n", built_name(i));
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
