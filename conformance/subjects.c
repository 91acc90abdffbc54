/*
 * subjects.c - subjects are forked children that do one thing the contract
 * says must crash (or must not), so the case can look at how they ended.
 * Also the names of signals and si_codes used in the diagnostics.
 */
#include "conformance.h"
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUBJECT_ALARM 20

pid_t subject_fork(subject_fn fn, void *arg, int traced)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();

	if (pid != 0)
		return pid;
	dup2(2, 1);		/* keep stdout for TAP */
	runner_forked();
	alarm(SUBJECT_ALARM * opt.timeout_factor);
	if (traced) {
		if (ptrace_traceme() != 0)
			_exit(SUBJ_NO_TRACEME);
		raise(SIGSTOP);
	}
	int st = fn(arg);
	runner_subject_done();
	_exit(st);
}

void subject_run(subject_fn fn, void *arg, struct subject_result *res)
{
	pid_t pid;

	memset(res, 0, sizeof *res);
	pid = subject_fork(fn, arg, 0);
	if (pid < 0) {
		res->status = SUBJ_SETUP << 8;
		snprintf(res->why, sizeof res->why, "fork: %s", strerror(errno));
		return;
	}
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
}

void subject_run_observed(subject_fn fn, void *arg, struct subject_result *res)
{
	if (plat.ptrace_ok && subject_run_traced(fn, arg, NULL, res) == 0)
		return;
	subject_run(fn, arg, res);
}

const char *sig_str(int sig)
{
	static char buf[32];

	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGALRM: return "SIGALRM";
	case SIGKILL: return "SIGKILL";
	case SIGABRT: return "SIGABRT";
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGSTOP: return "SIGSTOP";
	case SIGFPE: return "SIGFPE";
	case SIGUSR1: return "SIGUSR1";
	case SIGSYS: return "SIGSYS";
	}
	snprintf(buf, sizeof buf, "signal %d", sig);
	return buf;
}

const char *code_str(int sig, int code)
{
	static char buf[32];

	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	}
	if (sig == SIGSEGV)
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		case SEGV_BNDERR: return "SEGV_BNDERR";
		case SEGV_PKUERR: return "SEGV_PKUERR";
		case SEGV_MTEAERR: return "SEGV_MTEAERR";
		case SEGV_MTESERR: return "SEGV_MTESERR";
		case SEGV_CPERR: return "SEGV_CPERR";
		}
	if (sig == SIGBUS)
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
		case BUS_MCEERR_AO: return "BUS_MCEERR_AO";
		}
	snprintf(buf, sizeof buf, "si_code %d", code);
	return buf;
}

const char *status_str(int status, char *buf, size_t n)
{
	if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by %s", sig_str(WTERMSIG(status)));
	else if (WIFEXITED(status))
		switch (WEXITSTATUS(status)) {
		case SUBJ_RECOVERED:
			snprintf(buf, n, "recovered a rejected fault (a copy returned a short count)");
			break;
		case SUBJ_SURVIVED:
			snprintf(buf, n, "the signal was lost (the process ran on and exited)");
			break;
		case SUBJ_SETUP:
			snprintf(buf, n, "could not set up (exit status %d)", SUBJ_SETUP);
			break;
		default:
			snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
		}
	else
		snprintf(buf, n, "wait status 0x%x", (unsigned)status);
	return buf;
}

void expect_death(int k, const char *what, const struct subject_result *res, int sig)
{
	char st[120];

	if (!plat.requeue_ok && res->status == plat.requeue_status && !failed(k)) {
		skip(k, "%s", plat.requeue_why);
		return;
	}
	if (!(WIFSIGNALED(res->status) && WTERMSIG(res->status) == sig)) {
		fail(k, "%s\nexpected death by %s, got: %s", what, sig_str(sig),
		     status_str(res->status, st, sizeof st));
		return;
	}
	if (!res->traced || !res->have_first)
		return;
	/* The same signal, si_code and si_addr as first delivered: passed on, not repeated. */
	const siginfo_t *f = &res->first, *l = &res->last;
	if (l->si_signo != f->si_signo || l->si_code != f->si_code || l->si_addr != f->si_addr) {
		char a[60];

		snprintf(a, sizeof a, "%s", code_str(f->si_signo, f->si_code));
		fail(k, "%s\nexpected the fatal signal to carry the original siginfo (%s %s si_addr %p), "
			"got %s %s si_addr %p (the signal was not passed on as it came)",
		     what, sig_str(f->si_signo), a, f->si_addr, sig_str(l->si_signo),
		     code_str(l->si_signo, l->si_code), l->si_addr);
	}
}
