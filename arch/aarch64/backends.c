/*
 * backends.c (aarch64) - the aarch64 backend and the run-time default.
 * One ldp/stp copy that every ARMv8-A CPU runs; faster variants (SIMD,
 * MOPS) would be added here with a usable() probe of their HWCAP.
 */
#include "../../generic/internal.h"

size_t copymc_aarch64_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_aarch64_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "aarch64", copymc_aarch64_to_kernel, copymc_aarch64_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "aarch64";
}
