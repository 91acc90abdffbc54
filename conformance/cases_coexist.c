/*
 * cases_coexist.c - the library must be invisible to the process around it.
 * Each scenario runs in a fresh process (the suite runs itself again with
 * --coexist-scenario), once without the library (no copy_mc_* call, so no
 * handler) and once with it installed first, and both runs must end alike:
 * exit status or signal, core flag, the fatal si_code (seen by ptrace where
 * it works) and what the scenario's own handlers recorded.
 */
#include "conformance.h"

#include <copymc.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL 0x00100000
#endif
#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif
#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif

/*
 * The kernel ABI's MINSIGSTKSZ (uapi asm/signal.h).  glibc >= 2.34 turns
 * the macro into a sysconf() call under _GNU_SOURCE, a much larger value,
 * so the suite names the ABI constant itself.
 */
#if defined(__aarch64__)
#define ABI_MINSIGSTKSZ 5120
#elif defined(__powerpc64__)
#define ABI_MINSIGSTKSZ 8192	/* a real kernel refuses less (qemu-user takes 2048) */
#else
#define ABI_MINSIGSTKSZ 2048
#endif

#define SCENARIO_ALARM 15	/* seconds for one run of a scenario */
#define OUT_MAX 32768		/* bytes of records a run may write */
#define RUNAWAY 50		/* calls of a chaining handler that mean a cycle */

static char *volatile null_pointer;

/* ======================================================================
 * The scenario's side: a fresh process, records on stdout, one per line.
 *   text    compared with the other run      #text  a note (TAP comment)
 *   ~text   counted, not compared            !bad text / !skip text
 * ====================================================================== */

static int with;			/* this run installs the library first */
static const char *backend;
static atomic_size_t out_bytes;

/* One record, formatted without stdio so that handlers may write them. */
struct line {
	char b[300];
	size_t n;
};

static void l_str(struct line *l, const char *s)
{
	while (*s && l->n < sizeof l->b - 1)
		l->b[l->n++] = *s++;
}

