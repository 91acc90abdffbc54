/*
 * backends.c (i386) - the i686 backend and the run-time default.  One
 * movl copy that every i686 runs; an SSE2 variant would be added here with
 * a usable() probe of CPUID.
 */
#include "../../generic/internal.h"

size_t copymc_i686_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_i686_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "i686", copymc_i686_to_kernel, copymc_i686_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "i686";
}
