/*
 * backends.c (i386) - the i686 backends and the run-time default: the
 * SSE2 body where CPUID says the CPU has SSE2 (every x86 of this century;
 * the kernel enables it wherever the CPU has it), else the movl body.
 */
#include "../../generic/internal.h"

#include <cpuid.h>

size_t copymc_i686_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_i686_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_i686_sse2_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_i686_sse2_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

static int sse2_usable(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (d & bit_SSE2);
}

const struct copymc_backend copymc_arch_backends[] = {
	{ "i686", copymc_i686_to_kernel, copymc_i686_to_user, NULL },
	{ "sse2", copymc_i686_sse2_to_kernel, copymc_i686_sse2_to_user, sse2_usable },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return sse2_usable() ? "sse2" : "i686";
}