static void l_num(struct line *l, long v)
{
	char t[24];
	int i = 0;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

	if (v < 0)
		l_str(l, "-");
	do
		t[i++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (i > 0 && l->n < sizeof l->b - 1)
		l->b[l->n++] = t[--i];
}

static void l_emit(struct line *l)
{
	l->b[l->n++] = '\n';
	if (atomic_fetch_add(&out_bytes, l->n) < OUT_MAX) {
		ssize_t w = write(1, l->b, l->n);
		(void)w;
	}
	l->n = 0;
}

static void rec(const char *s)
{
	struct line l;

	l.n = 0;
	l_str(&l, s);
	l_emit(&l);
}

static void recf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void recf(const char *fmt, ...)
{
	char buf[300];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rec(buf);
	errno = saved;
}

/* Memory the scenarios fault on: [good][PROT_NONE] each. */
static struct area c_src, c_dst;
static unsigned char *volatile fix_page;	/* PROT_NONE until P makes it readable */
static unsigned char *alt_lo, *alt_hi;		/* the alternate stack, if any */
static unsigned char *guard_lo, *guard_hi;	/* a thread stack's guard page */

static int on_alt(const volatile void *p)
{
	return alt_lo && (const unsigned char *)p >= alt_lo && (const unsigned char *)p < alt_hi;
}

static const char *addr_str(const void *a)
{
	static char buf[64];
	uintptr_t u = (uintptr_t)a;

	if (a == NULL)
		return "NULL";
	if (fix_page && u - (uintptr_t)fix_page < plat.page) {
		snprintf(buf, sizeof buf, "the target page + %lu", (unsigned long)(u - (uintptr_t)fix_page));
		return buf;
	}
	if (guard_lo && u >= (uintptr_t)guard_lo && u < (uintptr_t)guard_hi)
		return "the guard page";
	return "elsewhere";
}

static void set_action(int sig, void (*h)(int), void (*info)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	if (info)
		sa.sa_sigaction = info;
	else
		sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		recf("!bad sigaction(%s, flags 0x%x): %s", sig_str(sig), (unsigned)flags, strerror(errno));
}

/* With the library: a faulting copy through each entry point, exact. */
static void lib_copy_fault(const char *when)
{
	static const struct entry *const es[] = { &entry_to_kernel, &entry_to_user };

	if (!with)
		return;
	for (int i = 0; i < 2; i++) {
		const unsigned char *s = c_src.edge - 37;
		size_t r;

		memset(c_dst.lo, 0, 100);
		r = es[i]->copy(c_dst.lo, s, 100);
		if (r != 63 || first_diff(c_dst.lo, s, 37) < 37)
			recf("!bad %s: %s with a src fault at byte 37 of 100: expected 63 bytes not copied and the "
			     "first 37 copied, got %zu not copied", when, es[i]->name, r);
	}
}

/* With the library: copy_mc_init(), the backend, one recovered fault. */
static void lib_setup(void)
{
	if (!with)
		return;
	if (copy_mc_init() != 0)
		recf("!bad copy_mc_init: expected 0, got -1 (%s)", strerror(errno));
	if (copy_mc_set_backend(backend) != 0)
		recf("!bad copy_mc_set_backend(%s): expected 0, got -1 (%s)", backend, strerror(errno));
	lib_copy_fault("the first recovered copy");
}

/* ---- P: the program's own handler; it makes the target readable ---- */

static volatile int p_calls, p_sig, p_code, p_errno_in, p_onalt;
static void *volatile p_addr;

static void p_fix(int sig, siginfo_t *si, void *uc)
{
	volatile char here = 0;

	(void)uc;
	p_errno_in = errno;
	p_calls++;
	p_sig = sig;
	p_code = si->si_code;
	p_addr = si->si_code > 0 ? si->si_addr : NULL;
	p_onalt = on_alt(&here);
	if (fix_page && si->si_code > 0 && (uintptr_t)si->si_addr - (uintptr_t)fix_page < plat.page)
		mprotect(fix_page, plat.page, PROT_READ | PROT_WRITE);
	errno = 77;		/* a handler may leave errno changed; the program sees it */
}

static void say_p(const char *when)
{
	if (p_calls == 0)
		recf("%s: P did not run", when);
	else
		recf("%s: P ran %d time(s), last with %s %s si_addr %s, on the %s stack, errno %d at entry", when,
		     p_calls, sig_str(p_sig), code_str(p_sig, p_code), addr_str(p_addr),
		     p_onalt ? "alternate" : "normal", p_errno_in);
	p_calls = 0;
}

static void make_target(void)
{
	void *m = mmap(NULL, plat.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		recf("!bad mmap: %s", strerror(errno));
		return;
	}
	fix_page = m;
}

/* Read the target page (P makes it readable); with_errno: say errno as P left it. */
static void read_target(const char *when, int with_errno)
{
	int e;

	errno = ERRNO_SENTINEL;
	/* errno is memory the handler changes: no value may be kept in a register across the fault */
	__asm__ volatile("" : : : "memory");
	read_byte((fix_page + 5));
	__asm__ volatile("" : : : "memory");
	e = errno;
	say_p(when);
	if (with_errno)
		recf("%s: errno after P returned: %d", when, e);
}

/* Bind what the handlers call now, not lazily inside a handler on a small stack. */
static void warm_up(void)
{
	stack_t ss;
	struct timespec ts = { 0, 0 };
	sigjmp_buf jb;
	ssize_t w;

	w = write(1, "", 0);
	(void)w;
	mprotect(c_src.lo, plat.page, PROT_READ | PROT_WRITE);
	sigaltstack(NULL, &ss);
	nanosleep(&ts, NULL);
	if (sigsetjmp(jb, 1) == 0)
		siglongjmp(jb, 1);
	(void)getpid();
	(void)syscall(SYS_gettid);
}

/* ---- (2) SA_SIGINFO with sa_handler SIG_DFL or SIG_IGN ---- */

static int sc_sainfo_dfl_raise(long param)
{
	(void)param;
	set_action(SIGBUS, SIG_DFL, NULL, SA_SIGINFO);
	lib_setup();
	rec("raise(SIGBUS)");
	raise(SIGBUS);
	rec("survived raise(SIGBUS)");
	return SUBJ_SURVIVED;
}

static int sc_resethand_fired(long param)
{
	struct sigaction cur;

	(void)param;
	set_action(SIGBUS, NULL, p_fix, SA_SIGINFO | SA_RESETHAND);
	errno = ERRNO_SENTINEL;
	raise(SIGBUS);
	say_p("the first raise(SIGBUS)");
	sigaction(SIGBUS, NULL, &cur);
	recf("after it fired: sa_handler %s, SA_SIGINFO %s", cur.sa_handler == SIG_DFL ? "SIG_DFL" : "not SIG_DFL",
	     (cur.sa_flags & SA_SIGINFO) ? "set" : "clear");
	lib_setup();
	rec("the second raise(SIGBUS)");
	raise(SIGBUS);
	rec("survived the second raise(SIGBUS)");
	return SUBJ_SURVIVED;
}

static int sc_sainfo_ign_kill(long param)
{
	(void)param;
	set_action(SIGSEGV, SIG_IGN, NULL, SA_SIGINFO);
	set_action(SIGBUS, SIG_IGN, NULL, SA_SIGINFO);
	lib_setup();
	kill(getpid(), SIGSEGV);
	rec("survived kill(getpid(), SIGSEGV)");
	kill(getpid(), SIGBUS);
	rec("survived kill(getpid(), SIGBUS)");
	return 0;
}

/* ---- (4) a chaining handler H installed after the library ---- */

static struct sigaction h_prev;
static volatile int h_calls;

static void h_count(void)
{
	int n = ++h_calls;
	struct line l;

	l.n = 0;
	if (n <= 3) {
		l_str(&l, "H call ");
		l_num(&l, n);
		l_emit(&l);
	}
	if (n >= RUNAWAY) {
		l_str(&l, "H called 50 times: the signal goes round in a cycle");
		l_emit(&l);
		_exit(97);
	}
}

/* Calls its predecessor as a function (libFuzzer, many runtimes). */
static void h_call(int sig, siginfo_t *si, void *uc)
{
	h_count();
	if (h_prev.sa_handler == SIG_DFL || h_prev.sa_handler == SIG_IGN) {
		sigaction(sig, &h_prev, NULL);
		return;		/* the fault repeats under the default action */
	}
	if (h_prev.sa_flags & SA_SIGINFO)
		h_prev.sa_sigaction(sig, si, uc);
	else
		h_prev.sa_handler(sig);
}

/* Restores its predecessor and raises again (CPython's faulthandler). */
static void h_reraise(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	h_count();
	sigaction(sig, &h_prev, NULL);
	raise(sig);		/* SA_NODEFER: delivered at once */
	rec("H: raise() returned");
}

static int sc_chain(int reraise, long after)
{
	struct sigaction h;

	lib_setup();
	memset(&h, 0, sizeof h);
	h.sa_sigaction = reraise ? h_reraise : h_call;
	h.sa_flags = SA_SIGINFO | (reraise ? SA_NODEFER : 0);
	sigemptyset(&h.sa_mask);
	sigaction(SIGSEGV, &h, &h_prev);
	if (with && after == 1 && copy_mc_set_backend(backend) != 0)
		recf("!bad copy_mc_set_backend(%s) after H: %s", backend, strerror(errno));
	if (with && after == 2 && copy_mc_init() != 0)
		recf("!bad copy_mc_init() after H: %s", strerror(errno));
	if (after != 2) {
		/* Only copy_mc_init() puts the library back in front of H. */
		struct sigaction cur;

		sigaction(SIGSEGV, NULL, &cur);
		rec(cur.sa_sigaction == h.sa_sigaction ? "H is the installed action"
						       : "H is no longer the installed action");
	}
	rec("a NULL read");
	read_byte(null_pointer);
	rec("survived the NULL read");
	return SUBJ_SURVIVED;
}

static int sc_chain_call(long after)
{
	return sc_chain(0, after);
}

static int sc_chain_reraise(long after)
{
	return sc_chain(1, after);
}

/* ---- (5) a seccomp filter refusing rt_tgsigqueueinfo ---- */

#if defined(__has_include)
#if __has_include(<linux/filter.h>) && __has_include(<linux/seccomp.h>)
#include <linux/filter.h>
#include <linux/seccomp.h>
#define HAVE_SECCOMP_HEADERS 1
#endif
#endif
#ifndef HAVE_SECCOMP_HEADERS
/* The kernel ABI (uapi linux/filter.h, linux/seccomp.h), for libcs without them. */
struct sock_filter {
	unsigned short code;
	unsigned char jt, jf;
	unsigned int k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};
#define BPF_LD 0x00
#define BPF_W 0x00
#define BPF_ABS 0x20
#define BPF_JMP 0x05
#define BPF_JEQ 0x10
#define BPF_K 0x00
#define BPF_RET 0x06
#define BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_DATA_NR_OFFSET 0
#else
#define SECCOMP_DATA_NR_OFFSET offsetof(struct seccomp_data, nr)
#endif

/*
 * A sandbox that refuses to queue signals.  The filter does not check the
 * architecture field: the test process makes native system calls only.
 */
static int refuse_queueinfo(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR_OFFSET),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_tgsigqueueinfo, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof f / sizeof *f), f };
	siginfo_t si;
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) {
		recf("!skip no seccomp filter here: prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_SECCOMP, (long)SECCOMP_MODE_FILTER, &prog, 0L, 0L) != 0) {
		recf("!skip no seccomp filter here (qemu-user refuses them): prctl(PR_SET_SECCOMP, "
		     "SECCOMP_MODE_FILTER): %s", strerror(errno));
		return -1;
	}
	/* Signal 0 only checks permission: without the filter it succeeds. */
	memset(&si, 0, sizeof si);
	si.si_code = SI_QUEUE;
	r = syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)syscall(SYS_gettid), 0L, &si);
	if (r != -1 || errno != EPERM) {
		recf("!skip the seccomp filter did not refuse rt_tgsigqueueinfo (returned %ld, %s)", r,
		     r ? strerror(errno) : "no error");
		return -1;
	}
	return 0;
}

static int sc_seccomp(long null_read)
{
	lib_setup();
	if (refuse_queueinfo() != 0)
		return 0;
	if (null_read) {
		rec("a NULL read");
		read_byte(null_pointer);
		rec("survived the NULL read");
	} else {
		rec("kill(getpid(), SIGSEGV)");
		kill(getpid(), SIGSEGV);
		rec("survived kill(getpid(), SIGSEGV): the signal was lost");
	}
	return SUBJ_SURVIVED;
}

/* ---- (3) small alternate stacks; (6) a handler without SA_ONSTACK ---- */

#define PAINT 0x5c

