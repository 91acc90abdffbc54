/*
 * consumer.c - a small program that uses libcopymc the way an application
 * would, built with nothing but `pkg-config --cflags --libs copymc`: the
 * staged-install test, scripts/deb-roundtrip and the Debian autopkgtest
 * compile it against an installed copy of the library and run it.
 *
 * For every backend this CPU runs: a source fault and (copy_mc_to_user) a
 * destination fault stop the copy at the exact first byte, errno is kept.
 * Prints one line per backend and exits 0 when all is well.
 */
#define _GNU_SOURCE
#include <copymc.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *backend, const char *what)
{
	if (!ok) {
		printf("FAIL: %s: %s\n", backend, what);
		failures++;
	}
}

/* Two pages; the second one gets protection prot. */
static unsigned char *two_pages(size_t pg, int prot)
{
	unsigned char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, 2 * pg);
	if (mprotect(p + pg, pg, prot) != 0)
		return NULL;
	return p;
}

static void try_backend(const char *name, size_t pg)
{
	unsigned char buf[256], *src, *dst;
	size_t r;

	src = two_pages(pg, PROT_NONE);
	dst = two_pages(pg, PROT_READ);
	if (src == NULL || dst == NULL) {
		perror("consumer: mmap");
		failures++;
		return;
	}

	/* Copy 200 bytes that start 100 bytes before an unreadable page. */
	errno = 4242;
	r = copy_mc_to_kernel(buf, src + pg - 100, 200);
	check(r == 100, name, "copy_mc_to_kernel: a source fault 100 bytes in returns 100");
	check(errno == 4242, name, "copy_mc_to_kernel: errno is kept");
	check(buf[99] == 0x5a, name, "copy_mc_to_kernel: the bytes before the fault are copied");

	/* Write 200 bytes that reach 50 bytes into a read-only page. */
	r = copy_mc_to_user(dst + pg - 150, src, 200);
	check(r == 50, name, "copy_mc_to_user: a destination fault 150 bytes in returns 50");

	/* No fault: everything is copied. */
	r = copy_mc_to_kernel(buf, src, sizeof buf);
	check(r == 0, name, "copy_mc_to_kernel: a copy without a fault returns 0");

	munmap(src, 2 * pg);
	munmap(dst, 2 * pg);
}

int main(void)
{
	const char *names[32];
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t n, tried = 0;

	if (copy_mc_init() != 0) {
		perror("consumer: copy_mc_init");
		return 1;
	}
	n = copy_mc_backends(names, 32);
	check(n >= 1 && n <= 32, "api", "copy_mc_backends lists 1 to 32 backends");
	check(n >= 1 && strcmp(names[n - 1], "generic") == 0, "api",
	      "the last backend is generic");
	errno = 0;
	check(copy_mc_set_backend("no-such-backend") == -1 && errno == ENOENT, "api",
	      "copy_mc_set_backend of an unknown name fails with ENOENT");
	errno = 0;
	check(copy_mc_set_backend(NULL) == -1 && errno == EINVAL, "api",
	      "copy_mc_set_backend(NULL) fails with EINVAL");

	for (size_t i = 0; i < n && i < 32; i++) {
		if (copy_mc_set_backend(names[i]) != 0) {
			printf("%-10s skipped: %s\n", names[i], strerror(errno));
			continue;
		}
		check(strcmp(copy_mc_backend(), names[i]) == 0, names[i],
		      "copy_mc_backend names the backend just set");
		try_backend(names[i], pg);
		printf("%-10s %s\n", names[i], failures ? "FAILED" : "ok");
		tried++;
	}
	check(tried >= 1, "api", "at least one backend runs on this CPU");
	printf("consumer: %zu backends tried, %d failures\n", tried, failures);
	return failures ? 1 : 0;
}
