/*
 * backends.c (arm) - the 32-bit arm backends and the run-time default:
 * the NEON body where the kernel says the CPU has NEON (HWCAP_NEON),
 * else the ldm/str body, which every ARMv7-A CPU runs.
 */
#include "../../generic/internal.h"

#include <sys/auxv.h>

#ifndef HWCAP_ARM_NEON
# define HWCAP_ARM_NEON (1 << 12)
#endif

size_t copymc_arm_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_arm_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_neon_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_neon_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

static int neon_usable(void)
{
	return (getauxval(AT_HWCAP) & HWCAP_ARM_NEON) != 0;
}

const struct copymc_backend copymc_arch_backends[] = {
	{ "arm", copymc_arm_to_kernel, copymc_arm_to_user, NULL },
	{ "neon", copymc_neon_to_kernel, copymc_neon_to_user, neon_usable },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return neon_usable() ? "neon" : "arm";
}
