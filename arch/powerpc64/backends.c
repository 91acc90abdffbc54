/*
 * backends.c (powerpc64) - the powerpc64 backend and the run-time default.
 * One ld/std copy for both ELF ABIs (ppc64le ELFv2, ppc64 big-endian
 * ELFv1) that every 64-bit POWER CPU runs.
 */
#include "../../generic/internal.h"

COPYMC_ARCH_ONE_BACKEND(powerpc64)
