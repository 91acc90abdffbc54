/*
 * backends.c (x86_64) - the x86_64 backends and the run-time default: the
 * widest vector backend this CPU and OS run at full speed (64-byte vectors
 * where AVX-512 does, else 32-byte ones where AVX2 does, else 16-byte
 * SSE2 ones, which every x86_64 has).  No default on a quirk Xeon uses
 * a fast-string instruction (rep movs); elsewhere the vector bodies jump
 * to the erms body's rep movsb for a middle range where the CPU has ERMS:
 * sse2 from 2113 bytes to the L2 size (the non-temporal threshold on
 * Intel), avx2 and avx512 from 4 KiB to the non-temporal threshold on
 * Intel, and from more than half the L1d to the L2 size on AMD from Zen 5
 * on (copymc_rep_stop, copymc_wide_rep_start, copymc_wide_rep_stop).
 * erms and the kernel's word loop (fragile) are named choices only.  With
 * IFUNC, also the binding of the public entry points at load time (the
 * end of this file).
 */
#include "backends.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

static int sse2_usable(void);
static int avx2_usable(void);
static int avx512_usable(void);

const struct copymc_backend copymc_arch_backends[] = {
	{ "erms", copymc_erms_to_kernel, copymc_erms_to_user, NULL },
	{ "sse2", copymc_sse2_to_kernel, copymc_sse2_to_user, sse2_usable },
	{ "fragile", copymc_fragile_to_kernel, copymc_fragile_to_user, NULL },
	{ "avx2", copymc_avx2_to_kernel, copymc_avx2_to_user, avx2_usable },
	{ "avx512", copymc_avx512_to_kernel, copymc_avx512_to_user, avx512_usable },
};
const size_t copymc_arch_nbackends =
	sizeof copymc_arch_backends / sizeof copymc_arch_backends[0];

/*
 * The entry points.  The avx512 body is inlined into copy_avx512.S's entry
 * point, and with IFUNC also the avx2 and sse2 bodies into entry points of
 * their own (copy_avx2.S, copy_sse2.S): while that backend is active they
 * run it at once, without the dispatcher's indirect jump and its test for
 * len 0, which cost a small copy a tenth of its time; otherwise the
 * avx512 one jumps to the avx2 or sse2 body if that is in the
 * dispatcher's slot, and every one to copymc_dispatch_to_* else.  They
 * tell the two cases by their gate: the longest copy the inlined body's
 * short path takes (its vector size less one) while that backend is
 * active (they compare len with it anyway: len <= gate takes the short
 * path, which looks at it again), all ones otherwise, which every len,
 * SIZE_MAX too, is at most: no length can run an inlined body while its
 * backend is not active.
 */
COPYMC_HIDDEN _Atomic size_t copymc_inline_gate = SIZE_MAX;	/* avx512 */
#ifdef COPYMC_HAVE_IFUNC
COPYMC_HIDDEN _Atomic size_t copymc_avx2_gate = SIZE_MAX;
COPYMC_HIDDEN _Atomic size_t copymc_sse2_gate = SIZE_MAX;
#endif

static void set_gate(_Atomic size_t *gate, int active, size_t vec)
{
	atomic_store_explicit(gate, active ? vec - 1 : SIZE_MAX, memory_order_release);
}

void copymc_arch_entry_select(const struct copymc_backend *b)
{
	set_gate(&copymc_inline_gate, b->to_kernel == copymc_avx512_to_kernel, 64);
#ifdef COPYMC_HAVE_IFUNC
	set_gate(&copymc_avx2_gate, b->to_kernel == copymc_avx2_to_kernel, 32);
	set_gate(&copymc_sse2_gate, b->to_kernel == copymc_sse2_to_kernel, 16);
#endif
}

/*
 * Intel family 6 models for which the kernel copies by its word loop
 * (copy_mc_fragile): Ivy Bridge-EP, Haswell-EP, Broadwell-EP and the
 * Skylake-SP family (Cascade Lake, Cooper Lake), where a machine check
 * taken inside a fast-string copy is not recoverable.  The kernel's other
 * reason, that copy_mc may not touch vector registers, does not hold in
 * user space: on these parts the default is a vector backend too, which
 * no rep movs can reach (copymc_x86_choose).
 */
static const unsigned char fragile_quirk_models[] = { 0x3e, 0x3f, 0x4f, 0x55 };