/* An alternate stack of exactly n bytes right above a PROT_NONE guard page. */
static int make_alt(size_t n, int flags)
{
	size_t pg = plat.page, len = pg + (n + pg - 1) / pg * pg;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss;

	if (m == MAP_FAILED || mprotect(m, pg, PROT_NONE) != 0) {
		recf("!bad mmap/mprotect for the alternate stack: %s", strerror(errno));
		return -1;
	}
	ss.ss_sp = m + pg;
	ss.ss_size = n;
	ss.ss_flags = flags;
	if (sigaltstack(&ss, NULL) != 0) {
		recf("!skip sigaltstack(%zu bytes%s): %s", n, (flags & SS_AUTODISARM) ? ", SS_AUTODISARM" : "",
		     strerror(errno));
		return -1;
	}
	alt_lo = m + pg;
	alt_hi = alt_lo + n;
	return 0;
}

static void paint(void)
{
	memset(alt_lo, PAINT, (size_t)(alt_hi - alt_lo));
}

static size_t used(void)
{
	size_t i = 0, n = (size_t)(alt_hi - alt_lo);

	while (i < n && alt_lo[i] == PAINT)
		i++;
	return n - i;
}

static void say_ss(const char *when)
{
	stack_t ss;

	if (sigaltstack(NULL, &ss) != 0)
		recf("%s: sigaltstack(NULL, &ss) failed: %s", when, strerror(errno));
	else if (ss.ss_flags & SS_DISABLE)
		recf("%s: the alternate stack is disabled", when);
	else
		recf("%s: the alternate stack is armed%s%s", when,
		     ss.ss_sp == (void *)alt_lo && ss.ss_size == (size_t)(alt_hi - alt_lo) ? "" : " (another one)",
		     (ss.ss_flags & SS_AUTODISARM) ? ", SS_AUTODISARM" : "");
}

/* The kernel's own signal frame: AT_MINSIGSTKSZ where the kernel says. */
static size_t kernel_frame(const char **how)
{
	unsigned long v = getauxval(AT_MINSIGSTKSZ);

	*how = "AT_MINSIGSTKSZ";
#ifdef _SC_MINSIGSTKSZ
	if (v == 0) {
		long s = sysconf(_SC_MINSIGSTKSZ);
		*how = "sysconf(_SC_MINSIGSTKSZ)";
		v = s > 0 ? (unsigned long)s : 0;
	}
#endif
	if (v == 0) {
		*how = "MINSIGSTKSZ";
		v = ABI_MINSIGSTKSZ;
	}
	return v;
}

static int sc_altstack(long autodisarm)
{
	const char *how;
	size_t kern = kernel_frame(&how), n = kern + ABI_MINSIGSTKSZ;

	make_target();
	set_action(SIGSEGV, NULL, p_fix, SA_SIGINFO | SA_ONSTACK);
	set_action(SIGBUS, NULL, p_fix, SA_SIGINFO | SA_ONSTACK);
	if (make_alt(n, autodisarm ? SS_AUTODISARM : 0) != 0)
		return 0;
	recf("#alternate stack of %zu bytes: %s %zu + MINSIGSTKSZ %d%s", n, how, kern, ABI_MINSIGSTKSZ,
	     autodisarm ? ", SS_AUTODISARM" : "");
	paint();
	lib_setup();
	if (with)
		recf("#copy_mc_init() and the first recovered copy used %zu of its %zu bytes", used(), n);
	say_ss("after setting up");
	paint();
	lib_copy_fault("a recovered copy on the small alternate stack");
	if (with)
		recf("#two more recovered copies used %zu bytes", used());
	say_ss("after recovered copies");
	paint();
	read_target("a read of a PROT_NONE page", 0);
	recf("#passing it on to P (SA_ONSTACK) used %zu bytes", used());
	say_ss("after P returned");
	return 0;
}

static int sc_no_onstack(long param)
{
	(void)param;
	make_target();
	set_action(SIGSEGV, NULL, p_fix, SA_SIGINFO);
	if (make_alt(64 * 1024, 0) != 0)
		return 0;
	lib_setup();
	read_target("a read of a PROT_NONE page", 0);
	return 0;
}

/* errno is the program's: a handler that changes it changes it for the program. */
static int sc_errno(long param)
{
	(void)param;
	make_target();
	set_action(SIGSEGV, NULL, p_fix, SA_SIGINFO);
	lib_setup();
	read_target("a read of a PROT_NONE page", 1);
	return 0;
}

/* ---- (6) SIG_IGN and a blocking read() ---- */

static int eintr_pipe[2];

static void *eintr_sender(void *unused)
{
	sigset_t all;
	ssize_t w;

	(void)unused;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sleep_ms(40);
	kill(getpid(), SIGBUS);
	sleep_ms(40);
	w = write(eintr_pipe[1], "x", 1);
	(void)w;
	return NULL;
}

static int sc_ign_eintr(long param)
{
	pthread_t t;
	ssize_t r;
	char c;
	int e;

	(void)param;
	set_action(SIGBUS, SIG_IGN, NULL, 0);
	lib_setup();
	if (pipe(eintr_pipe) != 0 || pthread_create(&t, NULL, eintr_sender, NULL) != 0) {
		recf("!bad pipe/pthread_create: %s", strerror(errno));
		return 0;
	}
	r = read(eintr_pipe[0], &c, 1);
	e = errno;
	if (r == 1)
		rec("read() returned the byte written after the signal");
	else
		recf("read() returned %zd (%s)", r, r < 0 ? (e == EINTR ? "EINTR" : strerror(e)) : "end of file");
	pthread_join(t, NULL);
	return 0;
}

/* ---- (7) a stack overflow inside a copy ---- */

#define OV_STACK (128 * 1024)
#define OV_ALT (64 * 1024)

static size_t (*volatile ov_copy)(void *, const void *, size_t);
static volatile size_t ov_off, ov_left;
static volatile int ov_in_copy;
static volatile int ov_depth_limit = 1 << 30;
static unsigned char ov_src[256], ov_dst[256];

static void p_overflow(int sig, siginfo_t *si, void *uc)
{
	volatile char here = 0;
	struct line l;

	(void)uc;
	l.n = 0;
	l_str(&l, "P: ");
	l_str(&l, sig_str(sig));
	l_str(&l, " ");
	l_str(&l, code_str(sig, si->si_code));
	l_str(&l, ", si_addr in the thread's guard page: ");
	l_str(&l, (uintptr_t)si->si_addr >= (uintptr_t)guard_lo && (uintptr_t)si->si_addr < (uintptr_t)guard_hi
		  ? "yes" : "no");
	l_str(&l, ", on the ");
	l_str(&l, on_alt(&here) ? "alternate" : "normal");
	l_str(&l, " stack");
	l_emit(&l);
	l_str(&l, ov_in_copy ? "#in the copy" : "#outside the copy");
	l_str(&l, ", the call had ");
	l_num(&l, (long)ov_left);
	l_str(&l, " bytes of stack left");
	l_emit(&l);
	_exit(0);
}

/* The stand-in without the library: a byte loop with a frame of its own. */
__attribute__((noinline)) static size_t plain_copy(void *dst, const void *src, size_t len)
{
	volatile unsigned char tmp[64];

	for (size_t i = 0; i < len; i++) {
		tmp[i % sizeof tmp] = ((const volatile unsigned char *)src)[i];
		((volatile unsigned char *)dst)[i] = tmp[i % sizeof tmp];
	}
	return 0;
}

__attribute__((noinline)) static int ov_recurse(int n)
{
	volatile char buf[256];

	buf[0] = (char)n;
	if (n >= ov_depth_limit)
		return buf[0];
	return ov_recurse(n + 1) + buf[0];
}

