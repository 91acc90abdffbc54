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

/*
 * Strip the pointer tag the kernel strips from si_addr (aarch64 TBI):
 * an arch header that has tags defines COPYMC_UC_HAVE_UNTAG and its own.
 */
#ifndef COPYMC_UC_HAVE_UNTAG
static inline uintptr_t copymc_uc_untag(uintptr_t addr)
{
	return addr;
}
#endif

#endif /* COPYMC_UCONTEXT_H */
