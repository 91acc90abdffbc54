/*
 * init.c - /init of the guest systems that scripts/conformance-system
 * boots under qemu-system: mount what the suite needs, run the program
 * the initramfs names with a time limit, print its exit status between
 * two markers on the console, and power the guest off.  Static, no
 * shell, no busybox: the initramfs holds this, the suite and two files.
 *
 *   /args     the program and its arguments, one per line
 *   /timeout  seconds the program may run (default 600)
 *
 * Output on the console:
 *   @@COPYMC-BEGIN@@
 *   ... the program's output ...
 *   @@COPYMC-END status=N@@       N: its exit status, 128 + signal if it
 *                                 died of one, or "timeout"
 * The host reads what lies between the markers, matched anywhere in a
 * line, since kernel messages may share the console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXARGS 32

/* "init: WHAT: the error" on the console. */
static void fail(const char *what)
{
	dprintf(1, "init: %s: %s\n", what, strerror(errno));
}

static void mount_one(const char *src, const char *dir, const char *type, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, data) != 0)
		fail(dir);
}

/* The console as fd 0, 1 and 2, whatever the kernel left there. */
static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Reads a whole small file into buf; 0 on success. */
static int slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Only if that failed: qemu runs with -no-reboot, so this ends it too. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(void)
{
	static char args[4096], tbuf[32];
	char *argv[MAXARGS + 1];
	int argc = 0;
	long limit = 600;
	pid_t child;
	int status = 0, timed_out = 0;
	struct timespec start, now;

	mount_one("devtmpfs", "/dev", "devtmpfs", NULL);
	open_console();
	mount_one("proc", "/proc", "proc", NULL);
	mount_one("sysfs", "/sys", "sysfs", NULL);
	mount_one("tmpfs", "/tmp", "tmpfs", "mode=1777");
	if (slurp("/args", args, sizeof args) != 0) {
		fail("/args");
		power_off();
	}
	for (char *line = strtok(args, "\n"); line != NULL && argc < MAXARGS;
	     line = strtok(NULL, "\n"))
		if (*line != '\0')
			argv[argc++] = line;
	argv[argc] = NULL;
	if (argc == 0) {
		dprintf(1, "init: /args names no program\n");
		power_off();
	}
	if (slurp("/timeout", tbuf, sizeof tbuf) == 0 && atol(tbuf) > 0)
		limit = atol(tbuf);
	setenv("PATH", "/", 1);
	setenv("TMPDIR", "/tmp", 1);

	dprintf(1, "\n@@COPYMC-BEGIN@@\n");
	child = fork();
	if (child == 0) {
		setsid();
		execv(argv[0], argv);
		fail(argv[0]);
		_exit(127);
	}
	if (child < 0) {
		fail("fork");
		power_off();
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		/* As pid 1 every orphan is ours to reap; only the child ends this. */
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p == child)
			break;
		if (p > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= limit) {
			timed_out = 1;
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			break;
		}
		usleep(20000);
	}
	if (timed_out)
		dprintf(1, "\n@@COPYMC-END status=timeout@@\n");
	else if (WIFSIGNALED(status))
		dprintf(1, "\n@@COPYMC-END status=%d@@\n", 128 + WTERMSIG(status));
	else
		dprintf(1, "\n@@COPYMC-END status=%d@@\n", WEXITSTATUS(status));
	power_off();
	return 0;
}