/* Leave ov_off bytes of stack above the guard page, then copy; then recurse. */
__attribute__((noinline)) static void ov_descend(void)
{
	volatile char here = 0;
	uintptr_t sp = (uintptr_t)&here, top = (uintptr_t)guard_hi;
	unsigned char *p;

	if (sp < top + ov_off + 512) {
		rec("!bad the thread stack is too small for the offset");
		return;
	}
	p = __builtin_alloca(sp - top - ov_off);
	__asm__ volatile("" : : "r"(p) : "memory");
	ov_left = (uintptr_t)p - top;
	ov_in_copy = 1;
	ov_copy(ov_dst, ov_src, sizeof ov_src);
	ov_in_copy = 0;
	ov_recurse(0);
	rec("the recursion returned");
}

static void *ov_thread(void *unused)
{
	stack_t ss;

	(void)unused;
	ss.ss_sp = alt_lo;
	ss.ss_size = OV_ALT;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		recf("!bad sigaltstack: %s", strerror(errno));
		return NULL;
	}
	ov_descend();
	return NULL;
}

static int sc_overflow(const struct entry *e, long off)
{
	pthread_attr_t attr;
	pthread_t t;
	unsigned char *m, *a;
	size_t pg = plat.page;

	set_action(SIGSEGV, NULL, p_overflow, SA_SIGINFO | SA_ONSTACK);
	lib_setup();
	ov_copy = with ? e->copy : plain_copy;
	ov_off = (size_t)off;
	m = mmap(NULL, pg + OV_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = mmap(NULL, OV_ALT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || a == MAP_FAILED || mprotect(m, pg, PROT_NONE) != 0) {
		recf("!bad mmap: %s", strerror(errno));
		return 0;
	}
	guard_lo = m;
	guard_hi = m + pg;
	alt_lo = a;
	alt_hi = a + OV_ALT;
	pattern_fill(ov_src, sizeof ov_src, 3);
	pthread_attr_init(&attr);
	if (pthread_attr_setstack(&attr, m + pg, OV_STACK) != 0 || pthread_create(&t, &attr, ov_thread, NULL) != 0) {
		rec("!bad pthread_create on a stack of its own failed");
		return 0;
	}
	pthread_join(t, NULL);
	rec("the thread returned: no overflow");
	return SUBJ_SURVIVED;
}

static int sc_overflow_kernel(long off)
{
	return sc_overflow(&entry_to_kernel, off);
}

static int sc_overflow_user(long off)
{
	return sc_overflow(&entry_to_user, off);
}

/* ---- (9) aarch64: top-byte-tagged pointers ---- */

#if defined(__aarch64__)
static sigjmp_buf tbi_back;

static void p_jump(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	p_calls++;
	p_sig = sig;
	p_code = si->si_code;
	p_addr = si->si_addr;
	siglongjmp(tbi_back, 1);
}

static void *tag(const void *p)
{
	return (void *)((uintptr_t)p | (uintptr_t)0x5a << 56);
}

/* One tagged copy, recovered with count want; a fault reaching P is a failure. */
static void tbi_copy(const struct entry *e, void *dst, const void *src, size_t len, size_t want, const char *what)
{
	size_t r;

	p_calls = 0;
	if (sigsetjmp(tbi_back, 1) != 0) {
		recf("!bad %s with %s: expected the copy to recover, got the fault passed on to the program's "
		     "handler (%s %s si_addr %p)", e->name, what, sig_str(p_sig), code_str(p_sig, p_code), p_addr);
		return;
	}
	r = e->copy(dst, src, len);
	if (r != want)
		recf("!bad %s with %s: expected %zu bytes not copied, got %zu", e->name, what, want, r);
}
#endif

static int sc_tbi(long param)
{
	(void)param;
#if !defined(__aarch64__)
	rec("!skip top-byte ignore (TBI) is an aarch64 feature");
	return 0;
#else
	volatile unsigned char v;
	const unsigned char *bad = c_src.edge + 3;

	set_action(SIGSEGV, NULL, p_jump, SA_SIGINFO);
	lib_setup();
	p_calls = 0;
	if (sigsetjmp(tbi_back, 1) == 0) {
		v = *(volatile unsigned char *)tag(c_src.edge - 1);
		recf("a tagged read of a readable byte: %s", v == c_src.edge[-1] ? "the byte" : "another value");
	} else {
		recf("!skip the platform does not ignore the top byte: a tagged read of a readable byte raised %s %s",
		     sig_str(p_sig), code_str(p_sig, p_code));
		return 0;
	}
	if (sigsetjmp(tbi_back, 1) == 0) {
		v = *(volatile unsigned char *)tag(bad);
		(void)v;
		rec("a tagged read of a PROT_NONE byte returned");
	} else {
		recf("a tagged read of a PROT_NONE byte: %s %s si_addr %s", sig_str(p_sig), code_str(p_sig, p_code),
		     p_addr == bad ? "the byte, untagged" : p_addr == tag(bad) ? "the byte, tagged" : "elsewhere");
	}
	if (with) {
		tbi_copy(&entry_to_kernel, c_dst.lo, tag(c_src.edge - 37), 100, 63, "a tagged src, fault at byte 37");
		tbi_copy(&entry_to_user, c_dst.lo, tag(c_src.edge - 37), 100, 63, "a tagged src, fault at byte 37");
		tbi_copy(&entry_to_user, tag(c_dst.edge - 21), c_src.lo, 100, 79, "a tagged dst, fault at byte 21");
		tbi_copy(&entry_to_user, tag(c_dst.edge - 21), tag(c_src.edge - 37), 100, 79,
			 "tagged src and dst, a dst fault at byte 21");
		tbi_copy(&entry_to_kernel, tag(c_dst.lo), tag(c_src.edge - 1), 100, 99,
			 "tagged src and dst, a src fault at byte 1");
	}
	return 0;
#endif
}

/* ---- (12) SA_RESETHAND raced by two threads ---- */

static atomic_int race_go;

static void p_race(int sig, siginfo_t *si, void *uc)
{
	struct timespec ts = { 0, 5 * 1000000L };
	struct line l;

	(void)sig;
	(void)si;
	(void)uc;
	l.n = 0;
	l_str(&l, "~P ran");
	l_emit(&l);
	nanosleep(&ts, NULL);	/* the other thread faults meanwhile */
}

static void *race_thread(void *unused)
{
	(void)unused;
	while (!atomic_load(&race_go))
		;
	read_byte(null_pointer);
	return NULL;
}

static int sc_race(long param)
{
	pthread_t t[2];

	(void)param;
	set_action(SIGSEGV, NULL, p_race, SA_SIGINFO | SA_RESETHAND);
	lib_setup();
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, race_thread, NULL) != 0) {
			rec("!bad pthread_create failed");
			return 0;
		}
	sleep_ms(1);
	atomic_store(&race_go, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	rec("survived: both threads returned");
	return SUBJ_SURVIVED;
}

static const struct scenario {
	const char *name;
	int (*run)(long param);
} scenarios[] = {
	{ "sainfo-dfl-raise", sc_sainfo_dfl_raise },
	{ "resethand-fired", sc_resethand_fired },
	{ "sainfo-ign-kill", sc_sainfo_ign_kill },
	{ "chain-call", sc_chain_call },
	{ "chain-reraise", sc_chain_reraise },
	{ "seccomp", sc_seccomp },
	{ "altstack", sc_altstack },
	{ "no-onstack", sc_no_onstack },
	{ "errno", sc_errno },
	{ "ign-eintr", sc_ign_eintr },
	{ "overflow-kernel", sc_overflow_kernel },
	{ "overflow-user", sc_overflow_user },
	{ "tbi", sc_tbi },
	{ "resethand-race", sc_race },
};