#define VENDOR_INTEL(b, c, d) ((b) == 0x756e6547 && (d) == 0x49656e69 && (c) == 0x6c65746e)
#define VENDOR_AMD(b) ((b) == 0x68747541)	/* "Auth"enticAMD */

/* What this CPU and OS can do, probed once (CPUID traps in a VM: slow). */
static struct copymc_x86_cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

/*
 * The vector backends store around the caches (non-temporal stores) from
 * this many bytes on: half the last-level cache, where source and
 * destination together no longer fit.  Read by copy_vector.h; set before
 * a vector backend can be selected.
 */
size_t copymc_nt_threshold COPYMC_HIDDEN = (size_t)16 << 20;

/*
 * Below this many bytes, from 2113, the sse2 body copies by rep movsb
 * (copy_vector.h, .Lbig); 0: never.  Read by copy_vector.h; set before a
 * vector backend can be selected.
 */
size_t copymc_rep_stop COPYMC_HIDDEN = 0;

/*
 * The same for the avx2 and avx512 bodies, from copymc_wide_rep_start
 * bytes: 0, or where rep movsb moves whole lines faster than their
 * 32-byte stores (docs/performance.md).  On Intel CPUs with ERMS that are
 * not quirk models, from 4 KiB to the non-temporal threshold, as glibc's
 * AVX2 and AVX-512 memcpy there.  On AMD from Zen 5 (family 0x1a) on,
 * once source and destination no longer both fit in the L1d (from 24 KiB
 * on a 48 KiB L1d), where the vector loop falls from about 165 to 95 GB/s
 * and rep movsb keeps 150, up to the L2 size, where glibc's memcpy stops
 * it on AMD.  Not on Zen 4, where the vector loop was the faster
 * throughout, by 1.2-1.4x at 4-256 KiB.
 */
size_t copymc_wide_rep_stop COPYMC_HIDDEN = 0;
size_t copymc_wide_rep_start COPYMC_HIDDEN = 4096;

size_t copymc_x86_wide_rep_stop(const struct copymc_x86_cpu *c, size_t l1d, size_t l2, size_t nt)
{
	if (!c->erms || c->fragile_quirk)
		return 0;
	if (c->intel)
		return nt;
	if (c->amd && c->family >= 0x1a && l1d != 0 && l2 > l1d / 2)
		return l2 < nt ? l2 : nt;
	return 0;
}

size_t copymc_x86_wide_rep_start(const struct copymc_x86_cpu *c, size_t l1d)
{
	return c->amd ? l1d / 2 + 1 : 4096;
}

size_t copymc_x86_rep_stop(const struct copymc_x86_cpu *c, size_t l2, size_t nt)
{
	/*
	 * Only with fast strings, and never on a quirk model, where a machine
	 * check inside rep movs is not recoverable.  Up to the non-temporal
	 * threshold on Intel, up to the L2 cache's size elsewhere: glibc's
	 * memcpy draws its line there too, and above it the vector loop
	 * keeps up (docs/performance.md).
	 */
	if (!c->erms || c->fragile_quirk)
		return 0;
	return c->intel ? nt : l2;
}

/*
 * The largest data or unified cache CPUID describes, or with level > 0
 * the largest of that level; 0 if none.
 */
static size_t largest_cache(int amd, unsigned int level)
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
		if (level != 0 && ((eax >> 5) & 7) != level)
			continue;
		size_t size = (size_t)((ebx >> 22) + 1) * (((ebx >> 12) & 0x3ff) + 1) *
			      ((ebx & 0xfff) + 1) * ((size_t)ecx + 1);
		if (size > best)
			best = size;
	}
	return best;
}

/* XCR0: which register state the OS saves and restores on a context switch. */
static COPYMC_EARLY unsigned long long xgetbv0(void)
{
	unsigned int lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

static COPYMC_EARLY int real_cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	if ((unsigned int)__get_cpuid_max(leaf & 0x80000000, NULL) < leaf)
		return 0;
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
	return 1;
}

