/*
 * copymc-bench.c - what protection costs: copy_mc_to_kernel throughput for
 * every backend built, against glibc memcpy and the sigsetjmp-guarded
 * memcpy applications write today; and the cost of a recovered fault
 * against a bare SIGSEGV handler round trip.  See docs/performance.md.
 *
 *   copymc-bench [--quick] [--csv | --md] [--csv-file FILE] [--reps N]
 *                [--processes N] [--size BYTES]... [--offsets SRC,DST]
 *                [--only VARIANT,...] [--no-faults | --faults-only]
 *                [--fault-kinds page,memory-error] [--real-poison]
 *                [--versus glibc-default|glibc-avx2|glibc-sse2]
 *
 * Every variant runs in each repetition, in a rotating order, so that
 * drift of the machine hits them all alike; the repetitions are spread
 * over several freshly started processes (address-space layouts); the
 * median is reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "copymc.h"

#ifdef __GLIBC__
# include <gnu/libc-version.h>
#endif

typedef size_t copy_fn(void *dst, const void *src, size_t len);
typedef void *memcpy_fn(void *dst, const void *src, size_t len);

enum kind { K_MEMCPY, K_GUARDED, K_COPYMC };

#define MAXVARIANTS 16
#define MAXSIZES 64
#define MAXREPS 64
/* memcpy runs in the processes of every backend: a sample of each */
#define MAXSAMPLES (MAXREPS * MAXVARIANTS)

struct variant {
	char name[40];		/* column title: memcpy, guarded, or the backend */
	enum kind kind;
	const char *backend;	/* K_COPYMC: which one */
	long iters;		/* copies per batch */
	int id;			/* its index in the whole list (its column) */
};

static const size_t default_sizes[] = {
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 16384, 65536, 262144,
	1u << 20, 4u << 20, 16u << 20, 64u << 20,
};

/*
 * Buffer placement, as offsets from page boundaries of two separate
 * mappings (as two large malloc'd buffers would be).  "aligned": both on
 * a page boundary.  "misaligned": src at +1, dst at +35, so neither is
 * aligned to anything and they are misaligned relative to each other.
 */
struct placement {
	const char *name;
	size_t src_off, dst_off;
};
static struct placement placements[] = {
	{ "aligned", 0, 0 },
	{ "misaligned", 1, 35 },
};
static size_t nplacements = sizeof placements / sizeof placements[0];

/* Called through volatile pointers so that nothing is inlined or elided. */
static memcpy_fn *volatile memcpy_ptr = memcpy;
static copy_fn *volatile copy_mc_ptr = copy_mc_to_kernel;

/*
 * The thread's CPU time: the machine this runs on may be shared, and time
 * spent preempted by other work must not count against whichever variant
 * happened to be running.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* NAN for no samples, which the caller reports. */
static double median(const double *v, int n)
{
	double tmp[MAXSAMPLES];

	if (n <= 0)
		return NAN;

	memcpy(tmp, v, n * sizeof *v);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/*
 * The baseline: what an application does today to survive a fault in a
 * memcpy from memory that may vanish.  sigsetjmp must save the signal
 * mask (the handler leaves by siglongjmp with SIGSEGV blocked), which is
 * a system call per copy; and after a fault it cannot tell how much was
 * copied.
 */
static __thread sigjmp_buf *guard_env;

static void guard_handler(int sig, siginfo_t *info, void *uc)
{
	(void)info;
	(void)uc;
	if (guard_env != NULL)
		siglongjmp(*guard_env, 1);
	signal(sig, SIG_DFL);
}

/*
 * 1 if the copy faulted.  A function of its own, which uses nothing after
 * the jump back, so that nothing may be clobbered by it (-Wclobbered); the
 * call costs nothing beside sigsetjmp's system call.
 */
__attribute__((noinline)) static int guarded_memcpy(void *dst, const void *src, size_t len)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1)) {
		guard_env = NULL;
		return 1;
	}
	guard_env = &env;
	memcpy_ptr(dst, src, len);
	guard_env = NULL;
	return 0;
}

static size_t guarded_copy(void *dst, const void *src, size_t len)
{
	/* After a fault somewhere in there, nothing better is known. */
	return guarded_memcpy(dst, src, len) ? len : 0;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		perror("copymc-bench: sigaction");
		exit(2);
	}
}

/*
 * The timed loop, the same instructions at the same address for every
 * variant: a call of 8 to 10 cycles notices where its caller's loop sits,
 * so separate loops for memcpy and copy_mc would compare their placement
 * as much as the copies.  Every variant is called as a function returning
 * nothing, which the ABI allows whatever it returns in a register.
 */
typedef void any_copy_fn(void *dst, const void *src, size_t len);

__attribute__((noinline, aligned(64)))
static void copy_loop(any_copy_fn *f, void *dst, const void *src, size_t len, long iters)
{
	for (long i = 0; i < iters; i++)
		f(dst, src, len);
	__asm__ volatile("" ::: "memory");
}

static any_copy_fn *variant_fn(const struct variant *v)
{
	switch (v->kind) {
	case K_MEMCPY:
		return (any_copy_fn *)(void (*)(void))memcpy_ptr;
	case K_GUARDED:
		return (any_copy_fn *)(void (*)(void))guarded_copy;
	default:
		return (any_copy_fn *)(void (*)(void))copy_mc_ptr;
	}
}

/* ns per copy, over one batch of iters copies. */
static double time_batch(const struct variant *v, void *dst, const void *src, size_t len,
			 long iters)
{
	double t0, t1;

	if (v->kind == K_COPYMC && copy_mc_set_backend(v->backend) != 0) {
		fprintf(stderr, "copymc-bench: cannot select %s: %s\n", v->backend,
			strerror(errno));
		exit(2);
	}
	if ((v->kind == K_COPYMC && copy_mc_ptr(dst, src, len) != 0) ||
	    (v->kind == K_GUARDED && guarded_copy(dst, src, len) != 0)) {
		fprintf(stderr, "copymc-bench: %s: a copy without a fault came up short\n",
			v->name);
		exit(2);
	}
	t0 = now_ns();
	copy_loop(variant_fn(v), dst, src, len, iters);
	t1 = now_ns();
	return (t1 - t0) / iters;
}

