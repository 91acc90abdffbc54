/*
 * backends.c (x86_64) - the x86_64 backends and the run-time default.
 * The Xeon generations whose machine-check recovery does not cover
 * fast-string instructions get the word loop, as in the kernel; other CPUs
 * get 64-byte vectors where AVX-512 runs at full speed, else 32-byte
 * vectors where the CPU and the OS support AVX2, else rep movsb where the
 * CPU has ERMS, else the word loop.
 */
#include "backends.h"

#include <cpuid.h>
#include <pthread.h>

static int avx2_usable(void);
static int avx512_usable(void);

const struct copymc_backend copymc_arch_backends[] = {
	{ "erms", copymc_erms_to_kernel, copymc_erms_to_user, NULL },
	{ "fragile", copymc_fragile_to_kernel, copymc_fragile_to_user, NULL },
	{ "avx2", copymc_avx2_to_kernel, copymc_avx2_to_user, avx2_usable },
	{ "avx512", copymc_avx512_to_kernel, copymc_avx512_to_user, avx512_usable },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

/*
 * Intel family 6 models for which the kernel enables its fragile copy:
 * Ivy Bridge-EP, Haswell-EP, Broadwell-EP and Skylake-SP Xeons, where a
 * machine check taken inside a fast-string copy is not recoverable.
 */
static const unsigned char fragile_quirk_models[] = { 0x3e, 0x3f, 0x4f, 0x55 };

#define VENDOR_INTEL(b, c, d) ((b) == 0x756e6547 && (d) == 0x49656e69 && (c) == 0x6c65746e)
#define VENDOR_AMD(b) ((b) == 0x68747541)	/* "Auth"enticAMD */

/* What this CPU and OS can do, probed once (CPUID traps in a VM: slow). */
static struct {
	int fragile_quirk;	/* a model on the list above */
	int erms;		/* rep movsb is fast */
	int avx2;		/* AVX2, and the OS saves YMM state */
	int avx512;		/* AVX-512F and VL, and the OS saves ZMM and opmask state */
	int avx512_fast;	/* ... and 512-bit moves run at full clock */
} cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

/*
 * The vector backends store around the caches (non-temporal stores) from
 * this many bytes on: half the last-level cache, where source and
 * destination together no longer fit.  Read by copy_vector.h; set before
 * a vector backend can be selected.
 */
size_t copymc_nt_threshold COPYMC_HIDDEN = (size_t)16 << 20;

/* The largest data or unified cache CPUID describes; 0 if none. */
static size_t largest_cache(int amd)
{
	unsigned int eax, ebx, ecx, edx, leaf = amd ? 0x8000001d : 4;
	size_t best = 0;

	/*
	 * AMD reserves leaf 4 and describes its caches in 0x8000001d.  The
	 * cast: gcc's <cpuid.h> returns unsigned int, clang's int.
	 */
	if ((unsigned int)__get_cpuid_max(leaf & 0x80000000, NULL) < leaf)
		return 0;
	for (unsigned int i = 0; i < 16; i++) {
		__cpuid_count(leaf, i, eax, ebx, ecx, edx);
		if ((eax & 0x1f) == 0)	/* no more caches */
			break;
		if ((eax & 0x1f) == 2)	/* instruction cache */
			continue;
		size_t size = (size_t)((ebx >> 22) + 1) * (((ebx >> 12) & 0x3ff) + 1) *
			      ((ebx & 0xfff) + 1) * ((size_t)ecx + 1);
		if (size > best)
			best = size;
	}
	return best;
}

/* XCR0: which register state the OS saves and restores on a context switch. */
static unsigned long long xgetbv0(void)
{
	unsigned int lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

static void probe_cpu(void)
{
	unsigned int eax, ebx, ecx, edx, vb, vc, vd;
	unsigned long long xcr0 = 0;

	if (!__get_cpuid(0, &eax, &vb, &vc, &vd))
		return;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return;
	if (VENDOR_INTEL(vb, vc, vd) && ((eax >> 8) & 0xf) == 6) {
		unsigned int model = ((eax >> 4) & 0xf) | ((eax >> 12) & 0xf0);

		for (size_t i = 0; i < sizeof fragile_quirk_models; i++)
			cpu.fragile_quirk |= model == fragile_quirk_models[i];
	}
	/* The OS must save the vector state, or the first ymm access is #UD. */
	if ((ecx & bit_OSXSAVE) && (ecx & bit_AVX))
		xcr0 = xgetbv0();
	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
		return;
	cpu.erms = (ebx >> 9) & 1;
	cpu.avx2 = (ebx & bit_AVX2) && (xcr0 & 6) == 6;			/* XMM, YMM */
	cpu.avx512 = cpu.avx2 && (ebx & bit_AVX512F) && (ebx & bit_AVX512VL) &&
		     (xcr0 & 0xe0) == 0xe0;				/* opmask, ZMM */
	/*
	 * 512-bit moves at full speed: on AMD (Zen 4 on, the first with
	 * AVX-512), and on Intel CPUs that also have AVX-VNNI (Sapphire
	 * Rapids on); older Intel server cores lower their clock for them.
	 * glibc draws the same line for its own memcpy.
	 */
	if (cpu.avx512 && VENDOR_AMD(vb))
		cpu.avx512_fast = 1;
	else if (cpu.avx512 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx))
		cpu.avx512_fast = (eax >> 4) & 1;	/* AVX-VNNI */
	if (cpu.avx2) {
		size_t llc = largest_cache(VENDOR_AMD(vb));

		if (llc >= ((size_t)2 << 20))
			copymc_nt_threshold = llc / 2;
	}
}

static int avx2_usable(void)
{
	pthread_once(&cpu_once, probe_cpu);
	return cpu.avx2;
}

static int avx512_usable(void)
{
	pthread_once(&cpu_once, probe_cpu);
	return cpu.avx512;
}

const char *copymc_arch_default(void)
{
	pthread_once(&cpu_once, probe_cpu);
	if (cpu.fragile_quirk)
		return "fragile";
	if (cpu.avx512_fast)
		return "avx512";
	if (cpu.avx2)
		return "avx2";
	return cpu.erms ? "erms" : "fragile";
}
