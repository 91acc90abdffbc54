/*
 * outcome.c - run a command and write how it ended to a file, in the words
 * the runtimes scenarios compare: "exit N", "signal NAME" or "signal NAME
 * core", or "timeout".  Usage: outcome FILE SECONDS [-c] -- COMMAND...
 * -c lifts RLIMIT_CORE for the command, so the core flag is the kernel's;
 * without it RLIMIT_CORE is 0 (a JVM's core would be gigabytes).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 3, cores = 0, status;
	pid_t pid, w;
	FILE *f;

	if (argc < 5) {
		fprintf(stderr, "usage: outcome FILE SECONDS [-c] -- COMMAND...\n");
		return 2;
	}
	if (!strcmp(argv[i], "-c")) {
		cores = 1;
		i++;
	}
	if (strcmp(argv[i], "--")) {
		fprintf(stderr, "outcome: expected --\n");
		return 2;
	}
	i++;
	pid = fork();
	if (pid < 0) {
		perror("outcome: fork");
		return 2;
	}
	if (pid == 0) {
		/* Its own process group, so a timeout can take its children too. */
		setpgid(0, 0);
		struct rlimit rl;
		getrlimit(RLIMIT_CORE, &rl);
		rl.rlim_cur = cores ? rl.rlim_max : 0;
		setrlimit(RLIMIT_CORE, &rl);
		execvp(argv[i], argv + i);
		perror("outcome: exec");
		_exit(127);
	}
	setpgid(pid, pid);
	/* Poll rather than SIGALRM: no handler of ours may touch the child. */
	long limit_ms = atol(argv[2]) * 1000L, waited = 0;
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0) {
			perror("outcome: waitpid");
			return 2;
		}
		if (waited >= limit_ms) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			f = fopen(argv[1], "w");
			if (!f)
				return 2;
			fprintf(f, "timeout after %s s\n", argv[2]);
			return fclose(f) != 0 ? 2 : 0;
		}
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		waited += 20;
	}
	f = fopen(argv[1], "w");
	if (!f)
		return 2;
	if (WIFEXITED(status))
		fprintf(f, "exit %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(f, "signal SIG%s%s\n", sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
			WCOREDUMP(status) ? " core" : "");
	else
		fprintf(f, "status 0x%x\n", (unsigned)status);
	return fclose(f) != 0 ? 2 : 0;
}
