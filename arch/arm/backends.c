/*
 * backends.c (arm) - the 32-bit arm backend and the run-time default.
 * One ldm/str copy that every ARMv7-A CPU runs; a NEON variant would be
 * added here with a usable() probe of HWCAP_NEON.
 */
#include "../../generic/internal.h"

size_t copymc_arm_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_arm_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "arm", copymc_arm_to_kernel, copymc_arm_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "arm";
}