/* Copies per batch so that one batch of v takes about target_ns. */
static long calibrate(const struct variant *v, void *dst, const void *src, size_t len,
		      double target_ns)
{
	long iters = 1;
	double ns;

	for (;;) {
		ns = time_batch(v, dst, src, len, iters) * iters;
		if (ns >= target_ns / 8 || iters >= LONG_MAX / 4)
			break;
		iters *= 2;
	}
	iters = (long)(iters * (target_ns / ns));
	return iters < 1 ? 1 : iters;
}

/* ------------------------------------------------------------------ */
/* The cost of a fault.                                                 */

/*
 * The faulting copy: FAULT_LEN bytes whose source page after about 2 KiB
 * faults, with src and dst placed as in the throughput table.  Two kinds
 * of fault: a page fault (the page is PROT_NONE: SIGSEGV with the exact
 * address), and a memory error (SIGBUS BUS_MCEERR_AR, whose si_addr the
 * library does not trust to the byte).  A memory error is real poison
 * with --real-poison where the kernel takes MADV_HWPOISON (root,
 * CONFIG_MEMORY_FAILURE: the guests of scripts/conformance-system
 * --bench), and otherwise the page fault rewritten into one by a tracer,
 * which adds a tracer stop to every signal, the bare one's included.
 */
#define FAULT_LEN 4096
#define FAULT_OK(pi) (2048 - placements[pi].src_off)

#ifndef MADV_HWPOISON
# define MADV_HWPOISON 100
#endif
#ifndef BUS_MCEERR_AR
# define BUS_MCEERR_AR 4
#endif

enum fault_src { SRC_PAGE, SRC_POISON, SRC_INJECT, SRC_NONE };
static const char *const src_title[] = {
	[SRC_PAGE] = "page fault: the source turns PROT_NONE",
	[SRC_POISON] = "memory error: real poison (MADV_HWPOISON), SIGBUS BUS_MCEERR_AR",
	/* One literal in two lines: parenthesised, as clang asks. */
	[SRC_INJECT] = ("memory error: the page fault rewritten by a tracer into SIGBUS "
			"BUS_MCEERR_AR (every signal, bare included, pays a tracer stop)"),
};
static const char *const src_csv[] = {
	[SRC_PAGE] = "page-fault", [SRC_POISON] = "memory-error-poison",
	[SRC_INJECT] = "memory-error-injected",
};

/*
 * The bare round trip: one faulting load, and a handler that only moves
 * the pc past it.  Needs the load's address and the context's pc, so it
 * exists where this file knows both.
 */
#if defined(__x86_64__)
# define BARE_LOAD "movb (%rdi), %al"
# define BARE_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#elif defined(__i386__)
# define BARE_LOAD "movl 4(%esp), %eax\n\tmovb (%eax), %al"
# define BARE_PC(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#elif defined(__aarch64__)
# define BARE_LOAD "ldrb w1, [x0]"
# define BARE_PC(uc) ((uc)->uc_mcontext.pc)
#elif defined(__arm__)
# define BARE_LOAD "ldrb r1, [r0]"
# define BARE_PC(uc) ((uc)->uc_mcontext.arm_pc)
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
# define BARE_LOAD "lbz 4, 0(3)"
# define BARE_PC(uc) ((uc)->uc_mcontext.gp_regs[32])
#elif defined(__s390x__)
# define BARE_LOAD "ic %r1, 0(%r2)"
# define BARE_PC(uc) ((uc)->uc_mcontext.psw.addr)
#elif defined(__riscv) && __riscv_xlen == 64
# define BARE_LOAD "lbu a1, 0(a0)"
# define BARE_PC(uc) ((uc)->uc_mcontext.__gregs[0])
#endif

#ifdef BARE_LOAD
# define HAVE_BARE 1
# if defined(__x86_64__) || defined(__i386__)
#  define BARE_RET "ret"
# elif defined(__powerpc64__)
#  define BARE_RET "blr"
# elif defined(__s390x__)
#  define BARE_RET "br %r14"
# elif defined(__arm__)
#  define BARE_RET "bx lr"
# else
#  define BARE_RET "ret"
# endif
extern const char copymc_bench_resume[];
void copymc_bench_fault_load(const void *p);
__asm__(".text\n"
	".globl copymc_bench_fault_load\n"
	".type copymc_bench_fault_load, %function\n"
	"copymc_bench_fault_load:\n"
	"\t" BARE_LOAD "\n"
	/*
	 * A symbol of its own: C takes its address through the GOT, and a
	 * GOT entry of a local label is its section's start on aarch64 (the
	 * handler resumed at the load itself, forever).
	 */
	".globl copymc_bench_resume\n"
	".hidden copymc_bench_resume\n"
	"copymc_bench_resume:\n"
	"\t" BARE_RET "\n"
	".size copymc_bench_fault_load, . - copymc_bench_fault_load\n"
	".section .note.GNU-stack, \"\", %progbits\n"
	".text\n");

static void bare_handler(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	(void)sig;
	(void)info;
	BARE_PC(uc) = (uintptr_t)copymc_bench_resume;
}
#else
# define HAVE_BARE 0
#endif

enum fault_kind { F_BARE, F_GUARDED, F_COPYMC };

/*
 * Maps the source's two pages, the second one faulting as src asks;
 * NULL if it cannot (a probe's answer).
 */
static char *fault_source(enum fault_src src, long pg)
{
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	memset(m, 0x5a, 2 * pg);
	if (src == SRC_POISON ? madvise(m + pg, pg, MADV_HWPOISON) != 0
			      : mprotect(m + pg, pg, PROT_NONE) != 0)
		return NULL;
	return m;
}

