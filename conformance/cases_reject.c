/*
 * cases_reject.c - faults and signals the library must NOT recover.  Each
 * runs in a subject that must die of the original signal; when ptrace works
 * the fatal signal must also carry the original siginfo ("the observable
 * result must be the same as if the library were not loaded").  A subject
 * whose copy returns a short count instead exits with SUBJ_RECOVERED.
 */
#include "conformance.h"
#include "runner.h"

#include <copymc.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A subject's copy must not return: if it does, say how. */
struct copy_arg {
	const struct entry *e;
	void *dst;
	const void *src;
	size_t len;
	const char *what;
};

static int copy_subject(void *p)
{
	struct copy_arg *a = p;
	size_t r;

	copy_mc_init();
	subject_mark();
	r = a->e->copy(a->dst, a->src, a->len);
	if (r != 0) {
		fail(0, "%s: %s returned r == %zu (recovered a rejected fault)", a->what, a->e->name, r);
		return SUBJ_RECOVERED;
	}
	fail(0, "%s: %s returned 0: the copy never faulted", a->what, a->e->name);
	return SUBJ_SURVIVED;
}

/* ---- tracer-rewritten faults at a copy instruction ---- */

static const struct {
	int signo, code, move_addr;
	const char *what;
} injected_kinds[] = {
	{ SIGBUS, BUS_ADRALN, 0, "SIGBUS BUS_ADRALN (alignment check)" },
	{ SIGBUS, BUS_MCEERR_AO, 0, "SIGBUS BUS_MCEERR_AO (asynchronous poison report)" },
	{ SIGSEGV, SI_KERNEL, 1, "SIGSEGV SI_KERNEL (x86 #GP and friends), si_addr 0" },
	{ SIGSEGV, SI_KERNEL, 0, "SIGSEGV SI_KERNEL with si_addr inside the range" },
	{ SIGSEGV, SEGV_MTESERR, 0, "SIGSEGV SEGV_MTESERR (arm64 MTE tag check)" },
	{ SIGSEGV, SEGV_MTEAERR, 0, "SIGSEGV SEGV_MTEAERR (arm64 asynchronous MTE)" },
	{ SIGSEGV, SEGV_BNDERR, 0, "SIGSEGV SEGV_BNDERR (bounds)" },
	{ SIGSEGV, SEGV_CPERR, 0, "SIGSEGV SEGV_CPERR (shadow stack)" },
	{ SIGSEGV, SEGV_MAPERR, 2, "SIGSEGV SEGV_MAPERR with si_addr 0x1000, outside the copy's range" },
};

