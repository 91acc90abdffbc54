/*
 * coexist-hijack.c - a program that defines its own function named
 * copy_mc_handle_signal (always "ours") and links libcopymc dynamically:
 * the library's handler must not call it.  A crash still reaches the
 * program's earlier handler, or kills it, as without the library, and a
 * faulting copy is still recovered exactly.  Exit 0 pass, 1 fail.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <copymc.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { REACHED = 0, NO_FAULT = 3, SETUP = 4, BAD_COUNT = 6, WRONG_INFO = 8 };

static char *volatile null_pointer;

/* The program's own function of that name: if the library calls it, every fault looks recovered. */
int copy_mc_handle_signal(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)info;
	(void)ucontext;
	return 1;
}

static void own_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	_exit(sig == SIGSEGV && si->si_addr == NULL ? REACHED : WRONG_INFO);
}

enum what { CRASH_HANDLED, CRASH_DEFAULT, COPY };

static int child(enum what w, int lib)
{
	if (w == CRASH_HANDLED) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = own_handler;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
	}
	if (lib && copy_mc_init() != 0)
		return SETUP;
	if (w == COPY) {
		long pg = sysconf(_SC_PAGESIZE);
		unsigned char *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned char dst[64];
		size_t r;

		if (m == MAP_FAILED || mprotect(m + pg, (size_t)pg, PROT_NONE) != 0)
			return SETUP;
		memset(m, 0x3c, (size_t)pg);
		r = copy_mc_to_kernel(dst, m + pg - 10, 50);
		if (r != 40 || dst[9] != 0x3c)
			return BAD_COUNT;
		r = copy_mc_to_user(dst, m + pg - 1, 50);
		return r == 49 ? REACHED : BAD_COUNT;
	}
	(void)*(volatile char *)null_pointer;
	return NO_FAULT;
}

static int run(enum what w, int lib, char *how, size_t n)
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(3);	/* a hijacked handler returns "recovered" and the fault repeats forever */
		_exit(child(w, lib));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		snprintf(how, n, "fork/waitpid failed: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(st))
		snprintf(how, n, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(how, n, "killed by signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
			 WTERMSIG(st) == SIGALRM ? ": it hung" : "");
	else
		snprintf(how, n, "wait status 0x%x", (unsigned)st);
	return st;
}

int main(void)
{
	static const char *const names[] = { "a NULL read with the program's own SIGSEGV handler",
					     "a NULL read with SIGSEGV at SIG_DFL", "copies with a fault at byte 10 and 1" };
	int bad = 0;

	for (int w = CRASH_HANDLED; w <= COPY; w++) {
		char without[200], with[200];
		/* A copy needs the library: its reference is the exact count, exit 0. */
		int a = w == COPY ? 0 : run((enum what)w, 0, without, sizeof without);
		int b = run((enum what)w, 1, with, sizeof with);

		if (w == COPY)
			snprintf(without, sizeof without, "(needs the library) exit status 0: exact counts");
		printf("%s: without the library: %s; with it: %s\n", names[w], without, with);
		if (w == CRASH_HANDLED && !(WIFEXITED(a) && WEXITSTATUS(a) == REACHED)) {
			printf("FAIL: without the library the NULL read did not reach the program's handler\n");
			bad = 1;
		} else if (w == CRASH_DEFAULT && !(WIFSIGNALED(a) && WTERMSIG(a) == SIGSEGV)) {
			printf("FAIL: without the library the NULL read did not kill with SIGSEGV\n");
			bad = 1;
		} else if (a != b) {
			printf("FAIL: expected the same end as without the library\n");
			bad = 1;
		}
	}
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
