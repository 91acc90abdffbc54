/*
 * gc-consumer.c - a program of the public API alone, for
 * tests/gc-sections.sh: with every backend built in, copies that run into
 * an unreadable page must return exactly the bytes not copied, which
 * needs the exception table the linker was told to garbage-collect around
 * (contract.md, rule 1: the return value is the count of bytes not
 * copied, and src[len - r] is the first byte that could not be read).
 */
#define _GNU_SOURCE
#include <copymc.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

static void check(const char *backend, const char *fn, size_t len, size_t got, size_t want)
{
	if (got != want) {
		printf("FAIL: %s %s len %zu: returned %zu, want %zu\n", backend, fn, len, got,
		       want);
		failures++;
	}
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	const char *names[16];
	size_t n = copy_mc_backends(names, 16);
	/* A readable page, then an unreadable one. */
	unsigned char *src = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char dst[4096 + 64];
	static const size_t before[] = { 1, 7, 64, 300, 4096 };
	int ran = 0;

	if (src == MAP_FAILED || page < 4096 || n > 16) {
		printf("FAIL: setup (mmap, page size %ld, %zu backends)\n", page, n);
		return 1;
	}
	for (long i = 0; i < page; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	if (mprotect(src + page, (size_t)page, PROT_NONE) != 0) {
		printf("FAIL: mprotect: %s\n", strerror(errno));
		return 1;
	}
	for (size_t b = 0; b < n; b++) {
		if (copy_mc_set_backend(names[b]) != 0) {
			printf("# %s: not usable here (%s)\n", names[b], strerror(errno));
			continue;
		}
		ran++;
		for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
			size_t k = before[i], len = k + 64;
			const unsigned char *s = src + page - k;

			memset(dst, 0, sizeof dst);
			check(names[b], "copy_mc_to_kernel", len, copy_mc_to_kernel(dst, s, len), 64);
			if (memcmp(dst, s, k) != 0) {
				printf("FAIL: %s copy_mc_to_kernel len %zu: copied prefix differs\n",
				       names[b], len);
				failures++;
			}
			memset(dst, 0, sizeof dst);
			check(names[b], "copy_mc_to_user", len, copy_mc_to_user(dst, s, len), 64);
			/* The whole readable part, nothing faulting: all of it. */
			check(names[b], "copy_mc_to_kernel", k, copy_mc_to_kernel(dst, s, k), 0);
		}
	}
	if (ran == 0) {
		printf("FAIL: no backend usable\n");
		return 1;
	}
	if (failures == 0)
		printf("PASS: %d backends, faulting copies exact\n", ran);
	return failures != 0;
}
