/*
 * cases_chain.c - what is not the library's is PASSED ON: to the handler
 * installed before it (called as registered: SA_SIGINFO or not, its
 * sa_mask, SA_NODEFER, SA_RESETHAND), to a handler that displaced it once
 * copy_mc_init() reinstalls on top, through copy_mc_handle_signal() for
 * programs that own the signals, and as the kernel would for SIG_IGN.  The
 * faults of running copies are still recovered and never reach them.
 */
#include "conformance.h"

#include <copymc.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char *volatile null_pointer;

/* What the handler under test saw, and where to go back to. */
static sigjmp_buf back;
static volatile int calls, got_sig;
static siginfo_t got;
static sigset_t got_mask;
static void *volatile expect_stack_lo, *volatile expect_stack_hi;
static volatile int on_alt_stack;

static void record_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	calls++;
	got_sig = sig;
	got = *si;
	sigprocmask(SIG_SETMASK, NULL, &got_mask);
	if (expect_stack_lo) {
		char here;
		on_alt_stack = (void *)&here >= expect_stack_lo && (void *)&here < expect_stack_hi;
	}
	siglongjmp(back, 1);
}

static void record_plain(int sig)
{
	calls++;
	got_sig = sig;
	sigprocmask(SIG_SETMASK, NULL, &got_mask);
	siglongjmp(back, 1);
}

