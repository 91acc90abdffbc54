/*
 * backends.c (x86_64) - the x86_64 backends and the run-time default.
 * Like the kernel, prefer rep movsb where the CPU has ERMS, except on the
 * Xeon generations whose machine-check recovery does not cover fast-string
 * instructions: those, and CPUs without ERMS, get the word loop.
 */
#include "../../generic/internal.h"

#include <cpuid.h>

size_t copymc_erms_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_erms_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_fragile_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_fragile_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "erms", copymc_erms_to_kernel, copymc_erms_to_user, NULL },
	{ "fragile", copymc_fragile_to_kernel, copymc_fragile_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

/*
 * Intel family 6 models for which the kernel enables its fragile copy:
 * Ivy Bridge-EP, Haswell-EP, Broadwell-EP and Skylake-SP Xeons, where a
 * machine check taken inside a fast-string copy is not recoverable.
 */
static const unsigned char fragile_quirk_models[] = { 0x3e, 0x3f, 0x4f, 0x55 };

static int cpu_needs_fragile(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx))
		return 0;
	/* "GenuineIntel" */
	if (ebx != 0x756e6547 || edx != 0x49656e69 || ecx != 0x6c65746e)
		return 0;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return 0;
	unsigned int family = (eax >> 8) & 0xf;
	unsigned int model = ((eax >> 4) & 0xf) | ((eax >> 12) & 0xf0);
	if (family != 6)
		return 0;
	for (size_t i = 0; i < sizeof fragile_quirk_models; i++)
		if (model == fragile_quirk_models[i])
			return 1;
	return 0;
}

static int cpu_has_erms(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
		return 0;
	return (ebx >> 9) & 1;
}

const char *copymc_arch_default(void)
{
	if (cpu_needs_fragile())
		return "fragile";
	return cpu_has_erms() ? "erms" : "fragile";
}
