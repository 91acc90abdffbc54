/*
 * crash.c - a program that crashes for real (a read of a near-NULL address
 * in crash_here()) with or without the library active, for the sanitizer and
 * valgrind scenarios.  Usage: crash with|without ADDRESS.  "with" calls
 * copy_mc_init() and makes a recovered faulting copy before the crash.
 */
#include "faultcopy.h"

#include <stdint.h>
#include <stdlib.h>

/* noinline: the report's faulting frame must name this function. */
__attribute__((noinline)) static int crash_here(uintptr_t addr)
{
	return *(volatile int *)addr;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "with") && strcmp(argv[1], "without"))) {
		fprintf(stderr, "usage: crash with|without ADDRESS\n");
		return 2;
	}
	if (!strcmp(argv[1], "with")) {
		printf("copy_mc_init: %d\n", copy_mc_init());
		printf("faultcopy: %ld of %d\n", faultcopy(), FAULTCOPY_LEN);
	}
	fflush(stdout);
	/* strtoul at run time: no sanitizer can prove the address bad early. */
	return crash_here((uintptr_t)strtoul(argv[2], NULL, 0));
}
