/*
 * areas.c - memory areas that fault exactly where a case wants: a readable
 * part followed by pages that are PROT_NONE, unmapped, beyond the end of a
 * mapped file, read-only or locked by a protection key, all between guard
 * pages.  Also the byte pattern and the comparisons the cases use.
 */
#include "conformance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const fault_name[] = {
	[F_NONE] = "accessible",
	[F_PROT_NONE] = "PROT_NONE page",
	[F_HOLE] = "unmapped hole",
	[F_EOF] = "file mapping beyond EOF",
	[F_READONLY] = "read-only page",
	[F_PKEY] = "protection-key page",
};

static size_t round_pages(size_t n)
{
	size_t pg = plat.page;

	return (n + pg - 1) / pg * pg;
}

/* An unlinked temporary file: memfd_create where the kernel has it. */
static int temp_file(char *why, size_t whylen)
{
	int fd = -1;

#ifdef SYS_memfd_create
	fd = (int)syscall(SYS_memfd_create, "copymc-conformance", 1u /* MFD_CLOEXEC */);
	if (fd >= 0)
		return fd;
#endif
	const char *dir = getenv("TMPDIR");
	char path[512];

	snprintf(path, sizeof path, "%s/copymc-conformance-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(why, whylen, "no temporary file: memfd_create and mkstemp(%s) failed: %s", path,
			 strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

#if defined(__x86_64__) && defined(SYS_pkey_alloc) && defined(SYS_pkey_mprotect)
static int pkey_lock(unsigned char *p, size_t n, char *why, size_t whylen)
{
	/* access_rights PKEY_DISABLE_ACCESS (1): this thread may not touch it. */
	int key = (int)syscall(SYS_pkey_alloc, 0ul, 1ul);

	if (key < 0) {
		snprintf(why, whylen, "pkey_alloc: %s", strerror(errno));
		return -1;
	}
	if (syscall(SYS_pkey_mprotect, p, n, (unsigned long)(PROT_READ | PROT_WRITE), (unsigned long)key)) {
		snprintf(why, whylen, "pkey_mprotect: %s", strerror(errno));
		syscall(SYS_pkey_free, (unsigned long)key);
		return -1;
	}
	return key;
}
#endif

int area_make(struct area *a, enum fault f, size_t good, size_t bad, char *why, size_t whylen)
{
	size_t pg = plat.page;
	unsigned char *m;

	memset(a, 0, sizeof *a);
	a->fd = -1;
	a->pkey = -1;
	a->good = round_pages(good ? good : 1);
	a->bad = f == F_NONE ? 0 : round_pages(bad ? bad : 1);
	a->map_len = pg + a->good + a->bad + pg;
	m = mmap(NULL, a->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(why, whylen, "mmap of %zu bytes: %s", a->map_len, strerror(errno));
		return -1;
	}
	a->map = m;
	a->lo = m + pg;
	a->edge = a->lo + a->good;

	if (f == F_EOF) {
		a->fd = temp_file(why, whylen);
		if (a->fd < 0)
			goto fail;
		if (ftruncate(a->fd, (off_t)a->good) != 0) {
			snprintf(why, whylen, "ftruncate: %s", strerror(errno));
			goto fail;
		}
		if (mmap(a->lo, a->good + a->bad, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, a->fd, 0) ==
		    MAP_FAILED) {
			snprintf(why, whylen, "mmap of the file: %s", strerror(errno));
			goto fail;
		}
		return 0;
	}
	if (mprotect(a->lo, a->good, PROT_READ | PROT_WRITE) != 0) {
		snprintf(why, whylen, "mprotect: %s", strerror(errno));
		goto fail;
	}
	switch (f) {
	case F_HOLE:
		if (munmap(a->edge, a->bad) != 0) {
			snprintf(why, whylen, "munmap: %s", strerror(errno));
			goto fail;
		}
		break;
	case F_READONLY:
		if (mprotect(a->edge, a->bad, PROT_READ) != 0) {
			snprintf(why, whylen, "mprotect(PROT_READ): %s", strerror(errno));
			goto fail;
		}
		break;
	case F_PKEY:
#if defined(__x86_64__) && defined(SYS_pkey_alloc) && defined(SYS_pkey_mprotect)
		a->pkey = pkey_lock(a->edge, a->bad, why, whylen);
		if (a->pkey < 0)
			goto fail;
		break;
#else
		snprintf(why, whylen, "protection keys are only tested on x86_64");
		goto fail;
#endif
	default:
		break;
	}
	return 0;
fail:
	area_free(a);
	return -1;
}

/* True while the hole of an F_HOLE area is still unmapped (nothing moved in). */
int area_hole_intact(const struct area *a)
{
	return msync(a->edge, a->bad, MS_ASYNC) != 0 && errno == ENOMEM;
}

void area_free(struct area *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	if (a->fd >= 0)
		close(a->fd);
#if defined(__x86_64__) && defined(SYS_pkey_free)
	if (a->pkey >= 0)
		syscall(SYS_pkey_free, (unsigned long)a->pkey);
#endif
	memset(a, 0, sizeof *a);
	a->fd = -1;
	a->pkey = -1;
}

void pattern_fill(unsigned char *p, size_t n, uint64_t salt)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t z = (salt + i) * 0x9E3779B97F4A7C15ull;
		unsigned v;

		z ^= z >> 29;
		z *= 0xBF58476D1CE4E5B9ull;
		v = 1 + (unsigned)((z >> 32) % 254);	/* 1..254 */
		if (v >= GUARD_BYTE)
			v++;				/* skip GUARD_BYTE */
		p[i] = (unsigned char)v;
	}
}

size_t first_not(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return i;
	return n;
}

size_t first_diff(const unsigned char *a, const unsigned char *b, size_t n)
{
	if (memcmp(a, b, n) == 0)
		return n;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}