/* copymc-conformance --coexist-scenario NAME[:PARAM] --with|--without --backend NAME */
int coexist_scenario_main(int argc, char **argv)
{
	const char *name = NULL;
	char base[64];
	long param = 0;
	int mode = -1;
	sigset_t none;
	long pg = sysconf(_SC_PAGESIZE);
	char why[200];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--coexist-scenario") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			backend = argv[++i];
		else if (!strcmp(argv[i], "--with"))
			mode = 1;
		else if (!strcmp(argv[i], "--without"))
			mode = 0;
	}
	if (!name || !backend || mode < 0) {
		fprintf(stderr, "copymc-conformance: --coexist-scenario NAME[:PARAM] --with|--without --backend NAME\n");
		return 2;
	}
	with = mode;
	snprintf(base, sizeof base, "%s", name);
	if (strchr(base, ':')) {
		param = strtol(strchr(base, ':') + 1, NULL, 0);
		*strchr(base, ':') = '\0';
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	plat.page = pg > 0 ? (size_t)pg : 4096;
	while ((1ul << plat.page_shift) < plat.page)
		plat.page_shift++;

	/* Nothing of the library's may be there before the scenario says so. */
	for (int s = 0; s < 2; s++) {
		struct sigaction sa;
		int sig = s ? SIGBUS : SIGSEGV;

		sigaction(sig, NULL, &sa);
		if (sa.sa_handler != SIG_DFL)
			recf("!bad %s is not SIG_DFL when the scenario starts", sig_str(sig));
	}
	if (area_make(&c_src, F_PROT_NONE, 2 * plat.page, plat.page, why, sizeof why) != 0 ||
	    area_make(&c_dst, F_PROT_NONE, 2 * plat.page, plat.page, why, sizeof why) != 0) {
		recf("!bad %s", why);
		return 0;
	}
	pattern_fill(c_src.lo, c_src.good, 7);
	warm_up();
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
		if (!strcmp(scenarios[i].name, base))
			return scenarios[i].run(param);
	recf("!bad no scenario named %s", base);
	return 0;
}

/* ======================================================================
 * The suite's side: run a scenario without and with, compare.
 * ====================================================================== */

struct outcome {
	int status;
	int traced;		/* watched by ptrace to its end */
	int have_last;
	siginfo_t last;		/* the last signal it was sent: the fatal one if it died of it */
	char text[12288];	/* its records */
	char why[300];		/* could not run */
};

static int emulated(void)
{
	const char *emu = getenv("COPYMC_CONFORMANCE_EMULATOR");

	return emu && *emu;
}

/* Follow a child that asked to be traced and stops before exec; its end in o. */
static void trace_to_end(pid_t pid, struct outcome *o)
{
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFSTOPPED(st)) {
		o->status = st;
		return;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)) == 0)
		o->traced = 1;
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (;;) {
		siginfo_t si;
		int sig;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		if ((st >> 16) == PTRACE_EVENT_EXEC) {
			sig = 0;
		} else if (ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) == 0) {
			o->last = si;
			o->have_last = 1;
		} else {
			sig = 0;	/* a group-stop */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	o->status = st;
}

/*
 * Whether a scenario may dump core into a scratch directory, so that the
 * core flags of the two runs mean something: only where the kernel writes
 * a plain file into the current directory (not a pipe to a crash
 * collector, not a system directory), and not under qemu-user, which
 * writes the guest's core itself and always ends without the flag.
 */
static int cores_possible(const char **why)
{
	static int known = -1;
	static char reason[200];
	char pat[256] = "";
	struct rlimit rl;
	FILE *f;

	if (known >= 0) {
		*why = reason;
		return known;
	}
	f = fopen("/proc/sys/kernel/core_pattern", "r");
	if (f) {
		if (!fgets(pat, sizeof pat, f))
			pat[0] = '\0';
		fclose(f);
	}
	pat[strcspn(pat, "\n")] = '\0';
	known = 0;
	if (emulated())
		snprintf(reason, sizeof reason, "under an emulator the core flag is always clear");
	else if (!pat[0] || pat[0] == '|' || strchr(pat, '/'))
		snprintf(reason, sizeof reason, "core_pattern '%.100s' is not a file in the current directory", pat);
	else if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_max == 0)
		snprintf(reason, sizeof reason, "the hard RLIMIT_CORE is 0");
	else {
		known = 1;
		snprintf(reason, sizeof reason, "cores dumped into a scratch directory");
	}
	*why = reason;
	return known;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200];

	if (d) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

