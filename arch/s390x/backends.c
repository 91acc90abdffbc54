/*
 * backends.c (s390x) - the s390x backend and the run-time default.  One
 * lg/stg copy that every z/Architecture CPU runs; a vector-facility
 * variant would be added here with a usable() probe of HWCAP_S390_VX.
 */
#include "../../generic/internal.h"

COPYMC_ARCH_ONE_BACKEND(s390x)
