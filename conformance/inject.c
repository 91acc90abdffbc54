/*
 * inject.c - the ptrace fault injector.  The subject asks to be traced; the
 * tracer (the case's process) sees each signal before the subject does and
 * may rewrite a real fault's siginfo with PTRACE_SETSIGINFO, so the library
 * handler sees, at the real faulting instruction, what the kernel sends on
 * poison consumption (BUS_MCEERR_AR) or on a fault it must not recover.
 * A rewritten fault is rewritten again each time it recurs, as the real
 * one would.  It also records the siginfo of the fatal signal, to check it
 * was passed on unchanged.
 */
#include "conformance.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL 0x00100000
#endif

/* Set by a subject right before the act that must kill it (shared page). */
static volatile int *mark;

void subject_mark(void)
{
	if (mark)
		*mark = 1;
}

int ptrace_traceme(void)
{
	return (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static int wait_for(pid_t pid, int *status)
{
	pid_t r;

	while ((r = waitpid(pid, status, __WALL)) < 0 && errno == EINTR)
		;
	return r == pid ? 0 : -1;
}

static void rewrite_info(siginfo_t *si, const struct rewrite *rw)
{
	uintptr_t addr = (uintptr_t)(rw->set_addr ? rw->addr : si->si_addr);

	/*
	 * A lie that stays in the copy's range: earlier than the truth where
	 * the source reaches back that far, else later on the same page.
	 */
	if (rw->addr_shift != 0) {
		uintptr_t d = (uintptr_t)rw->addr_shift, off = addr & (plat.page - 1);

		if (rw->lie_floor && addr - d >= *rw->lie_floor)
			addr -= d;
		else
			addr = off + d < plat.page ? addr + d : addr - d;
	}

	memset(si, 0, sizeof *si);
	si->si_signo = rw->signo;
	si->si_code = rw->code;
	si->si_addr = (void *)addr;
	if (rw->signo == SIGBUS && (rw->code == BUS_MCEERR_AR || rw->code == BUS_MCEERR_AO))
		si->si_addr_lsb = (short)rw->lsb;
}

int subject_run_traced(subject_fn fn, void *arg, const struct rewrite *rw, struct subject_result *res)
{
	int st;
	pid_t pid;

	memset(res, 0, sizeof *res);
	res->traced = 1;
	if (!mark) {
		void *m = mmap(NULL, sizeof *mark, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED)
			mark = m;
	}
	if (mark)
		*mark = 0;
	pid = subject_fork(fn, arg, 1);
	if (pid < 0) {
		snprintf(res->why, sizeof res->why, "fork: %s", strerror(errno));
		return -1;
	}
	if (wait_for(pid, &st) != 0) {
		snprintf(res->why, sizeof res->why, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (!WIFSTOPPED(st)) {
		char b[100];

		res->status = st;
		if (WIFEXITED(st) && WEXITSTATUS(st) == SUBJ_NO_TRACEME)
			snprintf(res->why, sizeof res->why, "PTRACE_TRACEME failed in the child");
		else
			snprintf(res->why, sizeof res->why, "the traced child never stopped (%s)",
				 status_str(st, b, sizeof b));
		return -1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_EXITKILL);
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) != 0) {
		snprintf(res->why, sizeof res->why, "PTRACE_CONT: %s", strerror(errno));
		kill(pid, SIGKILL);
		wait_for(pid, &st);
		return -1;
	}
	/*
	 * The fault the first rewrite replaced.  A real fault of the rewritten
	 * kind would come back each time the instruction runs again (the
	 * library passes a fatal fault on by letting it repeat), so the same
	 * fault at the same address is rewritten every time it recurs.
	 */
	int orig_code = 0;
	void *orig_addr = NULL;
	/*
	 * A subject stops a few times; one that keeps stopping never gets to
	 * its alarm (valgrind 3.19 raises SIGSTOP and takes the fault again,
	 * forever, in a traced guest whose fault repeats with SIG_DFL).
	 */
	struct timespec t0, t;
	int all_stops = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		siginfo_t si;
		int sig;

		if (wait_for(pid, &st) != 0) {
			snprintf(res->why, sizeof res->why, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (++all_stops > 10000 || t.tv_sec - t0.tv_sec > 30 * (long)opt.timeout_factor) {
			kill(pid, SIGKILL);
			wait_for(pid, &st);
			res->status = st;
			snprintf(res->why, sizeof res->why,
				 "the traced child stopped %d times in %ld s without ending (killed)",
				 all_stops, (long)(t.tv_sec - t0.tv_sec));
			return -1;
		}
		sig = WSTOPSIG(st);
		if (ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) == 0) {
			if (rw && sig == rw->from_sig &&
			    (rw->every || res->rewritten == 0 ||
			     (si.si_code == orig_code && si.si_addr == orig_addr))) {
				if (res->rewritten == 0) {
					orig_code = si.si_code;
					orig_addr = si.si_addr;
				}
				rewrite_info(&si, rw);
				if (ptrace(PTRACE_SETSIGINFO, pid, NULL, &si) == 0) {
					sig = rw->signo;
					res->rewritten++;
				}
			}
			res->stops++;
			/* The original signal: the first one, or the first after subject_mark(). */
			if (!res->have_first || (mark && *mark == 1 && res->have_first == 1)) {
				res->first = si;
				res->have_first = mark && *mark == 1 ? 2 : 1;
			}
			res->last = si;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	res->status = st;
	return 0;
}