static void install(int sig, int flags, void (*info)(int, siginfo_t *, void *), void (*plain)(int),
		    const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = info;
	else
		sa.sa_handler = plain;
	sa.sa_flags = flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void unblock_all(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* One copy with a src fault at byte p of len: exact, and no other handler runs. */
static void recover_one(int k, const char *when, const struct entry *e, const struct area *src,
			const struct area *dst, size_t len, size_t p)
{
	const unsigned char *s = src->edge - p;
	size_t r, d;

	if (sigsetjmp(back, 1) != 0) {
		fail(k, "%s: %s with a src fault at byte %zu of %zu\nexpected the copy to recover, got a "
		     "call of the other handler (%s)", when, e->name, p, len, sig_str(got_sig));
		return;
	}
	r = e->copy(dst->lo, s, len);
	if (r != len - p)
		fail(k, "%s: %s with a src fault at byte %zu of %zu\nexpected r == %zu, got %zu", when, e->name, p,
		     len, len - p, r);
	else if ((d = first_diff(dst->lo, s, p)) < p)
		fail(k, "%s: %s with a src fault at byte %zu of %zu\nexpected dst[%zu] == 0x%02x, got 0x%02x", when,
		     e->name, p, len, d, s[d], dst->lo[d]);
}

/* Faulting copies from a PROT_NONE source, both entry points: exact, unseen by others. */
static void copies_recover(int k, const char *when)
{
	static const size_t shapes[][2] = { { 1, 0 }, { 64, 1 }, { 100, 37 }, { 4097, 4096 }, { 300, 299 } };
	static const struct entry *const es[] = { &entry_to_kernel, &entry_to_user };
	struct area src, dst;
	char why[200];
	int before = calls;

	if (area_make(&src, F_PROT_NONE, 2 * plat.page, 2 * plat.page, why, sizeof why) != 0 ||
	    area_make(&dst, F_NONE, 2 * plat.page, 0, why, sizeof why) != 0) {
		fail(k, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, 99);
	for (size_t j = 0; j < 2; j++)
		for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
			recover_one(k, when, es[j], &src, &dst, shapes[i][0], shapes[i][1]);
	if (calls != before)
		fail(k, "%s: expected the other handler never to see a recovered fault, got %d calls", when,
		     calls - before);
	area_free(&src);
	area_free(&dst);
}

/* A NULL read; returns 1 if the handler under test ran (and jumped back). */
static int null_read(void)
{
	if (sigsetjmp(back, 1) == 0) {
		read_byte(null_pointer);
		return 0;
	}
	return 1;
}

static void check_null_info(int k, const char *who)
{
	if (got_sig != SIGSEGV || got.si_signo != SIGSEGV || got.si_code != SEGV_MAPERR || got.si_addr != NULL)
		fail(k, "%s\nexpected the original siginfo SIGSEGV SEGV_MAPERR si_addr NULL, got %s (si_signo %d) %s si_addr %p",
		     who, sig_str(got_sig), got.si_signo, code_str(got.si_signo, got.si_code), got.si_addr);
}

/* ---- an SA_SIGINFO handler installed before copy_mc_init() ---- */

static void before_init_siginfo(const struct case_ctx *c)
{
	struct area a;
	char why[200];

	(void)c;
	unblock_all();
	install(SIGSEGV, SA_SIGINFO, record_info, NULL, NULL);
	install(SIGBUS, SA_SIGINFO, record_info, NULL, NULL);
	if (copy_mc_init() != 0)
		fail(0, "copy_mc_init: expected 0, got -1 (%s)", strerror(errno));
	copies_recover(0, "with an SA_SIGINFO handler installed before");

	calls = 0;
	if (!null_read() || calls != 1)
		fail(1, "a NULL read outside any copy\nexpected one call of the previous handler, got %d", calls);
	else
		check_null_info(1, "a NULL read outside any copy");

	if (platform_bus_unusable()) {
		skip(2, "%s", platform_bus_unusable());
		return;
	}
	if (area_make(&a, F_EOF, plat.page, plat.page, why, sizeof why) != 0) {
		fail(2, "setup: %s", why);
		return;
	}
	calls = 0;
	if (sigsetjmp(back, 1) == 0) {
		read_byte((a.edge + 5));
		fail(2, "a read beyond EOF returned");
	} else if (calls != 1 || got_sig != SIGBUS || got.si_code != BUS_ADRERR ||
		   (uintptr_t)got.si_addr / plat.page != (uintptr_t)(a.edge + 5) / plat.page) {
		fail(2, "a read beyond EOF outside any copy\nexpected one call with SIGBUS BUS_ADRERR si_addr %p, got %d "
		     "calls, %s %s si_addr %p", (void *)(a.edge + 5), calls, sig_str(got_sig),
		     code_str(got_sig, got.si_code), got.si_addr);
	}
	area_free(&a);
}

/* ---- a plain (non-SA_SIGINFO) handler ---- */

static void before_init_plain(const struct case_ctx *c)
{
	(void)c;
	unblock_all();
	install(SIGSEGV, 0, NULL, record_plain, NULL);
	copy_mc_init();
	copies_recover(0, "with a plain handler installed before");
	calls = 0;
	if (!null_read() || calls != 1 || got_sig != SIGSEGV)
		fail(0, "a NULL read outside any copy\nexpected one call of the plain handler with SIGSEGV, got %d "
		     "calls, signal %d", calls, got_sig);
}

/* ---- its sa_mask and SA_NODEFER ---- */

static int mask_subject(void *p)
{
	int nodefer = *(int *)p;
	sigset_t mask;
	int bad = 0;

	unblock_all();
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	install(SIGSEGV, SA_SIGINFO | (nodefer ? SA_NODEFER : 0), record_info, NULL, &mask);
	copy_mc_init();
	copies_recover(0, "with a handler with an sa_mask installed before");
	calls = 0;
	if (!null_read() || calls != 1) {
		fail(0, "a NULL read outside any copy: expected one call of the previous handler, got %d", calls);
		return SUBJ_FAILED;
	}
	const struct { int sig, blocked; const char *why; } want[] = {
		{ SIGUSR1, 1, "it is in the handler's sa_mask" },
		{ SIGUSR2, 0, "it is not in the handler's sa_mask" },
		{ SIGSEGV, !nodefer, nodefer ? "the handler has SA_NODEFER" : "the handler has no SA_NODEFER" },
		{ SIGBUS, 0, "it is not in the handler's sa_mask" },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (sigismember(&got_mask, want[i].sig) != want[i].blocked) {
			fail(0, "while the previous handler (%s) runs\nexpected %s %s (%s), got it %s",
			     nodefer ? "SA_NODEFER" : "no SA_NODEFER", sig_str(want[i].sig),
			     want[i].blocked ? "blocked" : "not blocked", want[i].why,
			     want[i].blocked ? "not blocked" : "blocked");
			bad = 1;
		}
	return bad ? SUBJ_FAILED : SUBJ_OK;
}

static void mask_honoured(const struct case_ctx *c)
{
	struct subject_result res;
	char st[120];
	int nodefer = c->param;

	subject_run(mask_subject, &nodefer, &res);
	if (!WIFEXITED(res.status) || (WEXITSTATUS(res.status) != SUBJ_OK && WEXITSTATUS(res.status) != SUBJ_FAILED))
		fail(0, "expected the child to finish its checks, got: %s", status_str(res.status, st, sizeof st));
}

/* ---- SA_RESETHAND ---- */

static volatile int *step;

static int resethand_subject(void *p)
{
	(void)p;
	unblock_all();
	install(SIGSEGV, SA_SIGINFO | SA_RESETHAND, record_info, NULL, NULL);
	copy_mc_init();
	*step = 1;
	calls = 0;
	if (!null_read() || calls != 1) {
		fail(0, "the first NULL read: expected one call of the SA_RESETHAND handler, got %d", calls);
		return SUBJ_FAILED;
	}
	*step = 2;
	copies_recover(0, "after the SA_RESETHAND handler ran once");
	*step = 3;
	if (null_read())
		fail(0, "the second NULL read\nexpected death by SIGSEGV (the handler was reset to SIG_DFL), got a "
		     "second call of the SA_RESETHAND handler");
	return SUBJ_FAILED;
}

/* ---- SIG_IGN ---- */

static int ignored_subject(void *p)
{
	(void)p;
	unblock_all();
	signal(SIGSEGV, SIG_IGN);
	signal(SIGBUS, SIG_IGN);
	copy_mc_init();
	*step = 1;
	kill(getpid(), SIGSEGV);
	*step = 2;
	kill(getpid(), SIGBUS);
	*step = 3;
	copies_recover(0, "with SIGSEGV ignored before");
	*step = 4;
	read_byte(null_pointer);
	fail(0, "a NULL read with SIGSEGV ignored before\nexpected death by SIGSEGV (a synchronous fault is "
	     "delivered as if SIG_DFL), got the program running on");
	return SUBJ_SURVIVED;
}

static void dies_at_last_step(const struct case_ctx *c)
{
	static const char *const steps[2][5] = {
		{ "setting up", "the first NULL read (reaching the handler)", "copies after the handler was reset",
		  "the second NULL read", "" },
		{ "setting up", "kill(getpid(), SIGSEGV), which must be ignored",
		  "kill(getpid(), SIGBUS), which must be ignored", "copies with faults", "the NULL read" },
	};
	int last = c->param ? 4 : 3;
	struct subject_result res;

	step = mmap(NULL, sizeof *step, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (step == MAP_FAILED) {
		fail(0, "setup: mmap: %s", strerror(errno));
		return;
	}
	*step = 0;
	subject_run(c->param ? ignored_subject : resethand_subject, NULL, &res);
	if (*step != last) {
		char st[120];
		fail(0, "expected the child to reach %s and die there, got: %s at %s", steps[c->param][last],
		     status_str(res.status, st, sizeof st), steps[c->param][*step]);
	} else {
		expect_death(0, c->param ? "SIG_IGN installed before" : "an SA_RESETHAND handler installed before",
			     &res, SIGSEGV);
	}
	munmap((void *)step, sizeof *step);
}

/* ---- a handler that displaced the library's, then copy_mc_init() ---- */

static void displaced(const struct case_ctx *c)
{
	(void)c;
	unblock_all();
	if (copy_mc_init() != 0)
		fail(0, "copy_mc_init: expected 0, got -1 (%s)", strerror(errno));
	install(SIGSEGV, SA_SIGINFO, record_info, NULL, NULL);
	if (copy_mc_init() != 0)
		fail(0, "copy_mc_init after being displaced: expected 0, got -1 (%s)", strerror(errno));
	copies_recover(0, "after copy_mc_init() reinstalled the library on top");
	calls = 0;
	if (!null_read() || calls != 1)
		fail(0, "a NULL read outside any copy\nexpected one call of the displacing handler, got %d", calls);
	else
		check_null_info(0, "a NULL read outside any copy, passed on to the displacing handler");
}

/* ---- copy_mc_handle_signal() from a program's own handler ---- */

static volatile int handle_said_ours;

static void owner_handler(int sig, siginfo_t *si, void *uc)
{
	if (copy_mc_handle_signal(sig, si, uc)) {
		handle_said_ours++;
		return;		/* the context resumes at the fixup */
	}
	record_info(sig, si, uc);
}

static void handle_signal(const struct case_ctx *c)
{
	(void)c;
	unblock_all();
	copy_mc_init();
	install(SIGSEGV, SA_SIGINFO, owner_handler, NULL, NULL);
	install(SIGBUS, SA_SIGINFO, owner_handler, NULL, NULL);
	copies_recover(0, "with copy_mc_handle_signal() called from the program's own handler");
	calls = 0;
	if (!null_read() || calls != 1)
		fail(1, "a NULL read outside any copy\nexpected copy_mc_handle_signal to return 0 and the program's "
		     "handler to go on, got %d calls", calls);
	else
		check_null_info(1, "a NULL read outside any copy");
}

/* ---- SA_ONSTACK: a stack overflow still reaches a handler on the alternate stack ---- */

static int depth_limit = 1 << 30;

static int recurse(int n)
{
	volatile char buf[512];

	buf[0] = (char)n;
	if (n >= depth_limit)
		return buf[0];
	return recurse(n + 1) + buf[0];
}

static void *overflow_thread(void *p)
{
	stack_t ss;
	static char alt[64 * 1024];

	(void)p;
	ss.ss_sp = alt;
	ss.ss_size = sizeof alt;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		fail(0, "setup: sigaltstack: %s", strerror(errno));
		return NULL;
	}
	expect_stack_lo = alt;
	expect_stack_hi = alt + sizeof alt;
	calls = 0;
	if (sigsetjmp(back, 1) == 0) {
		recurse(0);
		fail(0, "the recursion returned");
	}
	return NULL;
}

static int onstack_subject(void *p)
{
	pthread_attr_t attr;
	pthread_t t;

	(void)p;
	unblock_all();
	install(SIGSEGV, SA_SIGINFO | SA_ONSTACK, record_info, NULL, NULL);
	copy_mc_init();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (pthread_create(&t, &attr, overflow_thread, NULL) != 0) {
		fail(0, "setup: pthread_create failed");
		return SUBJ_SETUP;
	}
	pthread_join(t, NULL);
	if (calls != 1 || got_sig != SIGSEGV)
		fail(0, "a stack overflow\nexpected one call of the previous SA_ONSTACK handler with SIGSEGV, got %d "
		     "calls", calls);
	else if (!on_alt_stack)
		fail(0, "a stack overflow\nexpected the previous handler to run on the alternate stack, got it elsewhere");
	return failed(0) ? SUBJ_FAILED : SUBJ_OK;
}

static void onstack(const struct case_ctx *c)
{
	struct subject_result res;
	char st[120];

	(void)c;
	subject_run(onstack_subject, NULL, &res);
	if (!WIFEXITED(res.status) || (WEXITSTATUS(res.status) != SUBJ_OK && WEXITSTATUS(res.status) != SUBJ_FAILED))
		fail(0, "a stack overflow with a previous SA_ONSTACK handler and an alternate stack\nexpected that "
		     "handler to run, got: %s (was the library's handler installed without SA_ONSTACK?)",
		     status_str(res.status, st, sizeof st));
}

/* ---- the handler itself: installed once, SA_SIGINFO | SA_ONSTACK, never swapped ---- */

static void installed_once(const struct case_ctx *c)
{
	static const int sigs[] = { SIGSEGV, SIGBUS };
	struct sigaction first[2], now;
	struct area src;
	unsigned char dst[200];
	char why[200];

	(void)c;
	if (copy_mc_init() != 0)
		fail(0, "copy_mc_init: expected 0, got -1 (%s)", strerror(errno));
	for (int i = 0; i < 2; i++) {
		sigaction(sigs[i], NULL, &first[i]);
		if ((first[i].sa_flags & (SA_SIGINFO | SA_ONSTACK)) != (SA_SIGINFO | SA_ONSTACK))
			fail(0, "the %s handler after copy_mc_init()\nexpected SA_SIGINFO | SA_ONSTACK, got sa_flags 0x%x",
			     sig_str(sigs[i]), (unsigned)first[i].sa_flags);
		if (!(first[i].sa_flags & SA_SIGINFO) || first[i].sa_sigaction == NULL)
			fail(0, "the %s handler after copy_mc_init()\nexpected the library's handler, got none",
			     sig_str(sigs[i]));
	}
	if (area_make(&src, F_PROT_NONE, plat.page, plat.page, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, 5);
	copy_mc_to_kernel(dst, src.lo, sizeof dst);
	copy_mc_to_user(dst, src.edge - 50, sizeof dst);
	copy_mc_to_kernel(dst, src.edge - 150, sizeof dst);
	copy_mc_init();
	for (int i = 0; i < 2; i++) {
		sigaction(sigs[i], NULL, &now);
		if (now.sa_sigaction != first[i].sa_sigaction || now.sa_flags != first[i].sa_flags)
			fail(0, "the %s handler after copies with and without faults\nexpected the same handler as after "
			     "copy_mc_init() (never swapped per call), got another (sa_flags 0x%x, was 0x%x)",
			     sig_str(sigs[i]), (unsigned)now.sa_flags, (unsigned)first[i].sa_flags);
	}
	area_free(&src);
}

const struct case_def cases_chain[] = {
	{ "the handler", { "installed once, process-wide, with SA_SIGINFO | SA_ONSTACK; never swapped per call" },
	  installed_once, 0, 0, NULL },
	{ "an SA_SIGINFO handler installed before copy_mc_init()",
	  { "faults of a running copy are still recovered exactly and never reach it",
	    "a NULL read outside any copy is passed on to it with the original siginfo (SIGSEGV SEGV_MAPERR, si_addr NULL)",
	    "a read beyond EOF outside any copy is passed on to it with the original siginfo (SIGBUS BUS_ADRERR)" },
	  before_init_siginfo, 0, 0, NULL },
	{ "a handler without SA_SIGINFO installed before copy_mc_init()",
	  { "is called as it was registered, with the signal number" }, before_init_plain, 0, 0, NULL },
	{ "a previous handler with sa_mask {SIGUSR1}", { "is called honouring its sa_mask (SIGSEGV blocked too)" },
	  mask_honoured, 0, 0, NULL },
	{ "a previous handler with SA_NODEFER", { "is called honouring SA_NODEFER (SIGSEGV not blocked)" },
	  mask_honoured, 0, 1, NULL },
	{ "a previous handler with SA_RESETHAND",
	  { "is called once, then SIG_DFL: the second NULL read dies of SIGSEGV; copies still recover" },
	  dies_at_last_step, 0, 0, NULL },
	{ "SIG_IGN installed before",
	  { "behaves as the kernel would: kill()-sent SIGSEGV/SIGBUS ignored, a synchronous fault dies as if SIG_DFL" },
	  dies_at_last_step, 0, 1, NULL },
	{ "a handler that displaced the library's",
	  { "copy_mc_init() installs the library again on top and passes on to it" }, displaced, 0, 0, NULL },
	{ "copy_mc_handle_signal() from the program's own handler",
	  { "a copy_mc fault: the copy recovers exactly",
	    "0 = not ours: a NULL read goes on to the program's handler with its siginfo" },
	  handle_signal, 0, 0, NULL },
	{ "a stack overflow with an alternate stack",
	  { "the handler is installed with SA_ONSTACK: the previous SA_ONSTACK handler runs on the alternate stack" },
	  onstack, 0, 0, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
