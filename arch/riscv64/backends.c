/*
 * backends.c (riscv64) - the riscv64 backend and the run-time default.
 * One ld/sd copy that every RV64 CPU runs; a vector (RVV) variant would
 * be added here with a usable() probe of its hwcap.
 */
#include "../../generic/internal.h"

COPYMC_ARCH_ONE_BACKEND(riscv64)