/* Run the scenario in a fresh process of this program; 0, or -1 with o->why. */
static int run_scenario(const char *bk, const char *scen, int with_lib, int trace, struct outcome *o)
{
	char self[4096];
	const char *emu = getenv("COPYMC_CONFORMANCE_EMULATOR");
	ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
	FILE *tf = tmpfile();
	size_t len = 0;
	ssize_t r;
	pid_t pid;
	int fd;
	const char *tmp = getenv("TMPDIR"), *why;
	char core_dir[4096] = "";

	if (cores_possible(&why)) {
		snprintf(core_dir, sizeof core_dir, "%s/copymc-coexist-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(core_dir))
			core_dir[0] = '\0';
	}

	memset(o, 0, sizeof *o);
	if (k <= 0)
		snprintf(self, sizeof self, "%s", opt.argv0);
	else
		self[k] = '\0';
	if (!tf) {
		snprintf(o->why, sizeof o->why, "tmpfile: %s", strerror(errno));
		return -1;
	}
	fd = fileno(tf);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(o->why, sizeof o->why, "fork: %s", strerror(errno));
		fclose(tf);
		if (core_dir[0])
			remove_dir(core_dir);
		return -1;
	}
	if (pid == 0) {
		char *args[] = { (char *)(emu && *emu ? emu : self), self, (char *)"--coexist-scenario", (char *)scen,
				 (char *)(with_lib ? "--with" : "--without"), (char *)"--backend", (char *)bk, NULL };
		char **argv = emu && *emu ? args : args + 1;

		dup2(fd, 1);
		if (core_dir[0] && chdir(core_dir) == 0) {
			struct rlimit rl;

			if (getrlimit(RLIMIT_CORE, &rl) == 0) {
				rl.rlim_cur = rl.rlim_max < (rlim_t)256 << 20 ? rl.rlim_max : (rlim_t)256 << 20;
				setrlimit(RLIMIT_CORE, &rl);
			}
		}
		if (trace) {
			if (ptrace_traceme() != 0)
				_exit(SUBJ_NO_TRACEME);
			raise(SIGSTOP);
		}
		alarm(SCENARIO_ALARM * opt.timeout_factor);
		if (emu && *emu)
			execvp(emu, argv);
		else
			execv(self, argv);
		dprintf(1, "!exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (trace)
		trace_to_end(pid, o);
	else
		while (waitpid(pid, &o->status, 0) < 0 && errno == EINTR)
			;
	lseek(fd, 0, SEEK_SET);
	while (len + 1 < sizeof o->text && (r = read(fd, o->text + len, sizeof o->text - 1 - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		len += (size_t)r;
	}
	o->text[len] = '\0';
	fclose(tf);
	if (core_dir[0])
		remove_dir(core_dir);
	if (!strncmp(o->text, "!exec ", 6)) {
		snprintf(o->why, sizeof o->why, "cannot run itself (qemu-user without binfmt_misc, and no "
			 "COPYMC_CONFORMANCE_EMULATOR?): %.200s", o->text + 6);
		return -1;
	}
	return 0;
}

/* The first record starting with tag, or NULL; its text (to the newline) in buf. */
static const char *find_rec(const struct outcome *o, const char *tag, char *buf, size_t n)
{
	size_t tl = strlen(tag);

	for (const char *p = o->text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (!strncmp(p, tag, tl)) {
			const char *e = strchr(p, '\n');
			size_t m = e ? (size_t)(e - p) : strlen(p);

			if (m - tl >= n)
				m = n - 1 + tl;
			memcpy(buf, p + tl, m - tl);
			buf[m - tl] = '\0';
			return buf;
		}
	}
	return NULL;
}

/* The compared records: every line not starting with # ! or ~. */
static size_t compared_lines(const struct outcome *o, const char **lines, size_t max)
{
	size_t n = 0;

	for (const char *p = o->text; *p && n < max; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (*p != '#' && *p != '!' && *p != '~' && *p != '\n')
			lines[n++] = p;
	return n;
}

static size_t line_len(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? (size_t)(e - p) : strlen(p);
}

static int count_tilde(const struct outcome *o)
{
	int n = 0;

	for (const char *p = o->text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += *p == '~';
	return n;
}

/* Both runs' records, for a diagnostic. */
static void dump(char *buf, size_t n, const struct outcome *wo, const struct outcome *w)
{
	const struct outcome *os[2] = { wo, w };
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2 && o < n; i++) {
		const char *lines[16];
		size_t nl = compared_lines(os[i], lines, 16);
		char st[100];

		o += (size_t)snprintf(buf + o, n - o, "%s the library (%s):", i ? "with" : "without",
				      status_str(os[i]->status, st, sizeof st));
		for (size_t j = 0; j < nl && o < n; j++)
			o += (size_t)snprintf(buf + o, n - o, "\n  %.*s", (int)line_len(lines[j]), lines[j]);
		if (o < n && i == 0)
			o += (size_t)snprintf(buf + o, n - o, "\n");
	}
}

/* How a run ended, for comparing: exit status, or signal and core flag. */
static int same_end(int a, int b)
{
	if (WIFEXITED(a) && WIFEXITED(b))
		return WEXITSTATUS(a) == WEXITSTATUS(b);
	if (WIFSIGNALED(a) && WIFSIGNALED(b))
		return WTERMSIG(a) == WTERMSIG(b) && !WCOREDUMP(a) == !WCOREDUMP(b);
	return 0;
}

static const char *end_str(int st, char *buf, size_t n)
{
	status_str(st, buf, n);
	if (WIFSIGNALED(st))
		strncat(buf, WCOREDUMP(st) ? " (core dumped)" : " (no core)", n - strlen(buf) - 1);
	return buf;
}

struct expect {
	const char *what;	/* the scenario, in words */
	int sig;		/* without the library it dies of sig, */
	int exit_code;		/* or (sig 0) exits with this */
	int trace;		/* single-threaded: ptrace watches its fatal signal */
	int code_point;		/* where the fatal si_code is checked; -1: the same point */
	int need_code;		/* code_point is about the si_code only: skip it without ptrace */
	int max_calls;		/* > 0: its "~" records are counted, at most this many */
};

/* The without run is usable as the reference; else the point is skipped or failed. */
static int reference_ok(int k, const struct expect *x, const struct outcome *wo)
{
	char buf[400], st[120];

	if (find_rec(wo, "!skip ", buf, sizeof buf)) {
		skip(k, "%s (without the library)", buf);
		if (x->code_point >= 0)
			skip(x->code_point, "%s (without the library)", buf);
		return 0;
	}
	if (find_rec(wo, "!bad ", buf, sizeof buf)) {
		fail(k, "%s\nexpected the scenario to set up without the library, got: %s", x->what, buf);
		return 0;
	}
	int ok = x->sig ? WIFSIGNALED(wo->status) && WTERMSIG(wo->status) == x->sig
			: WIFEXITED(wo->status) && WEXITSTATUS(wo->status) == x->exit_code;
	if (x->max_calls > 0 && count_tilde(wo) > x->max_calls) {
		snprintf(st, sizeof st, "its handler ran %d times, more than %d", count_tilde(wo), x->max_calls);
		ok = 0;
	} else {
		end_str(wo->status, st, sizeof st);
	}
	if (ok)
		return 1;
	if (emulated())
		skip(k, "under the emulator, %s ended without the library: %s, not as the kernel does (%s %s)", x->what,
		     st, x->sig ? "killed by" : "exit status", x->sig ? sig_str(x->sig) : "as expected");
	else
		fail(k, "%s\nexpected the run without the library to end %s%s, got: %s (the test's assumption is wrong "
		     "here)", x->what, x->sig ? "killed by " : "with exit status ",
		     x->sig ? sig_str(x->sig) : x->exit_code == 0 ? "0" : "other", st);
	return 0;
}

/* Point k: the run with the library ended as the run without it. */
static void compare(int k, const struct expect *x, const struct outcome *wo, const struct outcome *w)
{
	char buf[400], st0[120], st1[120], d[1600];
	const char *a[64], *b[64];
	size_t na, nb;
	int kc = x->code_point >= 0 ? x->code_point : k;

	if (find_rec(w, "!bad ", buf, sizeof buf)) {
		char all[1200];
		size_t o = 0;

		all[0] = '\0';
		for (const char *p = w->text; *p && o < sizeof all; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
			if (!strncmp(p, "!bad ", 5))
				o += (size_t)snprintf(all + o, sizeof all - o, "%s%.*s", o ? "\n" : "", (int)line_len(p + 5),
						      p + 5);
		fail(k, "%s, with the library\n%s", x->what, all);
	}
	if (find_rec(w, "!skip ", buf, sizeof buf))
		fail(k, "%s\nexpected the run with the library to set up as without it, got: %s", x->what, buf);
	dump(d, sizeof d, wo, w);
	if (!same_end(wo->status, w->status)) {
		fail(k, "%s\nexpected the process to end as without the library: %s, got: %s%s\n%s", x->what,
		     end_str(wo->status, st0, sizeof st0), end_str(w->status, st1, sizeof st1),
		     WIFEXITED(w->status) && WEXITSTATUS(w->status) == 97 ? " (a chaining handler ran 50 times)" : "",
		     d);
		return;		/* the records are in the diagnostic */
	}
	na = compared_lines(wo, a, 64);
	nb = compared_lines(w, b, 64);
	for (size_t i = 0; i < na || i < nb; i++) {
		if (i < na && i < nb && line_len(a[i]) == line_len(b[i]) && !memcmp(a[i], b[i], line_len(a[i])))
			continue;
		fail(k, "%s\nexpected the program to see what it sees without the library: record %zu: \"%.*s\", "
		     "got: \"%.*s\"\n%s", x->what, i + 1, i < na ? (int)line_len(a[i]) : 6, i < na ? a[i] : "(none)",
		     i < nb ? (int)line_len(b[i]) : 6, i < nb ? b[i] : "(none)", d);
		break;
	}
	if (x->max_calls > 0 && count_tilde(w) > x->max_calls)
		fail(k, "%s\nexpected the handler to run at most %d time(s) in total, as without the library, got %d",
		     x->what, x->max_calls, count_tilde(w));

	/* The fatal signal's si_code, from the tracer. */
	if (x->trace && wo->traced && w->traced) {
		if (WIFSIGNALED(wo->status) && WIFSIGNALED(w->status) && wo->have_last && w->have_last &&
		    wo->last.si_signo == WTERMSIG(wo->status) && w->last.si_signo == WTERMSIG(w->status) &&
		    (wo->last.si_signo != w->last.si_signo || wo->last.si_code != w->last.si_code)) {
			char c0[40];

			snprintf(c0, sizeof c0, "%s", code_str(wo->last.si_signo, wo->last.si_code));
			fail(kc, "%s\nexpected the fatal signal to be %s %s as without the library, got %s %s", x->what,
			     sig_str(wo->last.si_signo), c0, sig_str(w->last.si_signo),
			     code_str(w->last.si_signo, w->last.si_code));
		} else if (x->need_code && !(WIFSIGNALED(w->status) && w->have_last)) {
			fail(kc, "%s\nexpected the tracer to see the fatal signal, got: %s", x->what,
			     end_str(w->status, st1, sizeof st1));
		}
	} else if (x->need_code) {
		skip(kc, "%s", !plat.ptrace_ok ? plat.ptrace_why : "the tracer could not follow the scenario");
	}
}

/* Print a run's notes as TAP comments. */
static void notes(const char *who, const struct outcome *o)
{
	for (const char *p = o->text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (*p == '#')
			note("  %s: %.*s", who, (int)line_len(p + 1), p + 1);
}

/* Point k: scen without the library, then with it, compared. */
static void pair(int k, const struct case_ctx *c, const char *scen, const struct expect *x)
{
	struct outcome *wo = malloc(sizeof *wo), *w = malloc(sizeof *w);
	int trace = x->trace && plat.ptrace_ok;

	if (!wo || !w) {
		fail(k, "setup: out of memory");
		free(wo);
		free(w);
		return;
	}
	static int said;
	const char *why;

	if (!said++) {
		cores_possible(&why);
		note("core flag: %s; fatal si_code: %s", why, plat.ptrace_ok ? "seen by ptrace in single-threaded "
		     "scenarios" : plat.ptrace_why);
	}
	progress("scenario %zu", (size_t)k, 0, 0, 0);
	if (run_scenario(c->backend, scen, 0, trace, wo) != 0) {
		skip(k, "%s", wo->why);
		if (x->code_point >= 0)
			skip(x->code_point, "%s", wo->why);
	} else if (reference_ok(k, x, wo)) {
		if (run_scenario(c->backend, scen, 1, trace, w) != 0) {
			fail(k, "%s\nexpected the run with the library to start as the one without it did, got: %s",
			     x->what, w->why);
			if (x->code_point >= 0)
				fail(x->code_point, "%s: the run with the library did not start", x->what);
		} else {
			compare(k, x, wo, w);
			notes("without", wo);
			notes("with", w);
		}
	} else if (x->code_point >= 0 && failed(k)) {
		fail(x->code_point, "%s: the run without the library is no reference (see the point before)", x->what);
	}
	free(wo);
	free(w);
}

/* ---- the cases ---- */

static void sainfo(const struct case_ctx *c)
{
	struct expect x0 = { "SIGBUS SIG_DFL with SA_SIGINFO, then raise(SIGBUS)", SIGBUS, 0, 1, -1, 0, 0 };
	struct expect x1 = { "an SA_RESETHAND SIGBUS handler that fired once, then raise(SIGBUS)", SIGBUS, 0, 1, -1, 0, 0 };
	struct expect x2 = { "SIGSEGV and SIGBUS SIG_IGN with SA_SIGINFO, then kill(getpid(), SIGSEGV) and SIGBUS", 0, 0,
			     1, -1, 0, 0 };

	pair(0, c, "sainfo-dfl-raise", &x0);
	pair(1, c, "resethand-fired", &x1);
	pair(2, c, "sainfo-ign-kill", &x2);
}

static void chain(const struct case_ctx *c)
{
	static const char *const after[] = { "nothing after H", "copy_mc_set_backend() after H",
					      "a second copy_mc_init() after H" };
	char scen[64], what[200];

	for (int i = 0; i < 3; i++) {
		struct expect x = { what, SIGSEGV, 0, 1, -1, 0, 0 };

		snprintf(what, sizeof what, "H %s, installed after the library; %s; a NULL read",
			 c->param ? "restores its predecessor and re-raises (SA_NODEFER)" : "calls its predecessor",
			 after[i]);
		snprintf(scen, sizeof scen, "%s:%d", c->param ? "chain-reraise" : "chain-call", i);
		pair(i, c, scen, &x);
	}
}

static void seccomp(const struct case_ctx *c)
{
	struct expect x0 = { "a seccomp filter refusing rt_tgsigqueueinfo, SIGSEGV SIG_DFL, kill(getpid(), SIGSEGV)",
			     SIGSEGV, 0, 1, -1, 0, 0 };
	struct expect x1 = { "a seccomp filter refusing rt_tgsigqueueinfo, SIGSEGV SIG_DFL, a NULL read", SIGSEGV, 0, 1,
			     2, 1, 0 };

	pair(0, c, "seccomp:0", &x0);
	pair(1, c, "seccomp:1", &x1);
}

static void altstack(const struct case_ctx *c)
{
	struct expect x0 = { "an alternate stack of AT_MINSIGSTKSZ + MINSIGSTKSZ bytes above a guard page", 0, 0, 1, -1,
			     0, 0 };
	struct expect x1 = { "an SS_AUTODISARM alternate stack of AT_MINSIGSTKSZ + MINSIGSTKSZ bytes above a guard page",
			     0, 0, 1, -1, 0, 0 };

	pair(0, c, "altstack:0", &x0);
	pair(1, c, "altstack:1", &x1);
}

static void no_onstack(const struct case_ctx *c)
{
	struct expect x = { "a SIGSEGV handler without SA_ONSTACK, an alternate stack set, a read of a PROT_NONE page", 0,
			    0, 1, -1, 0, 0 };

	pair(0, c, "no-onstack", &x);
}

static void handler_errno(const struct case_ctx *c)
{
	struct expect x = { "a SIGSEGV handler that sets errno to 77, a read of a PROT_NONE page", 0, 0, 1, -1, 0, 0 };

	pair(0, c, "errno", &x);
}

static void ign_eintr(const struct case_ctx *c)
{
	struct expect x = { "SIGBUS SIG_IGN, read() on a pipe, kill(getpid(), SIGBUS) from another thread", 0, 0, 0, -1,
			    0, 0 };

	if (!plat.procsig_ok[0]) {
		skip(0, "%s", plat.procsig_why[0]);
		return;
	}
	pair(0, c, "ign-eintr", &x);
}

/* Ended as without the library, with the same records (compare() says how not). */
static int same_as(const struct outcome *wo, const struct outcome *w)
{
	const char *a[64], *b[64];
	size_t na = compared_lines(wo, a, 64), nb = compared_lines(w, b, 64);
	char buf[8];

	if (!same_end(wo->status, w->status) || na != nb || find_rec(w, "!", buf, sizeof buf))
		return 0;
	for (size_t i = 0; i < na; i++)
		if (line_len(a[i]) != line_len(b[i]) || memcmp(a[i], b[i], line_len(a[i])))
			return 0;
	return 1;
}

static void overflow(const struct case_ctx *c)
{
	static const char base_what[] = "a stack overflow in a copy on a thread stack above a guard page, an "
					"SA_ONSTACK SIGSEGV handler that _exit()s";
	const char *base = c->e == &entry_to_user ? "overflow-user" : "overflow-kernel";
	struct expect x = { base_what, 0, 0, 0, -1, 0, 0 };
	/*
	 * Every 16 bytes (alloca's granule) near the guard, where a small
	 * frame overflows; coarser above, where only a large one does.
	 */
	size_t near = emulated() && opt.quick ? 64 : 256, last = 1280;
	size_t step = emulated() ? (opt.quick ? 512 : 64) : opt.quick ? 64 : 16;
	struct outcome *ref = malloc(sizeof *ref), *w = malloc(sizeof *w);
	char scen[64], what[300];
	int n = 0, differ = 0, inside = 0;

	if (!ref || !w) {
		fail(0, "setup: out of memory");
		goto out;
	}
	/* Without the library the outcome does not depend on the offset: check a few. */
	for (size_t off = 0; off <= last; off += opt.quick ? last + 1 : last / 2) {
		snprintf(scen, sizeof scen, "%s:%zu", base, off);
		if (run_scenario(c->backend, scen, 0, 0, off ? w : ref) != 0) {
			skip(0, "%s", (off ? w : ref)->why);
			goto out;
		}
		if (!reference_ok(0, &x, off ? w : ref))
			goto out;
		if (off && !same_as(ref, w)) {
			fail(0, "%s\nexpected the runs without the library to agree at depth offsets 0 and %zu, got:\n%s\n%s",
			     x.what, off, ref->text, w->text);
			goto out;
		}
	}
	for (size_t off = 0; off <= last; off += off < near ? 16 : step) {
		progress("depth offset %zu", off, 0, 0, 0);
		snprintf(scen, sizeof scen, "%s:%zu", base, off);
		if (run_scenario(c->backend, scen, 1, 0, w) != 0) {
			fail(0, "%s\nexpected the run with the library to start, got: %s", base_what, w->why);
			break;
		}
		n++;
		inside += strstr(w->text, "#in the copy") != NULL;
		if (same_as(ref, w))
			continue;
		if (differ++ == 0) {
			snprintf(what, sizeof what, "%s; the call with %zu bytes of stack left", base_what, off);
			x.what = what;
			compare(0, &x, ref, w);
			notes("with", w);
		}
	}
	note("%d depth offsets (0..%zu step 16, then %zu..%zu step %zu); the overflow hit during the copy's call at %d of them; %d "
	     "ended otherwise than without the library", n, near, near, last, step, inside, differ);
out:
	free(ref);
	free(w);
}

static void tbi(const struct case_ctx *c)
{
	struct expect x = { "top-byte-tagged src and dst pointers (aarch64 TBI)", 0, 0, 1, -1, 0, 0 };

#if !defined(__aarch64__)
	(void)c;
	(void)x;
	skip(0, "top-byte ignore (TBI) exists on aarch64 only");
#else
	pair(0, c, "tbi", &x);
#endif
}

static void race(const struct case_ctx *c)
{
	struct expect x = { "an SA_RESETHAND SIGSEGV handler, two threads reading NULL at once", SIGSEGV, 0, 0, -1, 0, 1 };
	struct outcome *ref = malloc(sizeof *ref), *w = malloc(sizeof *w);
	/* The library's window is a few instructions wide: many tries. */
	int tries = emulated() ? (opt.quick ? 2 : 4) : opt.quick ? 10 : 60, twice = 0, n = 0;

	if (!ref || !w) {
		fail(0, "setup: out of memory");
		goto out;
	}
	if (run_scenario(c->backend, "resethand-race", 0, 0, ref) != 0) {
		skip(0, "%s", ref->why);
		goto out;
	}
	if (!reference_ok(0, &x, ref))
		goto out;
	for (int i = 0; i < tries; i++) {
		progress("try %zu", (size_t)i, 0, 0, 0);
		if (run_scenario(c->backend, "resethand-race", 1, 0, w) != 0) {
			fail(0, "%s\nexpected the run with the library to start, got: %s", x.what, w->why);
			break;
		}
		n++;
		if (same_as(ref, w) && count_tilde(w) <= x.max_calls)
			continue;
		if (twice++ == 0)
			compare(0, &x, ref, w);
	}
	note("%d tries; %d ended otherwise than without the library", n, twice);
out:
	free(ref);
	free(w);
}

const struct case_def cases_coexist[] = {
	{ "a previous action with SA_SIGINFO and sa_handler SIG_DFL or SIG_IGN",
	  { "SIG_DFL: raise(SIGBUS) dies of SIGBUS, as without the library",
	    "an SA_RESETHAND handler that fired (the kernel keeps SA_SIGINFO): raise(SIGBUS) dies of SIGBUS",
	    "SIG_IGN: kill()-sent SIGSEGV and SIGBUS are ignored, as without the library" },
	  sainfo, 0, 0, NULL },
	{ "a chaining handler H installed after the library, calling its predecessor",
	  { "a NULL read runs H once and dies of SIGSEGV, as without the library",
	    "the same after copy_mc_set_backend() (which must not install the handler again)",
	    "the same after a second copy_mc_init() (installed on top again, without a cycle)" },
	  chain, 0, 0, NULL },
	{ "a chaining handler H installed after the library, restoring its predecessor and re-raising",
	  { "a NULL read runs H once and dies of SIGSEGV, as without the library",
	    "the same after copy_mc_set_backend() (which must not install the handler again)",
	    "the same after a second copy_mc_init() (installed on top again, without a cycle)" },
	  chain, 0, 1, NULL },
	{ "a seccomp filter refusing rt_tgsigqueueinfo",
	  { "kill(getpid(), SIGSEGV) under SIG_DFL dies of SIGSEGV, not lost",
	    "a NULL read under SIG_DFL dies of SIGSEGV, core flag as without the library",
	    "a NULL read under SIG_DFL: the fatal signal has the si_code it has without the library (ptrace)" },
	  seccomp, 0, 0, NULL },
	{ "an alternate stack of exactly AT_MINSIGSTKSZ + MINSIGSTKSZ bytes above a guard page",
	  { "recovered faulting copies and a pass-on to an SA_ONSTACK handler fit on it",
	    "SS_AUTODISARM: the same, and it is still armed after a recovered fault" },
	  altstack, 0, 0, NULL },
	{ "a previous handler registered without SA_ONSTACK, an alternate stack set",
	  { "runs on the normal stack, as without the library" }, no_onstack, 0, 0, NULL },
	{ "a previous handler that changes errno",
	  { "the interrupted code sees errno as the handler left it, as without the library" }, handler_errno, 0, 0,
	  NULL },
	{ "SIG_IGN for SIGBUS",
	  { "a read() blocked on a pipe is not interrupted (no EINTR) by a kill()-sent SIGBUS from another thread" },
	  ign_eintr, 0, 0, NULL },
	{ "a stack overflow in a copy, with the program's SA_ONSTACK SIGSEGV handler",
	  { "reaches that handler at every depth offset, as without the library" }, overflow, PER_ENTRY, 0, NULL },
	{ "top-byte-tagged src and dst pointers (aarch64)",
	  { "a fault through a tagged pointer is recovered with the exact count" }, tbi, 0, 0, NULL },
	{ "an SA_RESETHAND previous handler, two threads faulting at once",
	  { "it runs at most once in total, then the process dies of SIGSEGV, as without the library" },
	  race, 0, 0, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
