/*
 * platform.c - what this machine (or emulator) can produce and report,
 * probed once at start-up in throw-away children and printed as TAP
 * comments.  Cases the platform cannot produce are skipped with the reason
 * found here; no assertion is weakened because of it.
 */
#include "conformance.h"
#include "runner.h"

#include <alloca.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

struct platform plat;

/* What a probe child saw, in memory shared with the suite. */
struct seen {
	int sig, code, err, lsb, done;
	void *addr;
};
static volatile struct seen *seen;
static sigjmp_buf probe_jump;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	seen->sig = sig;
	seen->code = si->si_code;
	seen->addr = si->si_addr;
	if (sig == SIGBUS)
		seen->lsb = si->si_addr_lsb;
	siglongjmp(probe_jump, 1);
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Run fn in a child; returns its wait status.  seen is cleared first. */
static int probe_child(void (*fn)(void))
{
	int st = 0;
	pid_t pid;

	memset((void *)seen, 0, sizeof *seen);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(2, 1);	/* keep stdout for TAP */
		alarm(20 * opt.timeout_factor);
		fn();
		_exit(0);
	}
	if (pid < 0)
		return -1;
	/*
	 * alarm(20) ends a child that hangs (all limits here times
	 * --timeout-factor), unless the platform holds it
	 * blocked (valgrind 3.19 can deadlock a probe child with two threads
	 * and every signal blocked): after 30 s it is killed, a probe that
	 * found nothing.
	 */
	for (int ms = 0;; ms += 10) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (ms == 30000 * (int)opt.timeout_factor)
			kill(pid, SIGKILL);
		sleep_ms(10);
	}
	return st;
}

static int quality(void *got, const void *want)
{
	uintptr_t g = (uintptr_t)got, w = (uintptr_t)want;

	if (g == w)
		return ADDR_EXACT;
	if (g / plat.page == w / plat.page)
		return ADDR_PAGE;
	return ADDR_WRONG;
}

static const char *quality_str(int q)
{
	return q == ADDR_EXACT ? "si_addr exact" : q == ADDR_PAGE ? "si_addr right page only"
		: q == ADDR_WRONG ? "si_addr WRONG" : "no signal";
}

/* ---- PROT_NONE read ---- */

static volatile unsigned char *probe_target;

static void read_target(void)
{
	catch_faults();
	if (sigsetjmp(probe_jump, 1) == 0) {
		read_byte(probe_target);
		seen->done = 1;
	}
}

static void probe_segv(void)
{
	unsigned char *m = mmap(NULL, plat.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		snprintf(plat.segv_why, sizeof plat.segv_why, "mmap: %s", strerror(errno));
		return;
	}
	probe_target = m + plat.page / 2 + 3;
	probe_child(read_target);
	munmap(m, plat.page);
	if (seen->sig != SIGSEGV) {
		snprintf(plat.segv_why, sizeof plat.segv_why, "a read of a PROT_NONE page raised %s",
			 seen->sig ? sig_str(seen->sig) : "no signal");
		plat.segv_addr = seen->sig ? ADDR_WRONG : ADDR_UNKNOWN;
		return;
	}
	plat.segv_code = seen->code;
	plat.segv_addr = quality(seen->addr, (const void *)probe_target);
	snprintf(plat.segv_why, sizeof plat.segv_why, "SIGSEGV %s, %s (%p for %p)",
		 code_str(SIGSEGV, seen->code), quality_str(plat.segv_addr), seen->addr,
		 (const void *)probe_target);
}

/* ---- read beyond the end of a mapped file ---- */

static void probe_bus(void)
{
	struct area a;
	char why[200];

	if (area_make(&a, F_EOF, plat.page, plat.page, why, sizeof why) != 0) {
		snprintf(plat.bus_why, sizeof plat.bus_why, "no file mapping: %s", why);
		return;
	}
	probe_target = a.edge + plat.page / 2 + 5;
	probe_child(read_target);
	area_free(&a);
	if (seen->sig != SIGBUS) {
		snprintf(plat.bus_why, sizeof plat.bus_why, "a read beyond EOF raised %s",
			 seen->sig ? sig_str(seen->sig) : "no signal");
		plat.bus_addr = seen->sig ? ADDR_WRONG : ADDR_UNKNOWN;
		return;
	}
	plat.bus_code = seen->code;
	plat.bus_addr = quality(seen->addr, (const void *)probe_target);
	snprintf(plat.bus_why, sizeof plat.bus_why, "SIGBUS %s, %s (%p for %p)",
		 code_str(SIGBUS, seen->code), quality_str(plat.bus_addr), seen->addr,
		 (const void *)probe_target);
}

