/*
 * faultcopy.h - the proof, shared by every runtime subject, that the
 * library's handler is installed and working: a copy_mc_to_kernel() whose
 * source runs into a PROT_NONE page must return the exact count not copied.
 */
#ifndef RUNTIMES_FAULTCOPY_H
#define RUNTIMES_FAULTCOPY_H

#include <copymc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Bytes before the PROT_NONE page and the length copied across it. */
#define FAULTCOPY_BEFORE 100
#define FAULTCOPY_LEN 300

/*
 * Copy FAULTCOPY_LEN bytes starting FAULTCOPY_BEFORE bytes below a
 * PROT_NONE page; returns what copy_mc_to_kernel returned (the expected
 * answer is FAULTCOPY_LEN - FAULTCOPY_BEFORE), or -1 if the pages could
 * not be set up.  Printed by the callers as "faultcopy: R of LEN".
 */
static long faultcopy(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char dst[FAULTCOPY_LEN];
	unsigned char *p = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r;

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0x5a, (size_t)pg);
	if (mprotect(p + pg, (size_t)pg, PROT_NONE) != 0) {
		munmap(p, 2 * (size_t)pg);
		return -1;
	}
	r = (long)copy_mc_to_kernel(dst, p + pg - FAULTCOPY_BEFORE, FAULTCOPY_LEN);
	/* The bytes it says it copied must be the source's. */
	for (long i = 0; i < FAULTCOPY_LEN - r && i < FAULTCOPY_LEN; i++)
		if (dst[i] != 0x5a)
			r = -2;
	munmap(p, 2 * (size_t)pg);
	return r;
}

#endif
