/*
 * arch_ucontext.h - the arch's ucontext accessors, arch/<arch>/ucontext.h of
 * the directory configure.host names for the host (COPYMC_ARCH_UCONTEXT
 * in config.h), which every target has, --disable-asm included: the
 * generic backend needs its pc and sp accessors (docs/porting.md).
 */
#ifndef COPYMC_UCONTEXT_H
#define COPYMC_UCONTEXT_H

#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

/* The original arguments of the running assembly copy, read from registers. */
struct copymc_copy_args {
	uintptr_t dst;
	uintptr_t src;
	size_t len;
};

/* arch/<arch>/ucontext.h of the host (configure.host, config.h). */
#include COPYMC_ARCH_UCONTEXT

#ifndef COPYMC_ARCH_HAVE_UNTAG
/*
 * An address as the MMU compares it: on arches whose loads and stores
 * ignore tag bits (a top byte the MMU ignores), without them; elsewhere
 * itself.
 * Every comparison of si_addr with a copy's range applies it to both.
 */
static inline uintptr_t copymc_arch_untag(uintptr_t addr)
{
	return addr;
}
#endif

#endif /* COPYMC_UCONTEXT_H */