const char *platform_segv_unusable(void)
{
	static char why[480];

	if (plat.segv_addr == ADDR_EXACT || plat.segv_addr == ADDR_PAGE)
		return NULL;
	snprintf(why, sizeof why, "the platform does not report a SIGSEGV fault address the library "
		 "could check (%s)", plat.segv_why);
	return why;
}

const char *platform_bus_unusable(void)
{
	static char why[480];

	if (plat.bus_addr == ADDR_EXACT || plat.bus_addr == ADDR_PAGE)
		return NULL;
	snprintf(why, sizeof why, "the platform reports a wrong SIGBUS si_addr (qemu-user 7.2 does on big-endian "
		 "and on 32-bit guests): %s", plat.bus_why);
	return why;
}

/* ---- ptrace ---- */

static void traceme_only(void)
{
	seen->err = ptrace_traceme() == 0 ? 0 : errno;
	seen->done = 1;
}

static int poison_probe_subject(void *arg)
{
	volatile unsigned char *p = arg;

	catch_faults();
	if (sigsetjmp(probe_jump, 1) == 0) {
		read_byte(p);
		return 3;		/* no signal at all */
	}
	/*
	 * The injector keeps the SIGSEGV's si_addr: exact, or only the page
	 * where the kernel reports no more than that (s390x; probe_segv).
	 */
	if (seen->sig != SIGBUS || seen->code != BUS_MCEERR_AR || seen->lsb != (int)plat.page_shift)
		return 4;
	if (seen->addr != (void *)p &&
	    (plat.segv_addr != ADDR_PAGE ||
	     (uintptr_t)seen->addr != ((uintptr_t)p & ~(uintptr_t)(plat.page - 1))))
		return 4;
	return 0;
}

/*
 * What the library does with a fault that is not its own, done here
 * without it: restore SIG_DFL and return, so that the instruction runs
 * again and the repeated fault kills.  A tracer that only watches must see
 * the child die of it.
 */
static void repeat_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	signal(sig, SIG_DFL);
}

static int repeat_probe_subject(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = repeat_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	read_byte(arg);
	return 3;		/* the fault did not come back, or did not kill */
}

static void probe_ptrace(void)
{
	struct subject_result res;
	struct rewrite rw = { SIGSEGV, SIGBUS, BUS_MCEERR_AR, 0, NULL, 0, 1, 0, NULL };
	unsigned char *m;
	char b[100];

	probe_child(traceme_only);
	if (!seen->done || seen->err) {
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why,
			 "ptrace unavailable (qemu-user?): PTRACE_TRACEME: %s",
			 seen->done ? strerror(seen->err) : "the child did not report");
		return;
	}
	m = mmap(NULL, plat.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why, "mmap: %s", strerror(errno));
		return;
	}
	rw.lsb = (int)plat.page_shift;
	memset((void *)seen, 0, sizeof *seen);
	if (subject_run_traced(poison_probe_subject, m + 17, &rw, &res) != 0)
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why, "ptrace unavailable (qemu-user?): %s", res.why);
	else if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0 || res.rewritten < 1)
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why,
			 "ptrace unavailable (qemu-user?): a rewritten SIGSEGV did not arrive as "
			 "SIGBUS/BUS_MCEERR_AR (%s, %d stops rewritten; handler saw %s %s %p lsb %d)",
			 status_str(res.status, b, sizeof b), res.rewritten, sig_str(seen->sig),
			 code_str(seen->sig, seen->code), seen->addr, seen->lsb);
	else if (subject_run_traced(repeat_probe_subject, m + 17, NULL, &res) != 0 ||
		 !WIFSIGNALED(res.status) || WTERMSIG(res.status) != SIGSEGV)
		/* valgrind 3.19 stops and faults again, forever */
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why,
			 "ptrace unavailable (valgrind?): a traced child whose SIGSEGV repeats with SIG_DFL "
			 "restored does not die of it, without the library: %s",
			 res.why[0] ? res.why : status_str(res.status, b, sizeof b));
	else {
		plat.ptrace_ok = 1;
		snprintf(plat.ptrace_why, sizeof plat.ptrace_why,
			 "usable: a tracer can rewrite a fault into SIGBUS/BUS_MCEERR_AR, and a traced fault "
			 "that repeats with SIG_DFL kills");
	}
	munmap(m, plat.page);
}

