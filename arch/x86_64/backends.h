/*
 * backends.h (x86_64) - the assembly bodies of the x86_64 backends, for
 * the backend table and the unit tests that look at their layout.
 */
#ifndef COPYMC_X86_64_BACKENDS_H
#define COPYMC_X86_64_BACKENDS_H

#include "../../generic/internal.h"

size_t copymc_erms_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_erms_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_fragile_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_fragile_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx512_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx512_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

#endif /* COPYMC_X86_64_BACKENDS_H */
