/*
 * check_tests.h - the Check unit tests of libcopymc-portable's internals:
 * one suite per file (classification, exception table, dispatch, copies,
 * chaining) and the few helpers they share (check_main.c).
 */
#ifndef CHECK_TESTS_H
#define CHECK_TESTS_H

#include "internal.h"		/* config.h first: _GNU_SOURCE for REG_* and friends */

#include <check.h>
#include <stddef.h>

Suite *classify_suite(void);
Suite *extable_suite(void);
Suite *dispatch_suite(void);
Suite *copy_suite(void);
Suite *signal_suite(void);

/* The page size, from sysconf. */
size_t test_pagesz(void);

/* npages of fresh read-write anonymous memory (the test fails if mmap does). */
unsigned char *test_map(size_t npages);

/* mprotect that fails the test if it fails. */
void test_protect(void *addr, size_t len, int prot);

/* How many backends are built in, and the name of the i-th. */
size_t test_nbackends(void);
const char *test_backend_name(size_t i);

/* Select backend i by name (fails the test if that is refused). */
void test_use_backend(size_t i);

/*
 * The backends this CPU can run, which the copy tests loop over: how many,
 * and the index (as for test_backend_name) of the k-th.
 */
size_t test_nusable(void);
size_t test_usable_backend(size_t k);

/* A load the compiler cannot drop or turn into a trap. */
int test_read_byte(const void *addr);

/* The fill byte of offset i of a source pattern: never 0, so a stray
 * write over zeroed guard bytes always shows. */
static inline unsigned char test_pattern(size_t i)
{
	return (unsigned char)(i * 13 % 251 + 1);
}

#endif /* CHECK_TESTS_H */
