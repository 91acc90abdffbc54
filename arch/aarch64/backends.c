/*
 * backends.c (aarch64) - the aarch64 backend and the run-time default.
 * One ldp/stp copy that every ARMv8-A CPU runs; faster variants (SIMD,
 * MOPS) would be added here with a usable() probe of their HWCAP.
 */
#include "../../generic/internal.h"

COPYMC_ARCH_ONE_BACKEND(aarch64)
