/*
 * arch_none.c - the backend list of a target without assembly backends
 * (an architecture not yet ported, or --disable-asm): the generic C copy
 * is the only backend and the default.  An arch's backends.c replaces it.
 */
#include "internal.h"

const struct copymc_backend copymc_arch_backends[1] = { { NULL, NULL, NULL, NULL } };
const size_t copymc_arch_nbackends = 0;

const char *copymc_arch_default(void)
{
	return "generic";
}
