/*
 * cases_api.c - the entry points besides the copies: copy_mc_backends,
 * copy_mc_set_backend, copy_mc_backend, copy_mc_init (idempotent, thread
 * safe) and the COPYMC_BACKEND environment variable, which the suite checks
 * by running itself with --print-backend.
 */
#include "conformance.h"

#include <copymc.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_BACKENDS 32

static size_t get_names(const char **names)
{
	size_t n = copy_mc_backends(NULL, 0);

	if (n > MAX_BACKENDS) {
		fail(0, "copy_mc_backends(NULL, 0) says %zu backends: more than this suite expects (%d)", n,
		     MAX_BACKENDS);
		n = MAX_BACKENDS;
	}
	copy_mc_backends(names, n);
	return n;
}

static void backends_list(const struct case_ctx *c)
{
	const char *names[MAX_BACKENDS + 2];
	size_t n = copy_mc_backends(NULL, 0), m;
	static const char sentinel[] = "untouched";

	(void)c;
	if (n == 0 || n > MAX_BACKENDS) {
		fail(0, "copy_mc_backends(NULL, 0)\nexpected between 1 and %d backends, got %zu", MAX_BACKENDS, n);
		return;
	}
	for (size_t i = 0; i < n + 2; i++)
		names[i] = sentinel;
	m = copy_mc_backends(names, n);
	if (m != n)
		fail(0, "copy_mc_backends(names, %zu)\nexpected %zu, got %zu", n, n, m);
	if (names[n] != sentinel)
		fail(0, "copy_mc_backends(names, %zu)\nexpected names[%zu] untouched (max is %zu), got it written", n, n, n);
	for (size_t i = 0; i < n; i++) {
		if (names[i] == NULL || names[i] == sentinel || !names[i][0]) {
			fail(0, "copy_mc_backends: expected a name in names[%zu], got none", i);
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				fail(0, "copy_mc_backends: expected distinct names, got \"%s\" twice", names[i]);
	}
	if (n > 1) {
		for (size_t i = 0; i < n + 2; i++)
			names[i] = sentinel;
		m = copy_mc_backends(names, 1);
		if (m != n || names[1] != sentinel)
			fail(0, "copy_mc_backends(names, 1)\nexpected it to return %zu and store one name, got %zu%s", n, m,
			     names[1] != sentinel ? " and names[1] written" : "");
	}
	int generic = 0;
	copy_mc_backends(names, n);
	for (size_t i = 0; i < n; i++)
		generic |= !strcmp(names[i], "generic");
	if (!generic)
		fail(0, "copy_mc_backends: expected the backend \"generic\" (everywhere), got none");
}

static void set_backend(const struct case_ctx *c)
{
	const char *names[MAX_BACKENDS];
	size_t n = get_names(names);
	int usable = 0;

	(void)c;
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		int r = copy_mc_set_backend(names[i]);
		if (r == 0) {
			usable++;
			const char *now = copy_mc_backend();
			if (!now || strcmp(now, names[i]))
				fail(0, "copy_mc_set_backend(\"%s\") == 0\nexpected copy_mc_backend() == \"%s\", got \"%s\"",
				     names[i], names[i], now ? now : "(null)");
		} else if (r != -1 || errno != ENOTSUP) {
			fail(0, "copy_mc_set_backend(\"%s\") of a built-in backend\nexpected 0, or -1 with ENOTSUP, got "
			     "%d with errno %d (%s)", names[i], r, errno, strerror(errno));
		}
	}
	if (!usable)
		fail(0, "expected at least one usable backend, got none");
	const char *before = copy_mc_backend();
	errno = 0;
	int r = copy_mc_set_backend("no-such-backend");
	if (r != -1 || errno != ENOENT)
		fail(0, "copy_mc_set_backend(\"no-such-backend\")\nexpected -1 with errno ENOENT, got %d with errno %d (%s)",
		     r, errno, strerror(errno));
	if (strcmp(before, copy_mc_backend()))
		fail(0, "copy_mc_set_backend(\"no-such-backend\")\nexpected the active backend kept (%s), got %s", before,
		     copy_mc_backend());
}

/* ---- copy_mc_init: idempotent, thread-safe ---- */

static volatile int go;

static void *init_and_copy(void *p)
{
	struct area *src = p;
	unsigned char dst[300];
	long failures = 0;

	while (!go)
		;
	if (copy_mc_init() != 0)
		failures++;
	for (size_t i = 0; i < 200; i++) {
		size_t len = 1 + i % 299, q = i % (len + 1);
		size_t r = (i & 1 ? copy_mc_to_user : copy_mc_to_kernel)(dst, src->edge - q, len);
		if (r != len - q || memcmp(dst, src->edge - q, q))
			failures++;
	}
	return (void *)failures;
}

