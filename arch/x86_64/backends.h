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
size_t copymc_sse2_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_sse2_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx512_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx512_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

/*
 * The entry points with a body inlined (copy_avx512.S; with IFUNC also
 * copy_avx2.S and copy_sse2.S, and the public symbols are bound to one of
 * them, backends.c).  Without IFUNC the avx512 ones are the public
 * symbols themselves and these names are not defined.
 */
size_t copymc_avx512_entry_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx512_entry_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_entry_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_avx2_entry_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_sse2_entry_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_sse2_entry_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;

/*
 * The default's choice, apart from the CPUID instruction so that the unit
 * tests can feed it any CPU (tests/check_dispatch.c).  cpuid fills r with
 * eax, ebx, ecx, edx of leaf and subleaf, and returns 0 for a leaf past
 * the CPU's maximum; xgetbv returns XCR0 (called only if OSXSAVE is set).
 */
struct copymc_x86_cpu {
	int intel, amd;		/* the vendor */
	unsigned int family;	/* CPUID's family, the extended one added */
	int fragile_quirk;	/* a model for which the kernel uses its word loop */
	int erms;		/* rep movsb is fast */
	int avx2;		/* AVX2, and the OS saves YMM state */
	int avx512;		/* AVX-512F and VL, and the OS saves ZMM and opmask state */
	int avx512_fast;	/* ... and 512-bit moves run at full clock */
};
typedef int (*copymc_cpuid_fn)(unsigned int leaf, unsigned int sub, unsigned int r[4]);
void copymc_x86_probe(struct copymc_x86_cpu *c, copymc_cpuid_fn cpuid,
		      unsigned long long (*xgetbv)(void)) COPYMC_HIDDEN;
const char *copymc_x86_choose(const struct copymc_x86_cpu *c) COPYMC_HIDDEN;
/* Below how many bytes (from 2113) sse2 copies by rep movsb, given the
   L2 cache's size and the non-temporal threshold; 0: never. */
size_t copymc_x86_rep_stop(const struct copymc_x86_cpu *c, size_t l2, size_t nt) COPYMC_HIDDEN;
/* The same for avx2 and avx512, given also the L1 data cache's size
   (0: unknown), and from how many bytes. */
size_t copymc_x86_wide_rep_stop(const struct copymc_x86_cpu *c, size_t l1d, size_t l2,
				size_t nt) COPYMC_HIDDEN;
size_t copymc_x86_wide_rep_start(const struct copymc_x86_cpu *c, size_t l1d) COPYMC_HIDDEN;

/*
 * Which entry point the public copy_mc_to_kernel and copy_mc_to_user are
 * bound to at load time, with IFUNC (backends.c): for this CPU and the
 * COPYMC_BACKEND value env (NULL: not set).
 */
enum copymc_x86_entry {
	COPYMC_X86_ENTRY_AVX512,	/* also erms', fragile's and generic's */
	COPYMC_X86_ENTRY_AVX2,
	COPYMC_X86_ENTRY_SSE2,
};
enum copymc_x86_entry copymc_x86_entry_for(const struct copymc_x86_cpu *c,
					   const char *env) COPYMC_HIDDEN;

/*
 * Code the IFUNC resolvers run, before the C library is set up (a static
 * program's thread pointer among it): no stack protector, no sanitizer.
 */
#if defined(__has_attribute)
# if __has_attribute(no_stack_protector)
#  define COPYMC_NO_SSP __attribute__((no_stack_protector))
# endif
# if __has_attribute(no_sanitize)
#  define COPYMC_NO_SAN __attribute__((no_sanitize("address", "thread", "undefined")))
# endif
#endif
#if !defined(COPYMC_NO_SSP) && defined(__GNUC__) && !defined(__clang__)
# define COPYMC_NO_SSP __attribute__((optimize("no-stack-protector")))	/* gcc < 11 */
#endif
#ifndef COPYMC_NO_SSP
# define COPYMC_NO_SSP
#endif
#ifndef COPYMC_NO_SAN
# define COPYMC_NO_SAN
#endif
#define COPYMC_EARLY COPYMC_NO_SSP COPYMC_NO_SAN

#endif /* COPYMC_X86_64_BACKENDS_H */