/* In a fresh child, so that each sees only its own handler: us per fault. */
static void fault_child(enum fault_kind kind, const char *backend, size_t pi, long n,
			enum fault_src fsrc, int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *src_map = fault_source(fsrc, pg);
	char *dst_map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	char *dst = dst_map + placements[pi].dst_off;
	const char *src = src_map + pg - FAULT_OK(pi);
	double t0 = 0, t1 = 0, us;
	size_t wrong = 0;

	if (src_map == NULL || dst_map == MAP_FAILED)
		_exit(2);
	switch (kind) {
	case F_BARE:
#if HAVE_BARE
		install(SIGSEGV, bare_handler);
		install(SIGBUS, bare_handler);
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			copymc_bench_fault_load(src_map + pg);
		t1 = now_ns();
#endif
		break;
	case F_GUARDED:
		install(SIGSEGV, guard_handler);
		install(SIGBUS, guard_handler);
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			wrong += guarded_copy(dst, src, FAULT_LEN) != FAULT_LEN;
		t1 = now_ns();
		break;
	case F_COPYMC:
		if (copy_mc_set_backend(backend) != 0)
			_exit(2);
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			wrong += copy_mc_ptr(dst, src, FAULT_LEN) != FAULT_LEN - FAULT_OK(pi);
		t1 = now_ns();
		break;
	}
	us = wrong ? -1 : (t1 - t0) / n / 1e3;
	if (write(fd, &us, sizeof us) != (ssize_t)sizeof us)
		_exit(2);
	_exit(0);
}

/*
 * The tracer of an SRC_INJECT child: each SIGSEGV of the PROT_NONE page
 * goes on as the SIGBUS BUS_MCEERR_AR a poisoned page would raise, same
 * address, si_addr_lsb the page's shift; any other signal goes on as it
 * is.  Returns the child's wait status, or -1 if tracing it failed.
 */
static int trace_child(pid_t pid)
{
	int st, lsb = 0;
	long sig = 0, pg = sysconf(_SC_PAGESIZE);

	while ((1L << lsb) < pg)
		lsb++;
	/* The child's own SIGSTOP after PTRACE_TRACEME comes first. */
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return WIFEXITED(st) || WIFSIGNALED(st) ? st : -1;
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_EXITKILL);
	for (;;) {
		siginfo_t si;

		if (ptrace(PTRACE_CONT, pid, NULL, (void *)sig) != 0 || waitpid(pid, &st, 0) != pid)
			break;
		if (!WIFSTOPPED(st))
			return st;
		sig = WSTOPSIG(st);
		if (sig == SIGSEGV && ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) == 0 &&
		    si.si_code == SEGV_ACCERR) {
			void *addr = si.si_addr;

			memset(&si, 0, sizeof si);
			si.si_signo = SIGBUS;
			si.si_code = BUS_MCEERR_AR;
			si.si_addr = addr;
			si.si_addr_lsb = (short)lsb;
			if (ptrace(PTRACE_SETSIGINFO, pid, NULL, &si) == 0)
				sig = SIGBUS;
		} else if (sig == SIGSTOP) {
			sig = 0;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/*
 * Runs body(arg) in a fresh child (traced for SRC_INJECT), whose result
 * is one double written to a pipe; that value, or -1 if there was none.
 * *status gets the child's wait status (-1 if tracing failed).
 */
static double in_child(enum fault_src fsrc, void (*body)(const void *, int), const void *arg,
		       int *status)
{
	int p[2], st = -1;
	double r = -1;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (fsrc == SRC_INJECT && (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0 ||
					   raise(SIGSTOP) != 0))
			_exit(3);
		body(arg, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (pid > 0)
		st = fsrc == SRC_INJECT ? trace_child(pid) : (waitpid(pid, &st, 0), st);
	if (pid < 0 || read(p[0], &r, sizeof r) != (ssize_t)sizeof r)
		r = -1;
	close(p[0]);
	if (status != NULL)
		*status = st;
	return r;
}

struct fault_run {
	enum fault_kind kind;
	const char *backend;
	size_t pi;
	long n;
	enum fault_src src;
};

static void fault_body(const void *arg, int fd)
{
	const struct fault_run *f = arg;

	fault_child(f->kind, f->backend, f->pi, f->n, f->src, fd);
}

/* us per fault, -1 if a copy returned the wrong count or the run failed. */
static double fault_cost(enum fault_kind kind, const char *backend, size_t pi, long n,
			 enum fault_src src)
{
	struct fault_run f = { kind, backend, pi, n, src };

	return in_child(src, fault_body, &f, NULL);
}

/* A probe: one read of the faulting page raises SIGBUS BUS_MCEERR_AR. */
static void probe_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	_exit(sig == SIGBUS && info->si_code == BUS_MCEERR_AR ? 0 : 4);
}

static void probe_body(const void *arg, int fd)
{
	enum fault_src src = *(const enum fault_src *)arg;
	long pg = sysconf(_SC_PAGESIZE);
	char *m;

	(void)fd;
	install(SIGSEGV, probe_handler);
	install(SIGBUS, probe_handler);
	errno = 0;
	m = fault_source(src, pg);
	if (m == NULL)
		_exit(errno > 0 && errno < 100 ? 10 + errno : 5);
	*(volatile char *)(m + pg);
	_exit(6);
}

/*
 * Where memory errors come from here: real poison if asked for
 * (--real-poison) and the kernel takes MADV_HWPOISON, else the tracer's
 * rewrite; SRC_NONE and why if neither.  Real poison takes each poisoned
 * page out of the machine until it reboots: the bench poisons one page
 * per measuring child, so it is for throw-away machines (the guests of
 * scripts/conformance-system --bench), never the default.
 */
static enum fault_src memory_error_source(int real_poison, char *why, size_t n)
{
	static const enum fault_src srcs[] = { SRC_POISON, SRC_INJECT };
	char part[2][160];
	int st;

	snprintf(part[0], sizeof part[0], "real poison not asked for (--real-poison)");
	for (int i = real_poison ? 0 : 1; i < 2; i++) {
		in_child(srcs[i], probe_body, &srcs[i], &st);
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return srcs[i];
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) > 10)
			snprintf(part[i], sizeof part[i], "%s: %s",
				 i == 0 ? "MADV_HWPOISON" : "mprotect",
				 strerror(WEXITSTATUS(st) - 10));
		else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 3)
			snprintf(part[i], sizeof part[i], "PTRACE_TRACEME failed");
		else
			snprintf(part[i], sizeof part[i], "%s gave no SIGBUS BUS_MCEERR_AR",
				 i == 0 ? "the poisoned page" : "the tracer's rewrite");
	}
	snprintf(why, n, "%s; %s", part[0], part[1]);
	return SRC_NONE;
}

