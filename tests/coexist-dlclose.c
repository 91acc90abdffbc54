/*
 * coexist-dlclose.c - a program that dlopen()s libcopymc, copies with a
 * fault through it and dlclose()s it must still reach its own SIGSEGV
 * handler on a later crash, as it does without ever loading the library.
 * Not linked against libcopymc.  Exit 0 pass, 1 fail, 77 skip.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* How a child ended: the handler exits 0; anything else is a code below. */
enum { REACHED = 0, NO_FAULT = 3, NO_DLOPEN = 4, NO_INIT = 5, BAD_COUNT = 6, NO_DLCLOSE = 7, WRONG_INFO = 8 };

static char *volatile null_pointer;

static void own_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	_exit(sig == SIGSEGV && si->si_addr == NULL ? REACHED : WRONG_INFO);
}

/* The program: its own handler, the library loaded and unloaded (if load), a crash. */
static int child(int load, const char *path)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = own_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	if (load) {
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		int (*init)(void);
		size_t (*copy)(void *, const void *, size_t);
		long pg = sysconf(_SC_PAGESIZE);
		unsigned char *m, dst[64];
		size_t r;

		if (!h) {
			fprintf(stderr, "coexist-dlclose: dlopen(%s): %s\n", path, dlerror());
			return NO_DLOPEN;
		}
		/* POSIX: a function pointer goes through an object pointer from dlsym. */
		*(void **)&init = dlsym(h, "copy_mc_init");
		*(void **)&copy = dlsym(h, "copy_mc_to_kernel");
		if (!init || !copy || init() != 0) {
			fprintf(stderr, "coexist-dlclose: copy_mc_init missing or failed\n");
			return NO_INIT;
		}
		m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || mprotect(m + pg, (size_t)pg, PROT_NONE) != 0)
			return NO_INIT;
		memset(m, 0x3c, (size_t)pg);
		r = copy(dst, m + pg - 10, 50);
		if (r != 40) {
			fprintf(stderr, "coexist-dlclose: a copy with a fault at byte 10 of 50 returned %zu, not 40\n", r);
			return BAD_COUNT;
		}
		if (dlclose(h) != 0) {
			fprintf(stderr, "coexist-dlclose: dlclose: %s\n", dlerror());
			return NO_DLCLOSE;
		}
	}
	(void)*(volatile char *)null_pointer;
	return NO_FAULT;
}

static int run(int load, const char *path, char *how, size_t n)
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(10);
		_exit(child(load, path));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		snprintf(how, n, "fork/waitpid failed: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(st))
		snprintf(how, n, "exited with status %d%s", WEXITSTATUS(st),
			 WEXITSTATUS(st) == REACHED ? " (its own handler ran)" : "");
	else if (WIFSIGNALED(st))
		snprintf(how, n, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(how, n, "wait status 0x%x", (unsigned)st);
	return st;
}

int main(void)
{
	const char *top = getenv("top_builddir");
	char path[4096], without[200], with[200];
	int a, b;

	snprintf(path, sizeof path, "%s/.libs/libcopymc.so", top && *top ? top : ".");
	if (access(path, R_OK) != 0) {
		printf("SKIP: no shared library at %s (a static-only build?)\n", path);
		return 77;
	}
	a = run(0, path, without, sizeof without);
	b = run(1, path, with, sizeof with);
	printf("without the library: %s\n", without);
	printf("after dlopen, a recovered copy and dlclose of %s: %s\n", path, with);
	if (a == -1 || !WIFEXITED(a) || WEXITSTATUS(a) != REACHED) {
		printf("FAIL: without the library the NULL read did not reach the program's handler\n");
		return 1;
	}
	if (b != a) {
		printf("FAIL: expected the same end as without the library\n");
		return 1;
	}
	printf("PASS\n");
	return 0;
}
