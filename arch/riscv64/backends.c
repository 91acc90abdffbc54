/*
 * backends.c (riscv64) - the riscv64 backend and the run-time default.
 * One ld/sd copy that every RV64 CPU runs; a vector (RVV) variant would
 * be added here with a usable() probe of its hwcap.
 */
#include "../../generic/internal.h"

size_t copymc_riscv64_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_riscv64_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "riscv64", copymc_riscv64_to_kernel, copymc_riscv64_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "riscv64";
}