/* ------------------------------------------------------------------ */
/* Throughput.                                                          */

/* Samples, ns per copy: [size][placement][variant][repetition]. */
static double samples[MAXSIZES][2][MAXVARIANTS][MAXSAMPLES];
static int nsamples[MAXSIZES][2][MAXVARIANTS];

/*
 * And the ratios to the first column (memcpy), one per repetition: the
 * first column's ns over the variant's, both measured in that round, in
 * one process on the same buffers.  What a
 * process draws (its physical pages, where its code lands) moves both
 * alike, by up to 2x at some sizes on a shared machine, so the median of
 * these ratios is steadier than the ratio of the two medians.
 */
static double ratios[MAXSIZES][2][MAXVARIANTS][MAXSAMPLES];
static int nratios[MAXSIZES][2][MAXVARIANTS];

/* One round of one size and placement: ns[i] for the variant ids[i]. */
static void add_round(size_t si, size_t pi, const int *ids, const double *ns, int n)
{
	int base = -1;

	for (int i = 0; i < n; i++) {
		if (nsamples[si][pi][ids[i]] < MAXSAMPLES)
			samples[si][pi][ids[i]][nsamples[si][pi][ids[i]]++] = ns[i];
		if (ids[i] == 0)
			base = i;
	}
	for (int i = 0; i < n && base >= 0; i++)
		if (ids[i] != 0 && nratios[si][pi][ids[i]] < MAXSAMPLES)
			ratios[si][pi][ids[i]][nratios[si][pi][ids[i]]++] = ns[base] / ns[i];
}

/*
 * rounds rounds over every size and placement, all variants in each round
 * in a rotating order, round r starting from variant (first + r) % nv:
 * into samples[], or as text lines to raw.  A process of the parent's
 * runs rounds first to first + rounds - 1 of all, so the rotation goes on
 * from process to process as in one; with --reps equal to --processes
 * each runs one round, and the variant measured first (right after every
 * variant's calibration) is not the same one in every process.
 */
static void run_rounds(struct variant *v, int nv, const size_t *sizes, size_t nsizes,
		       int rounds, int first, double target, FILE *raw)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), maplen = 2 * pg, maxsize = 0;
	char *sbuf, *dbuf;

	if (raw != NULL) {
		/* the parent's sign that this copy runs: see run_rounds_in_child */
		fputs("ready\n", raw);
		fflush(raw);
	}

	for (size_t si = 0; si < nsizes; si++)
		if (sizes[si] > maxsize)
			maxsize = sizes[si];
	maplen += maxsize;
	for (size_t pi = 0; pi < nplacements; pi++)
		maplen += placements[pi].src_off + placements[pi].dst_off;
	sbuf = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dbuf = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sbuf == MAP_FAILED || dbuf == MAP_FAILED) {
		perror("copymc-bench: mmap");
		exit(2);
	}
	for (size_t i = 0; i < maplen; i++)
		sbuf[i] = (char)(i * 131 + 7);
	memset(dbuf, 0, maplen);

	for (size_t si = 0; si < nsizes; si++) {
		for (size_t pi = 0; pi < nplacements; pi++) {
			size_t len = sizes[si];
			char *dst = dbuf + placements[pi].dst_off;
			const char *src = sbuf + placements[pi].src_off;

			for (int k = 0; k < nv; k++)
				v[k].iters = calibrate(&v[k], dst, src, len, target);
			for (int r = 0; r < rounds; r++) {
				int ids[MAXVARIANTS];
				double ns[MAXVARIANTS];

				for (int j = 0; j < nv; j++) {
					int k = (j + r + first) % nv;

					ids[j] = v[k].id;
					ns[j] = time_batch(&v[k], dst, src, len, v[k].iters);
				}
				if (raw == NULL) {
					add_round(si, pi, ids, ns, nv);
					continue;
				}
				fprintf(raw, "%zu %zu %d", si, pi, nv);
				for (int j = 0; j < nv; j++)
					fprintf(raw, " %d %.6f", ids[j], ns[j]);
				fprintf(raw, "\n");
			}
		}
	}
	munmap(sbuf, maplen);
	munmap(dbuf, maplen);
}

/* A decimal field at *at, after one space unless it is the line's first. */
static int next_long(const char **at, long *v)
{
	char *end;

	if (**at == ' ')
		(*at)++;
	if (!(**at >= '0' && **at <= '9'))
		return -1;
	*v = strtol(*at, &end, 10);
	if (errno != 0)
		return -1;
	*at = end;
	return 0;
}

/*
 * One line of a measuring copy (run_rounds): size, placement, n, then n
 * times a variant and its ns per copy, one space apart, and the newline.  Non-zero unless
 * every field is there and in range: n from 1 to nv, distinct variants
 * below nv, times positive and finite.
 */