COPYMC_EARLY void copymc_x86_probe(struct copymc_x86_cpu *c, copymc_cpuid_fn cpuid,
				   unsigned long long (*xgetbv)(void))
{
	unsigned int v[4], r[4];
	unsigned long long xcr0 = 0;

	*c = (struct copymc_x86_cpu){ 0 };
	if (!cpuid(0, 0, v) || !cpuid(1, 0, r))
		return;
	c->intel = VENDOR_INTEL(v[1], v[2], v[3]);
	c->amd = VENDOR_AMD(v[1]);
	c->family = (r[0] >> 8) & 0xf;
	if (c->family == 0xf)
		c->family += (r[0] >> 20) & 0xff;
	if (c->intel && c->family == 6) {
		unsigned int model = ((r[0] >> 4) & 0xf) | ((r[0] >> 12) & 0xf0);

		for (size_t i = 0; i < sizeof fragile_quirk_models; i++)
			c->fragile_quirk |= model == fragile_quirk_models[i];
	}
	/* The OS must save the vector state, or the first ymm access is #UD. */
	if ((r[2] & bit_OSXSAVE) && (r[2] & bit_AVX))
		xcr0 = xgetbv();
	if (!cpuid(7, 0, r))
		return;
	c->erms = (r[1] >> 9) & 1;
	c->avx2 = (r[1] & bit_AVX2) && (xcr0 & 6) == 6;			/* XMM, YMM */
	c->avx512 = c->avx2 && (r[1] & bit_AVX512F) && (r[1] & bit_AVX512VL) &&
		    (xcr0 & 0xe0) == 0xe0;				/* opmask, ZMM */
	/*
	 * 512-bit moves at full speed: on AMD (Zen 4 on, the first with
	 * AVX-512), and on Intel CPUs that also have AVX-VNNI (Sapphire
	 * Rapids on); older Intel server cores lower their clock for them.
	 * glibc draws the same line for its own memcpy.
	 */
	if (c->avx512 && c->amd)
		c->avx512_fast = 1;
	else if (c->avx512 && cpuid(7, 1, r))
		c->avx512_fast = (r[0] >> 4) & 1;	/* AVX-VNNI */
}

COPYMC_EARLY const char *copymc_x86_choose(const struct copymc_x86_cpu *c)
{
	/*
	 * The quirk models get the same answer: a vector body has no
	 * fast-string instruction, so the kernel's reason for its word loop
	 * there (no recovery from a machine check inside rep movs) does not
	 * reach it.  fragile_quirk is probed all the same, so that the
	 * table's test covers every quirk model.
	 */
	if (c->avx512_fast)
		return "avx512";
	if (c->avx2)
		return "avx2";
	return "sse2";
}

static void probe_cpu(void)
{
	copymc_x86_probe(&cpu, real_cpuid, xgetbv0);
	if (cpu.avx2) {
		size_t llc = largest_cache(cpu.amd, 0);

		if (llc >= ((size_t)2 << 20))
			copymc_nt_threshold = llc / 2;
	}
	size_t l1d = largest_cache(cpu.amd, 1), l2 = largest_cache(cpu.amd, 2);

	copymc_rep_stop = copymc_x86_rep_stop(&cpu, l2, copymc_nt_threshold);
	if (copymc_rep_stop > copymc_nt_threshold)
		copymc_rep_stop = copymc_nt_threshold;
	copymc_wide_rep_start = copymc_x86_wide_rep_start(&cpu, l1d);
	copymc_wide_rep_stop = copymc_x86_wide_rep_stop(&cpu, l1d, l2, copymc_nt_threshold);
}

/*
 * Every x86_64 CPU runs sse2; asked all the same, so that its thresholds
 * (copymc_rep_stop, copymc_nt_threshold) are the CPU's before it is
 * selected, by COPYMC_BACKEND or copy_mc_set_backend() as by default.
 */
static int sse2_usable(void)
{
	pthread_once(&cpu_once, probe_cpu);
	return 1;
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
	return copymc_x86_choose(&cpu);
}

/*
 * The entry point the public symbols are bound to at load time: that of
 * the backend the first copy will select (copymc_backend_choose_initial):
 * the one COPYMC_BACKEND names if this CPU can run it, else the default.
 * avx2 and sse2 have entry points of their own; the avx512 one serves
 * avx512 and the backends without one (erms, fragile, generic), as the
 * public symbols always do without IFUNC.
 */
/* strcmp() == 0, for the resolvers, which may not call the C library. */
static COPYMC_EARLY int same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