/* ---- a fault signal queued to oneself (how a library passes one on) ---- */

/*
 * The one kernel si_code the library queues again rather than letting it
 * repeat: an asynchronous poison report, BUS_MCEERR_AO.  Probed with the
 * library's handler out of the way.
 */
static void requeue_child(void)
{
	siginfo_t si;

	signal(SIGBUS, SIG_DFL);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGBUS;
	si.si_code = BUS_MCEERR_AO;
	si.si_addr = (void *)0x1000;
	syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)syscall(SYS_gettid), (long)SIGBUS, &si);
	seen->done = 1;
}

static void probe_requeue(void)
{
	int st = probe_child(requeue_child);
	char b[100];

	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS) {
		plat.requeue_ok = 1;
		snprintf(plat.requeue_why, sizeof plat.requeue_why, "kills with SIGBUS, as it should");
		return;
	}
	plat.requeue_status = st;
	snprintf(plat.requeue_why, sizeof plat.requeue_why,
		 "the platform cannot deliver a SIGBUS BUS_MCEERR_AO queued to oneself with "
		 "rt_tgsigqueueinfo, as the contract passes that report on (qemu-user asserts): the "
		 "process %s instead of dying of SIGBUS", status_str(st, b, sizeof b));
}

/* ---- a process-directed signal sent from a thread that blocks it ---- */

static int procsig_by_sigqueue;

static void procsig_caught(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	seen->sig = sig;
	seen->code = si->si_code;
	_exit(0);
}

static void *procsig_sender(void *unused)
{
	sigset_t faults;

	(void)unused;
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	pthread_sigmask(SIG_BLOCK, &faults, NULL);
	if (procsig_by_sigqueue) {
		union sigval v;

		v.sival_int = 42;
		sigqueue(getpid(), SIGSEGV, v);
	} else
		kill(getpid(), SIGSEGV);
	sleep_ms(3000);		/* alive, as the suite's sender is */
	return NULL;
}

/* No library involved: a plain handler in the main thread must see it. */
static void procsig_child(void)
{
	struct sigaction sa;
	pthread_t t;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = procsig_caught;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (pthread_create(&t, NULL, procsig_sender, NULL) != 0)
		return;
	for (int i = 0; i < 2000 && !seen->sig; i++)
		sleep_ms(1);
}

int platform_procsig_lost(int by_sigqueue, int tries)
{
	int k = 0;

	procsig_by_sigqueue = by_sigqueue;
	do
		probe_child(procsig_child);
	while (++k < tries && seen->sig == SIGSEGV);
	return seen->sig == SIGSEGV ? 0 : k;
}

static void probe_procsig(int by_sigqueue)
{
	const char *how = by_sigqueue ? "sigqueue()" : "kill()";

	/*
	 * qemu-user and valgrind lose it only some of the time: it must
	 * arrive every time in 20 tries.  The first loss ends the probe.  A
	 * case that loses it after this probe passed asks again
	 * (platform_procsig_lost) before it fails.
	 */
	int tries = platform_procsig_lost(by_sigqueue, 20);

	plat.procsig_ok[by_sigqueue] = tries == 0;
	if (plat.procsig_ok[by_sigqueue])
		snprintf(plat.procsig_why[by_sigqueue], sizeof plat.procsig_why[0],
			 "reaches the thread that does not block it, as it should (20 of 20 tries)");
	else
		snprintf(plat.procsig_why[by_sigqueue], sizeof plat.procsig_why[0],
			 "the platform lost a SIGSEGV sent by %s from a thread that blocks it in try %d of "
			 "20, even to a plain handler in another thread without the library (qemu-user and "
			 "valgrind do not always hand a process-directed signal on to another thread)",
			 how, tries);
}

/* ---- a signal frame at a new depth of the main thread's stack ---- */

/*
 * No library: an SA_ONSTACK handler, no alternate stack, and a fault of a
 * read below everything the stack has reached, the suite's reserve too
 * (runner_reserve_stack), placed so that the signal frame cannot fit in
 * the page the read's own frames touched.  The kernel grows the stack for
 * the signal frame; valgrind 3.19 does not for an SA_ONSTACK handler, and
 * the process dies of SIGSEGV.  The cases stay within the reserve.
 */