static int parse_round(const char *line, int nv, size_t nsizes, size_t *si, size_t *pi,
		       int *ids, double *ns, int *cnt)
{
	const char *at = line;
	long f[3];

	errno = 0;
	for (int i = 0; i < 3; i++)
		if (next_long(&at, &f[i]) != 0)
			return -1;
	if (f[0] < 0 || (size_t)f[0] >= nsizes || f[1] < 0 || (size_t)f[1] >= nplacements ||
	    f[2] < 1 || f[2] > nv)
		return -1;
	for (int i = 0; i < f[2]; i++) {
		long id;
		char *end;

		if (next_long(&at, &id) != 0 || id < 0 || id >= nv || *at != ' ')
			return -1;
		ns[i] = strtod(at, &end);
		if (end == at || errno != 0 || !(ns[i] > 0 && ns[i] < 1e300))
			return -1;
		at = end;
		ids[i] = (int)id;
		for (int j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return -1;
	}
	if (strcmp(at, "\n") != 0)
		return -1;
	*si = (size_t)f[0];
	*pi = (size_t)f[1];
	*cnt = (int)f[2];
	return 0;
}

/*
 * The same, in a freshly executed copy of this program, which gets its own
 * address-space layout: where code and data land moves a short copy by a
 * cycle either way, for memcpy and copy_mc alike, so one process is one
 * draw.  argv is ours, passed on with the number of rounds to run and
 * first (run_rounds); the copy writes "ready", then a line per round.  With
 * backend given, the copy runs only that backend's variant (number
 * variant) besides memcpy (and guarded, with_guarded), started with
 * COPYMC_BACKEND=backend: as a program whose backend is chosen when it
 * starts, whose copy_mc_to_kernel is bound to that backend's entry point
 * (copy_mc_backend(3)), not switched to it by copy_mc_set_backend().
 */
static int run_rounds_in_child(char **argv, int argc, int nv, size_t nsizes, int rounds,
			       int first, const char *backend, int variant, int with_guarded)
{
	char **args = calloc((size_t)argc + 8, sizeof *args), nr[16], nk[16], nf[16];
	int p[2], n = 0, status, malformed = 0, ok, started = 0;
	size_t si, pi, cap = 0;
	long lines = 0;
	char *line = NULL;
	FILE *in;
	pid_t pid;

	if (args == NULL) {
		perror("copymc-bench");
		exit(2);
	}
	snprintf(nr, sizeof nr, "%d", rounds);
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n++] = "--child-rounds";
	args[n++] = nr;
	snprintf(nf, sizeof nf, "%d", first);
	args[n++] = "--child-first";
	args[n++] = nf;
	if (backend != NULL) {
		snprintf(nk, sizeof nk, "%d", variant);
		args[n++] = "--child-variant";
		args[n++] = nk;
		if (with_guarded)
			args[n++] = "--child-guarded";
	}
	args[n] = NULL;
	if (pipe(p) != 0) {
		perror("copymc-bench: pipe");
		exit(2);
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (backend != NULL && setenv("COPYMC_BACKEND", backend, 1) != 0)
			_exit(127);
		execv("/proc/self/exe", args);
		execvp(argv[0], args);
		_exit(127);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	if (in == NULL)
		close(p[0]);
	else if (getline(&line, &cap, in) >= 0)
		started = 1;
	malformed = started && strcmp(line, "ready\n") != 0;
	while (in != NULL && !malformed && getline(&line, &cap, in) >= 0) {
		int ids[MAXVARIANTS], cnt;
		double ns[MAXVARIANTS];

		malformed = parse_round(line, nv, nsizes, &si, &pi, ids, ns, &cnt) != 0;
		if (!malformed) {
			add_round(si, pi, ids, ns, cnt);
			lines++;
		}
	}
	if (in != NULL && !malformed && ferror(in))
		malformed = 1;
	if (in != NULL)
		fclose(in);	/* a copy still writing gets SIGPIPE */
	free(line);
	free(args);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	/*
	 * No "ready" and no success: it could not run (under qemu-user
	 * without binfmt, say), and the caller measures in this process.
	 * Once it said "ready", anything short of every round of every cell
	 * and a clean exit is an error.
	 */
	if (!started && !ok)
		return -1;
	if (malformed || !ok || lines != (long)(nsizes * nplacements) * rounds) {
		fprintf(stderr, "copymc-bench: a measuring copy of myself %s\n",
			malformed ? "wrote a malformed line" : "ended before its last round");
		exit(2);
	}
	return 0;
}

/*
 * One table of fault costs, for faults of fsrc: bare, guarded, then every
 * backend; interleaved, median.  Non-zero if a copy returned the wrong
 * count.
 */
static int fault_table(enum fault_src fsrc, const struct variant *v, int nv, int quick, int md,
		       FILE *out, FILE *csv)
{
	int bad = 0, nf = 0, freps = quick ? 3 : 7;
	long n = quick ? 2000 : 10000;
	double us[MAXVARIANTS + 1][2][MAXREPS], med[MAXVARIANTS + 1][2];
	const char *fname[MAXVARIANTS + 1], *fbackend[MAXVARIANTS + 1];
	enum fault_kind fkind[MAXVARIANTS + 1];

	if (HAVE_BARE) {
		fname[nf] = "bare";
		fbackend[nf] = NULL;
		fkind[nf++] = F_BARE;
	}
	for (int k = 0; k < nv; k++) {
		if (v[k].kind == K_MEMCPY)
			continue;
		fname[nf] = v[k].name;
		fbackend[nf] = v[k].backend;
		fkind[nf++] = v[k].kind == K_GUARDED ? F_GUARDED : F_COPYMC;
	}
	for (int r = 0; r < freps; r++)
		for (int j = 0; j < nf; j++)
			for (size_t pi = 0; pi < nplacements && pi < 2; pi++) {
				int k = (j + r) % nf;

				us[k][pi][r] = fault_cost(fkind[k], fbackend[k], pi, n, fsrc);
			}
	for (int k = 0; k < nf; k++)
		for (size_t pi = 0; pi < nplacements && pi < 2; pi++) {
			med[k][pi] = median(us[k][pi], freps);
			for (int r = 0; r < freps; r++)
				if (us[k][pi][r] < 0) {
					med[k][pi] = -1;	/* a copy returned the wrong count */
					bad = 1;
				}
		}
	if (csv != NULL)
		fprintf(csv, "# recovered %s: a %d-byte copy, its source faulting after about "
			     "2 KiB; bare = one handler round trip\n"
			     "# fault=%s\nplacement,variant,us_per_fault,ratio_to_bare\n",
			src_title[fsrc], FAULT_LEN, src_csv[fsrc]);
	if (out != NULL) {
		fprintf(out, "%s\n%s recovered %s\n%s a %d-byte copy, its source faulting after "
			     "about 2 KiB; bare = a handler that\n%s only moves the pc on; median "
			     "of %d runs of %ld faults%s",
			md ? "" : "#", md ? "<!--" : "#", src_title[fsrc], md ? "" : "#", FAULT_LEN,
			md ? "" : "#", freps, n, md ? " -->\n\n| variant |" : "\n");
		if (!md)
			fprintf(out, "%-10s", "variant");
		for (size_t pi = 0; pi < nplacements && pi < 2; pi++)
			fprintf(out, md ? " %s: us (x bare) |" : "  %21s", placements[pi].name);
		if (md) {
			fprintf(out, "\n|---|");
			for (size_t pi = 0; pi < nplacements && pi < 2; pi++)
				fprintf(out, "---:|");
		}
		fprintf(out, "\n");
	}
	for (int k = 0; k < nf; k++) {
		if (out != NULL)
			fprintf(out, md ? "| %s |" : "%-10s", fname[k]);
		for (size_t pi = 0; pi < nplacements && pi < 2; pi++) {
			double m = med[k][pi], ratio = HAVE_BARE ? m / med[0][pi] : 0;

			if (csv != NULL)
				fprintf(csv, "%s,%s,%.3f,%.3f\n", placements[pi].name, fname[k],
					m, ratio);
			if (out == NULL)
				continue;
			if (m < 0)
				fprintf(out, md ? " wrong count |" : "  %21s", "WRONG COUNT");
			else
				fprintf(out, md ? " %.2f (%.2f) |" : "  %9.2f us (%5.2f x)", m,
					ratio);
		}
		if (out != NULL)
			fprintf(out, "\n");
	}
	return bad;
}

/* ------------------------------------------------------------------ */

static void machine(char *buf, size_t n)
{
	char model[128] = "unknown CPU", line[256];
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			char *c = strchr(line, ':');

			if (c != NULL && strncmp(line, "model name", 10) == 0) {
				snprintf(model, sizeof model, "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	uname(&u);
	snprintf(buf, n, "%s, %ld CPUs, Linux %s, %s %s", model, sysconf(_SC_NPROCESSORS_ONLN),
		 u.release,
#ifdef __GLIBC__
		 "glibc", gnu_get_libc_version()
#else
		 "libc", "(not glibc)"
#endif
	);
}

static void fmt_size(char *buf, size_t n, size_t s)
{
	if (s >= (1u << 20) && s % (1u << 20) == 0)
		snprintf(buf, n, "%zuM", s >> 20);
	else if (s >= 1024 && s % 1024 == 0)
		snprintf(buf, n, "%zuK", s >> 10);
	else
		snprintf(buf, n, "%zu", s);
}

/* Is name in the comma-separated list (NULL: everything)? */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (list == NULL)
		return 1;
	for (const char *p = list; *p != '\0';) {
		size_t l = strcspn(p, ",");

		if (l == n && strncmp(p, name, n) == 0)
			return 1;
		p += l + (p[l] == ',');
	}
	return 0;
}

/*
 * --versus: glibc's memcpy held to one of its x86_64 variants by
 * GLIBC_TUNABLES, set in a fresh copy of this program (glibc reads them
 * at start-up only), so each backend is compared with its counterpart.
 * glibc 2.36 derives the preference AVX_Fast_Unaligned_Load from the CPU
 * before it applies the masks, so it is masked too; and with SSSE3 usable
 * and no Fast_Unaligned_Copy preference (AMD) it picks __memmove_ssse3,
 * the palignr copy, so SSSE3 is masked for the SSE2 variant.  (Checked by
 * disassembling what dlsym(RTLD_DEFAULT, "memcpy") returns under each.)
 */
static const struct versus {
	const char *name, *hwcaps, *what;
} versus_table[] = {
	{ "glibc-default", NULL, "glibc's own choice for this CPU" },
	{ "glibc-avx2", "-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-EVEX",
	  "glibc's AVX2 variant (__memmove_avx_unaligned_erms)" },
	{ "glibc-sse2",
	  "-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-EVEX,-AVX,-AVX_Fast_Unaligned_Load,-SSSE3",
	  "glibc's SSE2 variant (__memmove_sse2_unaligned_erms)" },
};

static const struct versus *find_versus(const char *name)
{
	for (size_t i = 0; i < sizeof versus_table / sizeof *versus_table; i++)
		if (strcmp(versus_table[i].name, name) == 0)
			return &versus_table[i];
	return NULL;
}

/* Runs this program again with glibc held to vs; returns only on failure. */
static int reexec_versus(const struct versus *vs, char **argv)
{
	static char tun[512];
	const char *old = getenv("GLIBC_TUNABLES");

	if (vs->hwcaps != NULL) {
		snprintf(tun, sizeof tun, "%s%sglibc.cpu.hwcaps=%s", old ? old : "", old ? ":" : "",
			 vs->hwcaps);
		setenv("GLIBC_TUNABLES", tun, 1);
	}
	setenv("COPYMC_BENCH_VERSUS", vs->name, 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "copymc-bench: --versus: cannot run myself again: %s\n", strerror(errno));
	return 2;
}

static void usage(void)
{
	fputs("usage: copymc-bench [--quick] [--csv | --md] [--csv-file FILE] [--reps N]\n"
	      "                    [--processes N] [--size BYTES]... [--offsets SRC,DST]\n"
	      "                    [--only VARIANT,...] [--no-faults | --faults-only]\n"
	      "                    [--fault-kinds page,memory-error] [--real-poison]\n"
	      "                    [--versus glibc-default|glibc-avx2|glibc-sse2]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int quick = 0, md = 0, reps = 0, faults = 1, throughput = 1, nv = 0;
	int processes = 0, child_rounds = 0, bad = 0, real_poison = 0;
	int child_variant = -1, child_guarded = 0, child_first = 0;
	size_t sizes[MAXSIZES], nsizes = 0;
	const char *only = NULL, *fault_kinds = NULL, *names[MAXVARIANTS];
	const struct versus *vs = NULL;
	static struct variant v[MAXVARIANTS];
	char defname[32], mach[512];
	FILE *out = stdout, *csv = NULL;	/* the table; the CSV, if any */
	const char *csv_path = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--quick") == 0) {
			quick = 1;
		} else if (strcmp(a, "--csv") == 0) {
			csv = stdout;
			out = NULL;
		} else if (strcmp(a, "--md") == 0) {
			md = 1;
		} else if (strcmp(a, "--no-faults") == 0) {
			faults = 0;
		} else if (strcmp(a, "--real-poison") == 0) {
			real_poison = 1;
		} else if (strcmp(a, "--faults-only") == 0) {
			throughput = 0;
		} else if (arg != NULL && strcmp(a, "--csv-file") == 0) {
			csv_path = arg;
			i++;
		} else if (arg != NULL && strcmp(a, "--reps") == 0) {
			reps = atoi(arg);
			i++;
		} else if (arg != NULL && strcmp(a, "--processes") == 0) {
			processes = atoi(arg);
			i++;
		} else if (arg != NULL && strcmp(a, "--child-rounds") == 0) {
			child_rounds = atoi(arg);	/* internal: see run_rounds_in_child */
			i++;
		} else if (arg != NULL && strcmp(a, "--child-first") == 0) {
			child_first = atoi(arg);	/* internal, as --child-rounds */
			i++;
		} else if (arg != NULL && strcmp(a, "--child-variant") == 0) {
			child_variant = atoi(arg);	/* internal, as --child-rounds */
			i++;
		} else if (strcmp(a, "--child-guarded") == 0) {
			child_guarded = 1;
		} else if (arg != NULL && strcmp(a, "--versus") == 0) {
			if ((vs = find_versus(arg)) == NULL) {
				fprintf(stderr, "copymc-bench: --versus: no '%s' (glibc-default, "
						"glibc-avx2, glibc-sse2)\n", arg);
				return 2;
			}
			i++;
		} else if (arg != NULL && strcmp(a, "--fault-kinds") == 0) {
			fault_kinds = arg;
			i++;
		} else if (arg != NULL && strcmp(a, "--only") == 0) {
			only = arg;
			i++;
		} else if (arg != NULL && strcmp(a, "--size") == 0 && nsizes < MAXSIZES) {
			sizes[nsizes++] = strtoull(arg, NULL, 0);
			i++;
		} else if (arg != NULL && strcmp(a, "--offsets") == 0) {
			char *end;

			placements[0].name = "custom";
			placements[0].src_off = strtoull(arg, &end, 0);
			placements[0].dst_off = *end == ',' ? strtoull(end + 1, NULL, 0) : 0;
			nplacements = 1;
			i++;
		} else {
			usage();
		}
	}
	for (const char *p = fault_kinds; p != NULL && *p != '\0';) {
		size_t l = strcspn(p, ",");

		if (!(l == 4 && strncmp(p, "page", 4) == 0) &&
		    !(l == 12 && strncmp(p, "memory-error", 12) == 0)) {
			fprintf(stderr, "copymc-bench: --fault-kinds: no fault kind '%.*s' "
					"(page, memory-error)\n", (int)l, p);
			return 2;
		}
		p += l + (p[l] == ',');
	}
	if (vs != NULL) {
		const char *done = getenv("COPYMC_BENCH_VERSUS");

#if !defined(__GLIBC__) || !defined(__x86_64__)
		fprintf(stderr, "copymc-bench: --versus: glibc's x86_64 variants, and this is "
				"not glibc on x86_64\n");
		return 2;
#endif
		if (done == NULL || strcmp(done, vs->name) != 0)
			return reexec_versus(vs, argv);
	}
	if (reps <= 0)
		reps = quick ? 9 : 32;
	if (reps > MAXREPS)
		reps = MAXREPS;
	if (processes <= 0)
		processes = quick ? 3 : 8;
	if (processes > reps)
		processes = reps;
	if (nsizes == 0)
		for (size_t i = 0; i < sizeof default_sizes / sizeof *default_sizes; i++)
			sizes[nsizes++] = default_sizes[i];

	/* One CPU, the one we are on: no migration in the middle of a batch. */
	{
		cpu_set_t set;
		int cpu = sched_getcpu();

		CPU_ZERO(&set);
		CPU_SET(cpu < 0 ? 0 : cpu, &set);
		sched_setaffinity(0, sizeof set, &set);
	}

	machine(mach, sizeof mach);
	/* The guard's handler first: the library chains to it. */
	install(SIGSEGV, guard_handler);
	install(SIGBUS, guard_handler);
	if (copy_mc_init() != 0) {
		perror("copymc-bench: copy_mc_init");
		return 2;
	}
	snprintf(defname, sizeof defname, "%s", copy_mc_backend());

	snprintf(v[nv].name, sizeof v[nv].name, "memcpy");
	v[nv++].kind = K_MEMCPY;
	if (listed(only, "guarded")) {
		snprintf(v[nv].name, sizeof v[nv].name, "guarded");
		v[nv++].kind = K_GUARDED;
	}
	size_t nb = copy_mc_backends(names, MAXVARIANTS - 2);
	for (size_t i = 0; i < nb && i < MAXVARIANTS - 2; i++) {
		if (!listed(only, names[i]) || copy_mc_set_backend(names[i]) != 0)
			continue;	/* not asked for, or this CPU cannot run it */
		snprintf(v[nv].name, sizeof v[nv].name, "%s%s", names[i],
			 strcmp(names[i], defname) == 0 ? "*" : "");
		v[nv].kind = K_COPYMC;
		v[nv++].backend = names[i];
	}
	/* The rest run with the default, as a program that never chooses. */
	copy_mc_set_backend(defname);
	for (int k = 0; k < nv; k++)
		v[k].id = k;

	if (child_rounds > 0 && child_variant >= 0) {
		/* memcpy, guarded if asked, and the one backend this copy started with */
		struct variant w[3];
		int nw = 0;

		for (int k = 0; k < nv; k++)
			if (v[k].kind == K_MEMCPY || (v[k].kind == K_GUARDED && child_guarded) ||
			    k == child_variant)
				w[nw++] = v[k];
		run_rounds(w, nw, sizes, nsizes, child_rounds, child_first, quick ? 1e5 : 2e5, stdout);
		return 0;
	}
	if (child_rounds > 0) {
		run_rounds(v, nv, sizes, nsizes, child_rounds, child_first, quick ? 1e5 : 2e5, stdout);
		return 0;
	}
	if (throughput) {
		/*
		 * Measure: reps rounds, spread over processes fresh processes;
		 * here if there is to be one only, or if this program cannot
		 * run itself again (under qemu-user without binfmt, say).
		 */
		double target = quick ? 1e5 : 2e5;

		for (int p = 0, done = 0; p < processes; p++) {
			int rounds = (reps - done) / (processes - p), failed = processes == 1;
			int first = 1;

			/*
			 * Each backend in copies of its own, started with it;
			 * memcpy in every one, guarded in the first.  Or all
			 * in one, if no backend is measured.
			 */
			for (int k = 0; k < nv && !failed; k++) {
				if (v[k].kind != K_COPYMC)
					continue;
				failed = run_rounds_in_child(argv, argc, nv, nsizes, rounds, done,
							     v[k].backend, k, first) != 0;
				first = 0;
			}
			if (first && !failed)
				failed = run_rounds_in_child(argv, argc, nv, nsizes, rounds, done,
							     NULL, -1, 0) != 0;
			if (failed) {
				if (processes > 1)
					fprintf(stderr, "copymc-bench: cannot run a fresh copy of "
							"myself; measuring in this process\n");
				memset(nsamples, 0, sizeof nsamples);
				memset(nratios, 0, sizeof nratios);
				run_rounds(v, nv, sizes, nsizes, reps, 0, target, NULL);
				processes = 1;
				break;
			}
			done += rounds;
		}
	}

	if (csv_path != NULL && (csv = fopen(csv_path, "w")) == NULL) {
		perror(csv_path);
		return 2;
	}

	const char *each = processes > 1 ? " (for each backend, started with COPYMC_BACKEND naming it)"
					 : " (one process, switching backends)";
	if (csv != NULL && throughput)
		fprintf(csv, "# %s; default backend %s; median of %d in %d processes%s; "
			     "ratio_to_memcpy: the median of the ratios within one repetition\n",
			mach, defname, reps, processes, each);
	else if (csv != NULL)
		fprintf(csv, "# %s; default backend %s\n", mach, defname);
	if (out != NULL && throughput)
		fprintf(out, "%s copymc-bench: %s\n%s default backend %s (marked *); median of %d "
			     "interleaved repetitions in %d processes%s; GB/s, and (ratio to memcpy: "
			     "the median of the ratios within one repetition)%s\n",
			md ? "<!--" : "#", mach, md ? "" : "#", defname, reps, processes, each,
			md ? " -->" : "");
	else if (out != NULL)
		fprintf(out, "%s copymc-bench: %s; default backend %s (marked *)%s\n",
			md ? "<!--" : "#", mach, defname, md ? " -->" : "");
	if (vs != NULL && csv != NULL)
		fprintf(csv, "# memcpy: %s; GLIBC_TUNABLES=%s\n", vs->what,
			getenv("GLIBC_TUNABLES") ? getenv("GLIBC_TUNABLES") : "");
	if (vs != NULL && out != NULL)
		fprintf(out, "%s memcpy: %s, GLIBC_TUNABLES=%s%s\n", md ? "<!--" : "#", vs->what,
			getenv("GLIBC_TUNABLES") ? getenv("GLIBC_TUNABLES") : "", md ? " -->" : "");

	if (throughput) {
		for (size_t si = 0; si < nsizes; si++)
			for (size_t pi = 0; pi < nplacements; pi++)
				for (int k = 0; k < nv; k++)
					if (nsamples[si][pi][k] == 0) {
						fprintf(stderr, "copymc-bench: %s: no time at %zu bytes, "
								"%s\n", v[k].name, sizes[si],
							placements[pi].name);
						return 2;
					}
		if (csv != NULL)
			fprintf(csv, "size,placement,variant,ns_per_copy,gb_per_s,ratio_to_memcpy\n");
		if (out != NULL && md) {
			fprintf(out, "\n| size | placement |");
			for (int k = 0; k < nv; k++)
				fprintf(out, " %s |", v[k].name);
			fprintf(out, "\n|---:|---|");
			for (int k = 0; k < nv; k++)
				fprintf(out, "---:|");
			fprintf(out, "\n");
		} else if (out != NULL) {
			fprintf(out, "%-6s %-10s", "size", "placement");
			for (int k = 0; k < nv; k++)
				fprintf(out, " %15s", v[k].name);
			fprintf(out, "\n");
		}
		for (size_t si = 0; si < nsizes; si++) {
			for (size_t pi = 0; pi < nplacements; pi++) {
				size_t len = sizes[si];
				double med[MAXVARIANTS];
				char sz[24];

				for (int k = 0; k < nv; k++)
					med[k] = median(samples[si][pi][k], nsamples[si][pi][k]);
				fmt_size(sz, sizeof sz, len);
				if (out != NULL)
					fprintf(out, md ? "| %s | %s |" : "%-6s %-10s", sz,
						placements[pi].name);
				for (int k = 0; k < nv; k++) {
					double gbs = len / med[k], ratio = med[0] / med[k];

					if (k > 0 && nratios[si][pi][k] > 0)
						ratio = median(ratios[si][pi][k], nratios[si][pi][k]);

					if (csv != NULL)
						fprintf(csv, "%zu,%s,%s,%.3f,%.3f,%.4f\n", len,
							placements[pi].name, v[k].name, med[k], gbs,
							ratio);
					if (out != NULL && k == 0)
						fprintf(out, md ? " %.1f |" : " %15.1f", gbs);
					else if (out != NULL)
						fprintf(out, md ? " %.1f (%.2f) |" : " %7.1f (%5.2f)",
							gbs, ratio);
				}
				if (out != NULL)
					fprintf(out, "\n");
			}
		}
		fflush(NULL);
	}

	if (faults) {
		char why[400];
		enum fault_src msrc = SRC_NONE;

		if (listed(fault_kinds, "page"))
			bad |= fault_table(SRC_PAGE, v, nv, quick, md, out, csv);
		if (listed(fault_kinds, "memory-error")) {
			msrc = memory_error_source(real_poison, why, sizeof why);
			if (msrc != SRC_NONE)
				bad |= fault_table(msrc, v, nv, quick, md, out, csv);
			else if (out != NULL)
				fprintf(out, "%s\n%s memory errors not measured: %s%s\n", md ? "" : "#",
					md ? "<!--" : "#", why, md ? " -->" : "");
		}
	}
	if (csv != NULL && csv != stdout)
		fclose(csv);
	return bad;
}
