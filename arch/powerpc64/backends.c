/*
 * backends.c (powerpc64) - the powerpc64 backend and the run-time default.
 * One ld/std copy for both ELF ABIs (ppc64le ELFv2, ppc64 big-endian
 * ELFv1) that every 64-bit POWER CPU runs.
 */
#include "../../generic/internal.h"

size_t copymc_powerpc64_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_powerpc64_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "powerpc64", copymc_powerpc64_to_kernel, copymc_powerpc64_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "powerpc64";
}