static void init_threads(const struct case_ctx *c)
{
	pthread_t t[4];
	struct area src[4];
	char why[200];

	(void)c;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		int r = copy_mc_init();
		if (r != 0)
			fail(0, "copy_mc_init() call %d\nexpected 0, got %d (%s)", i + 1, r, strerror(errno));
	}
	if (platform_segv_unusable()) {
		skip(1, "%s", platform_segv_unusable());
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (area_make(&src[i], F_PROT_NONE, plat.page, plat.page, why, sizeof why) != 0) {
			fail(1, "setup: %s", why);
			return;
		}
		pattern_fill(src[i].lo, src[i].good, (uint64_t)i);
	}
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, init_and_copy, &src[i]) != 0) {
			fail(1, "setup: pthread_create failed");
			go = 1;
			return;
		}
	go = 1;
	for (int i = 0; i < 4; i++) {
		void *failures;
		pthread_join(t[i], &failures);
		if (failures)
			fail(1, "thread %d: calling copy_mc_init() and copying with faults at once\nexpected every copy "
			     "exact, got %ld wrong", i, (long)failures);
	}
}

/* ---- COPYMC_BACKEND ---- */

/* Run this program with --print-backend and COPYMC_BACKEND=value (NULL: unset). */
static int run_self(const char *value, char *out, size_t n, char *why, size_t whylen)
{
	int fds[2], st;
	size_t len = 0;
	pid_t pid;
	ssize_t r;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		size_t ne = 0;
		char **env;
		char var[300];
		char *argv[] = { (char *)"copymc-conformance", (char *)"--print-backend", NULL };

		while (environ[ne])
			ne++;
		env = calloc(ne + 2, sizeof *env);
		if (!env)
			_exit(127);
		ne = 0;
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "COPYMC_BACKEND=", 15))
				env[ne++] = *e;
		if (value) {
			snprintf(var, sizeof var, "COPYMC_BACKEND=%s", value);
			env[ne++] = var;
		}
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		/*
		 * Under an emulator without binfmt_misc the program can only
		 * be run again through the emulator, which the matrix runner
		 * names in COPYMC_CONFORMANCE_EMULATOR.
		 */
		const char *emu = getenv("COPYMC_CONFORMANCE_EMULATOR");
		char self[4096];
		ssize_t k;

		if (emu && *emu && (k = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
			char *eargv[] = { (char *)emu, self, argv[1], NULL };

			self[k] = '\0';
			execvpe(emu, eargv, env);
		}
		execve("/proc/self/exe", argv, env);
		if (strchr(opt.argv0, '/'))
			execve(opt.argv0, argv, env);
		printf("!%s\n", strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	close(fds[1]);
	while (len + 1 < n && (r = read(fds[0], out + len, n - len - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		len += (size_t)r;
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (len && out[len - 1] == '\n')
		out[--len] = '\0';
	if (out[0] == '!' || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char b[100];
		snprintf(why, whylen, "cannot run itself (qemu-user without binfmt_misc, and no COPYMC_CONFORMANCE_EMULATOR?): %s",
			 out[0] == '!' ? out + 1 : status_str(st, b, sizeof b));
		return -1;
	}
	return 0;
}

static void environment(const struct case_ctx *c)
{
	const char *names[MAX_BACKENDS];
	size_t n = get_names(names);
	char dflt[200], got[200], why[300];

	(void)c;
	if (run_self(NULL, dflt, sizeof dflt, why, sizeof why) != 0) {
		skip(0, "%s", why);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *want = copy_mc_set_backend(names[i]) == 0 ? names[i] : dflt;
		if (run_self(names[i], got, sizeof got, why, sizeof why) != 0)
			fail(0, "COPYMC_BACKEND=%s: %s", names[i], why);
		else if (strcmp(got, want))
			fail(0, "COPYMC_BACKEND=%s\nexpected the backend %s%s, got %s", names[i], want,
			     want == dflt ? " (the default: this CPU cannot run it)" : "", got);
	}
	if (run_self("no-such-backend", got, sizeof got, why, sizeof why) != 0)
		fail(0, "COPYMC_BACKEND=no-such-backend: %s", why);
	else if (strcmp(got, dflt))
		fail(0, "COPYMC_BACKEND=no-such-backend\nexpected it ignored with the default (%s) kept, got %s", dflt, got);
}

const struct case_def cases_api[] = {
	{ "copy_mc_backends", { "stores up to max names of the built-in backends and returns how many are built in" },
	  backends_list, ONCE, 0, NULL },
	{ "copy_mc_set_backend",
	  { "0 (copy_mc_backend() names it) or -1 with ENOTSUP for each built-in backend, -1 with ENOENT for "
	    "one not built" },
	  set_backend, ONCE, 0, NULL },
	{ "copy_mc_init",
	  { "idempotent: 0 each time", "thread-safe: threads calling it and copying with faults at once all recover" },
	  init_threads, ONCE, 0, NULL },
	{ "COPYMC_BACKEND=<name>",
	  { "selects a backend at initialisation; an unknown or unusable name is ignored with the default kept" },
	  environment, ONCE, 0, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