static void injected_reject(const struct case_ctx *c)
{
	int kind = c->param & 15, on_dst = c->param >> 4;	/* INJ_DST adds 16 */
	struct area src, dst;
	char why[200], what[300];
	const size_t len = 256, p = 100;
	struct rewrite rw = { SIGSEGV, injected_kinds[kind].signo, injected_kinds[kind].code,
			      injected_kinds[kind].move_addr != 0,
			      (void *)(uintptr_t)(injected_kinds[kind].move_addr == 2 ? 0x1000 : 0),
			      (int)plat.page_shift, 0, 0, NULL };
	struct subject_result res;

	if (!plat.ptrace_ok) {
		skip(0, "%s", plat.ptrace_why);
		return;
	}
	if (area_make(&src, on_dst ? F_NONE : F_PROT_NONE, 2 * plat.page, plat.page, why, sizeof why) != 0 ||
	    area_make(&dst, on_dst ? F_READONLY : F_NONE, 2 * plat.page, plat.page, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, c->seed);
	for (int j = on_dst; j < 2; j++) {
		const struct entry *e = j ? &entry_to_user : &entry_to_kernel;

		snprintf(what, sizeof what, "%s: a fault %s at byte %zu of %zu rewritten into %s", e->name,
			 on_dst ? "writing dst" : "reading src", p, len, injected_kinds[kind].what);
		struct copy_arg a = { e, on_dst ? dst.edge - p : dst.lo, on_dst ? src.lo : src.edge - p, len, what };
		if (subject_run_traced(copy_subject, &a, &rw, &res) != 0) {
			fail(0, "%s: the traced child did not run: %s", e->name, res.why);
			continue;
		}
		/*
		 * A rejected fault is seen once by the library; one that repeats
		 * is seen once more, as it comes back with SIG_DFL restored and
		 * kills.  Any other count means a retry of a rejected fault, or
		 * a fault passed on by some other means.
		 */
		int sig = injected_kinds[kind].signo, code = injected_kinds[kind].code;
		int want = (sig == SIGBUS && code == BUS_MCEERR_AO) ||
			   (sig == SIGSEGV && code == SEGV_MTEAERR) ? 1 : 2;
		if (res.rewritten != want)
			fail(0, "%s\nexpected the tracer to rewrite the fault %d time%s (%s), got %d", what,
			     want, want == 1 ? "" : "s",
			     want == 1 ? "it does not repeat: it is queued again"
				       : "once rejected, once more as it repeats with SIG_DFL",
			     res.rewritten);
		expect_death(0, what, &res, injected_kinds[kind].signo);
	}
	area_free(&src);
	area_free(&dst);
}

/* ---- x86_64: non-canonical pointer (#GP: SIGSEGV SI_KERNEL), EFLAGS.AC ---- */

#if defined(__x86_64__)
static void noncanonical(const struct case_ctx *c)
{
	struct area ok;
	char why[200];
	void *bad = (void *)(uintptr_t)0x8000000000000000ull;
	struct subject_result res;

	if (area_make(&ok, F_NONE, plat.page, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	struct copy_arg a = { c->e, c->param ? bad : ok.lo, c->param ? ok.lo : bad, 64,
			      c->param ? "dst 0x8000000000000000 (non-canonical)" : "src 0x8000000000000000 (non-canonical)" };
	subject_run_observed(copy_subject, &a, &res);
	expect_death(0, a.what, &res, SIGSEGV);
	if (res.traced && res.have_first && res.first.si_code != SI_KERNEL)
		note("%s: the kernel reported %s, not SI_KERNEL", a.what, code_str(SIGSEGV, res.first.si_code));
	area_free(&ok);
}

enum { SUBJ_NO_AC_FAULT = 94 };

static int ac_subject(void *p)
{
	struct copy_arg *a = p;
	unsigned char warm[64];
	size_t r;

	copy_mc_init();
	a->e->copy(warm, a->src, sizeof warm);
	/* Set EFLAGS.AC (below the red zone), copy, clear it. */
	__asm__ volatile("sub $128, %%rsp\n\tpushf\n\torl $0x40000, (%%rsp)\n\tpopf\n\tadd $128, %%rsp"
			 ::: "memory", "cc");
	r = a->e->copy(a->dst, a->src, a->len);
	__asm__ volatile("sub $128, %%rsp\n\tpushf\n\tandl $~0x40000, (%%rsp)\n\tpopf\n\tadd $128, %%rsp"
			 ::: "memory", "cc");
	if (r != 0) {
		fail(0, "%s: %s returned r == %zu (recovered a rejected fault)", a->what, a->e->name, r);
		return SUBJ_RECOVERED;
	}
	return SUBJ_NO_AC_FAULT;
}

static void alignment_check(const struct case_ctx *c)
{
	struct area src, dst;
	char why[200];
	struct subject_result res;

	if (!plat.ac_traps) {
		skip(0, "%s", plat.ac_why);
		return;
	}
	if (area_make(&src, F_NONE, plat.page, 0, why, sizeof why) != 0 ||
	    area_make(&dst, F_NONE, plat.page, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(src.lo, src.good, c->seed);
	struct copy_arg a = { c->e, dst.lo + 64 + 1, src.lo + 64, 64,
			      "EFLAGS.AC set, 64 bytes from an 8-aligned src to a dst misaligned by 1" };
	subject_run_observed(ac_subject, &a, &res);
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == SUBJ_NO_AC_FAULT)
		skip(0, "the copy raised no alignment fault (this backend made no misaligned access)");
	else
		expect_death(0, a.what, &res, SIGBUS);
	area_free(&src);
	area_free(&dst);
}
#endif

/* ---- aarch64: real MTE tag check faults (scripts/conformance-system's aarch64-mte) ---- */

#if defined(__aarch64__)
#include <sys/auxv.h>
#include <sys/prctl.h>

#ifndef HWCAP2_MTE
#define HWCAP2_MTE (1UL << 18)
#endif
#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL 55
#endif
#ifndef PR_TAGGED_ADDR_ENABLE
#define PR_TAGGED_ADDR_ENABLE (1UL << 0)
#endif
#ifndef PR_MTE_TCF_SYNC
#define PR_MTE_TCF_SYNC (1UL << 1)
#endif
#ifndef PR_MTE_TCF_ASYNC
#define PR_MTE_TCF_ASYNC (1UL << 2)
#endif
#ifndef PR_MTE_TAG_SHIFT
#define PR_MTE_TAG_SHIFT 3
#endif

enum { SUBJ_NO_MTE = 95 };

/* The allocation tag of the 16-byte granule at p becomes tag (STG). */
static void mte_set_tag(unsigned char *p, unsigned int tag)
{
	uintptr_t t = (uintptr_t)p | ((uintptr_t)tag << 56);

	/* stg x0, [x0], encoded: no assembler option for MTE needed */
	__asm__ volatile("mov x0, %0\n\t.inst 0xd9200800" : : "r"(t) : "x0", "memory");
}

struct mte_arg {
	const struct entry *e;
	int async;
	const char *what;
};

/*
 * A 256-byte copy from PROT_MTE memory whose granules from byte 96 on
 * carry tag 3, through a pointer with tag 0: the load of byte 96 is a tag
 * check fault.  Synchronous checks report it at that load (SEGV_MTESERR);
 * asynchronous ones at the next entry into the kernel (SEGV_MTEAERR,
 * si_addr 0), so the copy may finish first: a system call after it makes
 * the report arrive.
 */
static int mte_subject(void *p)
{
	struct mte_arg *a = p;
	const size_t len = 256, at = 96;
	unsigned long ctrl = PR_TAGGED_ADDR_ENABLE | (a->async ? PR_MTE_TCF_ASYNC : PR_MTE_TCF_SYNC) |
			     (0xfffeUL << PR_MTE_TAG_SHIFT);
	unsigned char *src, *dst;
	size_t r;

	copy_mc_init();
	if (prctl(PR_SET_TAGGED_ADDR_CTRL, ctrl, 0, 0, 0) != 0)
		return SUBJ_NO_MTE;
	src = mmap(NULL, plat.page, PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, plat.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		return SUBJ_NO_MTE;
	memset(src, 0x5a, len);
	for (size_t g = at; g < len; g += 16)
		mte_set_tag(src + g, 3);
	subject_mark();
	r = a->e->copy(dst, src, len);
	syscall(SYS_getppid);
	if (r != 0) {
		fail(0, "%s: %s returned r == %zu (recovered a rejected fault)", a->what, a->e->name, r);
		return SUBJ_RECOVERED;
	}
	fail(0, "%s: %s returned 0 and no tag check fault arrived", a->what, a->e->name);
	return SUBJ_SURVIVED;
}

static void mte_reject(const struct case_ctx *c)
{
	struct subject_result res;
	char what[200];
	int code = c->param ? SEGV_MTEAERR : SEGV_MTESERR;

	if (!(getauxval(AT_HWCAP2) & HWCAP2_MTE)) {
		skip(0, "no MTE here (HWCAP2_MTE unset: a CPU or machine without it; "
		     "scripts/conformance-system runs aarch64-mte on qemu's virt,mte=on)");
		return;
	}
	snprintf(what, sizeof what, "%s: a %s tag check fault reading src at byte 96 of 256", c->e->name,
		 c->param ? "asynchronous" : "synchronous");
	struct mte_arg a = { c->e, c->param, what };
	subject_run_observed(mte_subject, &a, &res);
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == SUBJ_NO_MTE) {
		fail(0, "%s: HWCAP2_MTE is set, yet tagged memory could not be set up (prctl or mmap PROT_MTE)",
		     what);
		return;
	}
	expect_death(0, what, &res, SIGSEGV);
	/* The case is about this fault: the kernel must have raised it. */
	if (res.traced && res.have_first && res.first.si_code != code)
		fail(0, "%s: the first SIGSEGV was %s, not %s", what, code_str(SIGSEGV, res.first.si_code),
		     code_str(SIGSEGV, code));
}
#endif

/* ---- SIGSEGV/SIGBUS sent by software to a thread inside a long copy ---- */

enum { BY_KILL, BY_TGKILL, BY_SIGQUEUE, BY_FORGED };
static const char *const by_name[] = { "kill()", "tgkill()", "sigqueue()",
				       "rt_tgsigqueueinfo() (SI_QUEUE, si_addr inside the copy's source)" };

static struct {
	const struct entry *e;
	unsigned char *src, *dst;
	size_t len;
	volatile pid_t tid;
	volatile int copying;
	volatile unsigned long copies;
	int by, sig;
} big;

/* kill() and sigqueue() send to the process; the platform may not hand those on. */
static int process_directed(int by)
{
	return by == BY_KILL || by == BY_SIGQUEUE;
}

/*
 * The sender is a second thread that blocks SIGSEGV and SIGBUS, so a
 * process-directed signal can only go to the copier, the main thread (the
 * one qemu-user delivers process-directed signals to as well).
 */
static void *sender(void *unused)
{
	sigset_t faults;

	(void)unused;
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	sigaddset(&faults, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &faults, NULL);
	for (int i = 0; !big.copying && i < 10000; i++)
		sleep_ms(1);
	sleep_ms(20);		/* well inside the first 64 MiB copy */
	switch (big.by) {
	case BY_KILL:
		kill(getpid(), big.sig);
		break;
	case BY_TGKILL:
		syscall(SYS_tgkill, getpid(), big.tid, big.sig);
		break;
	case BY_SIGQUEUE: {
		union sigval v;
		v.sival_int = 42;
		sigqueue(getpid(), big.sig, v);
		break;
	}
	case BY_FORGED: {
		/* Looks like a fault in the range but comes from software: si_code < 0. */
		siginfo_t si;
		memset(&si, 0, sizeof si);
		si.si_signo = big.sig;
		si.si_code = SI_QUEUE;
		si.si_addr = big.src + big.len / 2;
		syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)big.tid, (long)big.sig, &si);
		break;
	}
	}
	for (int i = 0; i < 500; i++)
		sleep_ms(10);
	/* A process-directed one: software_signal() decides (the platform may lose it). */
	if (!process_directed(big.by))
		fail(0, "the %s sent by %s was lost: the copier went on (%lu copies of 64 MiB done)",
		     sig_str(big.sig), by_name[big.by], big.copies);
	runner_subject_done();
	_exit(SUBJ_SURVIVED);
	return NULL;
}

static int software_signal_subject(void *p)
{
	pthread_t t;

	(void)p;
	big.len = 64ul << 20;
	big.src = mmap(NULL, big.len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big.dst = mmap(NULL, big.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big.src == MAP_FAILED || big.dst == MAP_FAILED) {
		fail(0, "setup: mmap of 2 x 64 MiB: %s", strerror(errno));
		return SUBJ_SETUP;
	}
	copy_mc_init();
	big.tid = (pid_t)syscall(SYS_gettid);
	if (pthread_create(&t, NULL, sender, NULL) != 0) {
		fail(0, "setup: pthread_create failed");
		return SUBJ_SETUP;
	}
	for (;;) {
		big.copying = 1;
		size_t r = big.e->copy(big.dst, big.src, big.len);
		if (r != 0) {
			fail(0, "%s returned r == %zu: it recovered a %s sent by %s", big.e->name, r, sig_str(big.sig),
			     by_name[big.by]);
			return SUBJ_RECOVERED;
		}
		big.copies++;
	}
}

static void software_signal(const struct case_ctx *c)
{
	static const int sigs[] = { SIGSEGV, SIGBUS };
	char what[200];
	struct subject_result res;

	big.by = c->param;
	if (process_directed(big.by) && !plat.procsig_ok[big.by == BY_SIGQUEUE]) {
		skip(0, "%s", plat.procsig_why[big.by == BY_SIGQUEUE]);
		return;
	}
	for (int j = 0; j < (opt.quick ? 1 : 2); j++)
		for (size_t i = 0; i < 2; i++) {
			big.e = j ? &entry_to_user : &entry_to_kernel;
			big.sig = sigs[i];
			snprintf(what, sizeof what, "%s sent by %s to a thread inside a 64 MiB %s", sig_str(big.sig),
				 by_name[big.by], big.e->name);
			subject_run(software_signal_subject, NULL, &res);
			/*
			 * The platform probe found kill() and sigqueue() reliable
			 * in 20 tries; a platform that loses one some of the time
			 * can still pass it.  A lost one is a failure only if the
			 * probe, run again, loses none in 60 more tries.
			 */
			int lost = process_directed(big.by) && WIFEXITED(res.status) &&
				   WEXITSTATUS(res.status) == SUBJ_SURVIVED;
			int k = lost ? platform_procsig_lost(big.by == BY_SIGQUEUE, 60) : 0;
			if (k)
				skip(0, "%s: the signal was lost (the copier went on for 5 s), and the platform probe, "
				     "run again, lost it in try %d of 60, even to a plain handler in another thread "
				     "without the library (qemu-user and valgrind do not always hand a "
				     "process-directed signal on to another thread)", what, k);
			else if (lost)
				fail(0, "%s: the signal was lost: the copier went on for 5 s (the platform probe, run "
				     "again, got it through in 60 of 60 tries)", what);
			else
				expect_death(0, what, &res, big.sig);
		}
}

/* ---- faults outside any copy ---- */

static char *volatile null_pointer;

static int outside_subject(void *p)
{
	int kind = *(int *)p;
	struct area a;
	char why[200];

	copy_mc_init();
	if (kind == 0) {
		subject_mark();
		read_byte(null_pointer);
	} else {
		if (area_make(&a, kind == 1 ? F_EOF : F_PROT_NONE, plat.page, plat.page, why, sizeof why) != 0) {
			fail(0, "setup: %s", why);
			return SUBJ_SETUP;
		}
		pattern_fill(a.lo, a.good, 1);
		if (kind == 2) {
			unsigned char d[64];
			size_t r = entry_to_kernel.copy(d, a.edge - 10, sizeof d);
			if (r != sizeof d - 10)
				fail(0, "the copy before: expected r == %zu, got %zu", sizeof d - 10, r);
		}
		subject_mark();
		read_byte((a.edge + 3));
	}
	fail(0, "the read outside any copy returned");
	return SUBJ_SURVIVED;
}

static void outside_copy(const struct case_ctx *c)
{
	static const char *const what[] = {
		"a NULL read outside any copy, after copy_mc_init()",
		"a read beyond EOF of a file mapping outside any copy",
		"a PROT_NONE read right after a recovered copy",
	};
	int kind = c->param;
	struct subject_result res;

	if (kind == 2 && platform_segv_unusable()) {
		skip(0, "%s", platform_segv_unusable());
		return;
	}
	subject_run_observed(outside_subject, &kind, &res);
	expect_death(0, what[kind], &res, kind == 1 ? SIGBUS : SIGSEGV);
}

#define INJ(i, name) \
	{ "src fault at a copy instruction rewritten into " name, \
	  { "is not recovered by either entry point: dies of that signal with its siginfo" }, \
	  injected_reject, 0, i, NULL }
#define INJ_DST(i, name) \
	{ "copy_mc_to_user dst fault at a copy instruction rewritten into " name, \
	  { "is not recovered: dies of that signal with its siginfo" }, injected_reject, 0, 16 + i, NULL }
#define SOFT(by, name) \
	{ "SIGSEGV and SIGBUS sent by " name " to a thread inside a copy", \
	  { "si_code <= 0 is NOT recovered by either entry point: dies of that signal" }, \
	  software_signal, 0, by, NULL }

const struct case_def cases_reject[] = {
#if defined(__x86_64__)
	{ "src non-canonical pointer (x86 general protection, SIGSEGV SI_KERNEL)", { "is not recovered: dies of SIGSEGV" },
	  noncanonical, PER_ENTRY | X86_64_ONLY, 0, NULL },
	{ "dst non-canonical pointer (x86 general protection, SIGSEGV SI_KERNEL)", { "is not recovered: dies of SIGSEGV" },
	  noncanonical, PER_ENTRY | TO_USER_ONLY | X86_64_ONLY, 1, NULL },
	{ "EFLAGS.AC alignment check (SIGBUS BUS_ADRALN) on a misaligned dst", { "is not recovered: dies of SIGBUS" },
	  alignment_check, PER_ENTRY | X86_64_ONLY, 0, "fragile" },
#endif
#if defined(__aarch64__)
	{ "src MTE tag mismatch, synchronous checks (real SIGSEGV SEGV_MTESERR)",
	  { "is not recovered: dies of SIGSEGV with its siginfo" }, mte_reject, PER_ENTRY, 0, NULL },
	{ "src MTE tag mismatch, asynchronous checks (real SIGSEGV SEGV_MTEAERR)",
	  { "is not recovered: dies of SIGSEGV with its siginfo" }, mte_reject, PER_ENTRY, 1, NULL },
#endif
	INJ(0, "SIGBUS BUS_ADRALN"),
	INJ(1, "SIGBUS BUS_MCEERR_AO"),
	INJ(2, "SIGSEGV SI_KERNEL, si_addr 0"),
	INJ(3, "SIGSEGV SI_KERNEL with si_addr inside the range"),
	INJ(4, "SIGSEGV SEGV_MTESERR"),
	INJ(5, "SIGSEGV SEGV_MTEAERR"),
	INJ(6, "SIGSEGV SEGV_BNDERR"),
	INJ(7, "SIGSEGV SEGV_CPERR"),
	INJ(8, "SIGSEGV SEGV_MAPERR with si_addr outside the range"),
	INJ_DST(0, "SIGBUS BUS_ADRALN"),
	INJ_DST(3, "SIGSEGV SI_KERNEL with si_addr inside the range"),
	INJ_DST(8, "SIGSEGV SEGV_MAPERR with si_addr outside the range"),
	SOFT(BY_KILL, "kill()"),
	SOFT(BY_TGKILL, "tgkill()"),
	SOFT(BY_SIGQUEUE, "sigqueue()"),
	SOFT(BY_FORGED, "rt_tgsigqueueinfo() with si_code SI_QUEUE and si_addr inside the source"),
	{ "NULL read outside any copy, after copy_mc_init()", { "is passed on: dies of SIGSEGV with its siginfo" },
	  outside_copy, 0, 0, NULL },
	{ "read beyond EOF outside any copy", { "is passed on: dies of SIGBUS with its siginfo" },
	  outside_copy, 0, 1, NULL },
	{ "PROT_NONE read right after a recovered copy", { "is passed on: dies of SIGSEGV with its siginfo" },
	  outside_copy, 0, 2, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
