/*
 * ucontext.h - pick the per-arch ucontext accessor by the compiler's own
 * target macros, so that --disable-asm and unknown host triplets still get
 * the pc/sp accessors the generic backend needs.  A port adds one line here
 * and arch/<arch>/ucontext.h (see docs/porting.md).
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

#if defined(__x86_64__)
# include "../arch/x86_64/ucontext.h"
#elif defined(__aarch64__)
# include "../arch/aarch64/ucontext.h"
#elif defined(__powerpc64__)
# include "../arch/powerpc64/ucontext.h"
#elif defined(__riscv) && __riscv_xlen == 64
# include "../arch/riscv64/ucontext.h"
#elif defined(__s390x__)
# include "../arch/s390x/ucontext.h"
#elif defined(__i386__)
# include "../arch/i386/ucontext.h"
#elif defined(__arm__)
# include "../arch/arm/ucontext.h"
#else
# error "no ucontext accessor for this architecture: add arch/<arch>/ucontext.h (docs/porting.md)"
#endif

#ifndef COPYMC_ARCH_HAVE_UNTAG
/*
 * An address as the MMU compares it: on arches whose loads and stores
 * ignore tag bits (aarch64's top byte), without them; elsewhere itself.
 * Every comparison of si_addr with a copy's range applies it to both.
 */
static inline uintptr_t copymc_arch_untag(uintptr_t addr)
{
	return addr;
}
#endif

#endif /* COPYMC_UCONTEXT_H */
