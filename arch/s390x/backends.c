/*
 * backends.c (s390x) - the s390x backend and the run-time default.  One
 * lg/stg copy that every z/Architecture CPU runs; a vector-facility
 * variant would be added here with a usable() probe of HWCAP_S390_VX.
 */
#include "../../generic/internal.h"

size_t copymc_s390x_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_s390x_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

const struct copymc_backend copymc_arch_backends[] = {
	{ "s390x", copymc_s390x_to_kernel, copymc_s390x_to_user, NULL },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

const char *copymc_arch_default(void)
{
	return "s390x";
}