__attribute__((noinline)) static void fault_at_page_bottom(void)
{
	uintptr_t at = (uintptr_t)alloca(16);
	size_t off = at % plat.page;
	/* sp to about 256 bytes above a page boundary, and that page touched */
	volatile unsigned char *pad = alloca(off > 512 ? off - 256 : off + plat.page - 256);

	pad[0] = 0;
	read_byte(probe_target);
	seen->done = pad[0] + 1;
}

__attribute__((noinline)) static void below_reserve(void)
{
	volatile unsigned char below[STACK_RESERVE + 65536];

	below[sizeof below - 1] = 0;
	fault_at_page_bottom();
	seen->err = below[sizeof below - 1];
}

static void new_depth_child(void)
{
	struct sigaction sa;
	stack_t none;

	memset(&none, 0, sizeof none);
	none.ss_flags = SS_DISABLE;
	sigaltstack(&none, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(probe_jump, 1) == 0)
		below_reserve();
}

static void probe_new_depth(void)
{
	unsigned char *m = mmap(NULL, plat.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int st;
	char b[100];

	if (m == MAP_FAILED) {
		snprintf(plat.new_depth_why, sizeof plat.new_depth_why, "mmap: %s", strerror(errno));
		return;
	}
	probe_target = m + 11;
	st = probe_child(new_depth_child);
	munmap(m, plat.page);
	if (seen->sig == SIGSEGV && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		plat.new_depth_ok = 1;
		snprintf(plat.new_depth_why, sizeof plat.new_depth_why, "the handler runs, as it should");
		return;
	}
	snprintf(plat.new_depth_why, sizeof plat.new_depth_why,
		 "the platform cannot extend the main thread's stack for the signal frame of an SA_ONSTACK "
		 "handler when no alternate stack is set (valgrind): %s, the handler did not run; the "
		 "cases run within the %d KiB of stack the suite grew at start-up",
		 status_str(st, b, sizeof b), STACK_RESERVE / 1024);
}

/* ---- MADV_HWPOISON ---- */

static void hwpoison_child(void)
{
	unsigned char *m = mmap(NULL, plat.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		seen->err = errno;
		return;
	}
	m[0] = 1;
	if (madvise(m, plat.page, MADV_HWPOISON) != 0) {
		seen->err = errno;
		return;
	}
	probe_target = m + 9;
	read_target();
	seen->err = -1;		/* madvise succeeded */
}

static void probe_hwpoison(void)
{
	probe_child(hwpoison_child);
	if (seen->err > 0) {
		snprintf(plat.hwpoison_why, sizeof plat.hwpoison_why, "MADV_HWPOISON unavailable: %s%s",
			 strerror(seen->err),
			 seen->err == EINVAL ? " (kernel without CONFIG_MEMORY_FAILURE?)"
			 : seen->err == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return;
	}
	if (seen->err == 0) {
		snprintf(plat.hwpoison_why, sizeof plat.hwpoison_why, "MADV_HWPOISON probe did not report");
		return;
	}
	if (seen->sig != SIGBUS || seen->code != BUS_MCEERR_AR) {
		snprintf(plat.hwpoison_why, sizeof plat.hwpoison_why,
			 "MADV_HWPOISON accepted but a read of the page gave %s%s%s, not SIGBUS/BUS_MCEERR_AR "
			 "(qemu-user ignores madvise?)",
			 seen->sig ? sig_str(seen->sig) : "no signal", seen->sig ? " " : "",
			 seen->sig ? code_str(seen->sig, seen->code) : "");
		return;
	}
	plat.hwpoison_ok = 1;
	snprintf(plat.hwpoison_why, sizeof plat.hwpoison_why,
		 "usable: a read of a poisoned page gives SIGBUS/BUS_MCEERR_AR, si_addr %p for %p, lsb %d",
		 seen->addr, (const void *)probe_target, seen->lsb);
}

/* ---- x86_64: alignment check, protection keys, non-canonical address ---- */

#if defined(__x86_64__)
static void ac_child(void)
{
	static unsigned char buf[16] __attribute__((aligned(16)));
	unsigned long v;

	catch_faults();
	if (sigsetjmp(probe_jump, 1) == 0) {
		/* Below the red zone: pushf/popf must not clobber the compiler's data. */
		__asm__ volatile("sub $128, %%rsp\n\t"
				 "pushf\n\t"
				 "orl $0x40000, (%%rsp)\n\t"
				 "popf\n\t"
				 "movq (%1), %0\n\t"
				 "pushf\n\t"
				 "andl $~0x40000, (%%rsp)\n\t"
				 "popf\n\t"
				 "add $128, %%rsp"
				 : "=r"(v) : "r"(buf + 1) : "memory", "cc");
		(void)v;
		seen->done = 1;
	}
}

static void probe_ac(void)
{
	probe_child(ac_child);
	if (seen->sig == SIGBUS && seen->code == BUS_ADRALN) {
		plat.ac_traps = 1;
		snprintf(plat.ac_why, sizeof plat.ac_why, "traps: a misaligned load gives SIGBUS/BUS_ADRALN");
	} else {
		snprintf(plat.ac_why, sizeof plat.ac_why,
			 "EFLAGS.AC does not trap here (a misaligned load gave %s %s)",
			 seen->sig ? sig_str(seen->sig) : "no signal", seen->sig ? code_str(seen->sig, seen->code) : "");
	}
}

static void pkey_child(void)
{
#if defined(SYS_pkey_alloc) && defined(SYS_pkey_free)
	long key = syscall(SYS_pkey_alloc, 0ul, 0ul);

	seen->err = key < 0 ? errno : 0;
	if (key >= 0)
		syscall(SYS_pkey_free, (unsigned long)key);
#else
	seen->err = ENOSYS;
#endif
	seen->done = 1;
}

static void probe_pkeys(void)
{
	probe_child(pkey_child);
	if (seen->done && !seen->err) {
		plat.pkeys_ok = 1;
		snprintf(plat.pkeys_why, sizeof plat.pkeys_why, "usable");
	} else {
		snprintf(plat.pkeys_why, sizeof plat.pkeys_why, "protection keys unavailable (pkey_alloc: %s)",
			 seen->done ? strerror(seen->err) : "no report");
	}
}

static void noncanonical_child(void)
{
	probe_target = (volatile unsigned char *)0x8000000000000000ull;
	read_target();
}
#endif

void platform_probe(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, sizeof *seen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("copymc-conformance: mmap");
		_exit(2);
	}
	seen = m;
	plat.page = pg > 0 ? (size_t)pg : 4096;
	while ((1ul << plat.page_shift) < plat.page)
		plat.page_shift++;
	tap_comment("platform: page size %zu (shift %u)", plat.page, plat.page_shift);

	probe_segv();
	tap_comment("platform: read of a PROT_NONE page: %s", plat.segv_why);
	probe_bus();
	tap_comment("platform: read beyond EOF of a file mapping: %s", plat.bus_why);
	probe_requeue();
	tap_comment("platform: SIGBUS BUS_MCEERR_AO queued to oneself (rt_tgsigqueueinfo) with SIG_DFL: %s",
		    plat.requeue_why);
	for (int by = 0; by < 2; by++) {
		probe_procsig(by);
		tap_comment("platform: SIGSEGV sent by %s from a thread that blocks it: %s",
			    by ? "sigqueue()" : "kill()", plat.procsig_why[by]);
	}
	probe_new_depth();
	tap_comment("platform: a fault at a new depth of the main stack, an SA_ONSTACK handler, no alternate "
		    "stack: %s", plat.new_depth_why);
	probe_ptrace();
	tap_comment("platform: ptrace fault injection: %s", plat.ptrace_why);
	probe_hwpoison();
	tap_comment("platform: real poison: %s", plat.hwpoison_why);
#if defined(__x86_64__)
	probe_ac();
	tap_comment("platform: EFLAGS.AC alignment check: %s", plat.ac_why);
	probe_pkeys();
	tap_comment("platform: protection keys: %s", plat.pkeys_why);
	probe_child(noncanonical_child);
	tap_comment("platform: read of non-canonical 0x8000000000000000: %s %s si_addr %p",
		    seen->sig ? sig_str(seen->sig) : "no signal", seen->sig ? code_str(seen->sig, seen->code) : "",
		    seen->addr);
#else
	snprintf(plat.ac_why, sizeof plat.ac_why, "EFLAGS.AC exists on x86_64 only");
	snprintf(plat.pkeys_why, sizeof plat.pkeys_why, "protection keys are tested on x86_64 only");
#endif
	/* seen stays mapped: platform_procsig_lost() may run again. */
}