COPYMC_EARLY enum copymc_x86_entry copymc_x86_entry_for(const struct copymc_x86_cpu *c,
							 const char *env)
{
	const char *b = copymc_x86_choose(c);

	/* String literals only: a table of pointers would need relocating. */
	if (env != NULL &&
	    (same(env, "avx512") ? c->avx512 : same(env, "avx2") ? c->avx2 :
	     same(env, "erms") || same(env, "sse2") || same(env, "fragile") ||
	     same(env, "generic")))
		b = env;
	return same(b, "avx2") ? COPYMC_X86_ENTRY_AVX2 :
	       same(b, "sse2") ? COPYMC_X86_ENTRY_SSE2 : COPYMC_X86_ENTRY_AVX512;
}

#ifdef COPYMC_HAVE_IFUNC
/*
 * The IFUNC resolvers, run by the dynamic linker while it relocates (or,
 * in a static program, by the C library's start-up code before it sets up
 * thread-local storage): nothing here may call into the C library, touch
 * thread-local storage (no stack protector) or be instrumented by a
 * sanitizer whose run time is not up yet.  The binding only decides which
 * copy is fastest: every entry point runs whichever backend is active, so
 * a later copy_mc_set_backend() to another backend, or an environment
 * read wrongly here, costs a jump and never a wrong copy.
 */
/*
 * The environment as the process started.  Before the C library's own
 * start-up code has run (a program's relocation, which binds these
 * symbols), glibc's __environ is still null in a dynamically linked
 * program; the dynamic linker has by then set __libc_stack_end to the
 * initial stack, where argc, argv[] and envp[] lie one after the other.
 * A static program has __environ set before it relocates.  Both weak, so
 * that a C library without them leaves only the default.
 */
extern char **__environ __attribute__((weak));
extern void *__libc_stack_end __attribute__((weak));

static COPYMC_EARLY const char *load_time_backend(void)
{
	static const char var[] = "COPYMC_BACKEND=";
	char **envp = &__environ != NULL ? __environ : NULL;

	if (envp == NULL && &__libc_stack_end != NULL && __libc_stack_end != NULL) {
		long *sp = __libc_stack_end;
		char **argv = (char **)(sp + 1);

		if (sp[0] < 0 || sp[0] > 1 << 20 || argv[sp[0]] != NULL)
			return NULL;	/* not the initial stack: no hint */
		envp = argv + sp[0] + 1;
	}
	for (; envp != NULL && *envp != NULL; envp++) {
		size_t i = 0;

		while (var[i] != '\0' && (*envp)[i] == var[i])
			i++;
		if (var[i] == '\0')
			return *envp + i;
	}
	return NULL;
}

static COPYMC_EARLY enum copymc_x86_entry load_time_entry(void)
{
	/* Relaxed: a resolver run twice at once finds the same answer. */
	static _Atomic int entry = -1;
	int e = atomic_load_explicit(&entry, memory_order_relaxed);
	struct copymc_x86_cpu c;

	if (e < 0) {
		copymc_x86_probe(&c, real_cpuid, xgetbv0);
		e = (int)copymc_x86_entry_for(&c, load_time_backend());
		atomic_store_explicit(&entry, e, memory_order_relaxed);
	}
	return (enum copymc_x86_entry)e;
}

/* used: clang counts no ifunc attribute as a use */
static COPYMC_EARLY __attribute__((used)) copymc_fn *resolve_to_kernel(void)
{
	switch (load_time_entry()) {
	case COPYMC_X86_ENTRY_AVX2:
		return copymc_avx2_entry_to_kernel;
	case COPYMC_X86_ENTRY_SSE2:
		return copymc_sse2_entry_to_kernel;
	default:
		return copymc_avx512_entry_to_kernel;
	}
}

static COPYMC_EARLY __attribute__((used)) copymc_fn *resolve_to_user(void)
{
	switch (load_time_entry()) {
	case COPYMC_X86_ENTRY_AVX2:
		return copymc_avx2_entry_to_user;
	case COPYMC_X86_ENTRY_SSE2:
		return copymc_sse2_entry_to_user;
	default:
		return copymc_avx512_entry_to_user;
	}
}

COPYMC_API size_t copy_mc_to_kernel(void *dst, const void *src, size_t len)
	__attribute__((ifunc("resolve_to_kernel")));
COPYMC_API size_t copy_mc_to_user(void *dst, const void *src, size_t len)
	__attribute__((ifunc("resolve_to_user")));
#endif /* COPYMC_HAVE_IFUNC */
