/*
 * runner.c - runs each case in a forked child (so a library bug that kills
 * or hangs a case cannot take the suite with it) and prints its test points
 * as TAP.  The child reports through a pipe, one line per record:
 *   F<k> text   a failed check of point k      S<k> text   point k skipped
 *   N text      a comment                       E           the case ran to its end
 */
#include "conformance.h"
#include "runner.h"

#include <errno.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CASE_ALARM 60		/* seconds for a whole case, subjects get 20 (times --timeout-factor) */

struct progress_page {
	const char *fmt;
	size_t v[4];
};

static int report_fd = -1;
static unsigned long mism[MAX_POINTS];
static struct progress_page *prog;
static unsigned long n_points, n_pass, n_fail, n_skip;

/* ---- the case's side ---- */

static void write_all(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(report_fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

/* One record per line of text, all in one write (atomic below PIPE_BUF). */
static void record(char tag, int k, const char *fmt, va_list ap)
{
	char text[1400], out[2048];
	size_t o = 0;
	int saved = errno;

	vsnprintf(text, sizeof text, fmt, ap);
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		int n = k >= 0 ? snprintf(out + o, sizeof out - o, "%c%d %s\n", tag, k, line)
			       : snprintf(out + o, sizeof out - o, "%c %s\n", tag, line);
		if (n < 0 || (size_t)n >= sizeof out - o)
			break;
		o += (size_t)n;
	}
	write_all(out, o);
	errno = saved;
}

void fail(int k, const char *fmt, ...)
{
	va_list ap;

	if (k < 0 || k >= MAX_POINTS || mism[k]++ > 0)
		return;
	va_start(ap, fmt);
	record('F', k, fmt, ap);
	va_end(ap);
}

void skip(int k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record('S', k, fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record('N', -1, fmt, ap);
	va_end(ap);
}

volatile unsigned char read_byte_sink;

/*
 * The suite's one deliberate faulting read, named in
 * copymc-conformance.supp.  Reached through a pointer: valgrind follows a
 * direct call into the callee while translating, and then reports the
 * callee's access at the caller (whichever case it is), which no
 * suppression could name.
 */
__attribute__((noinline)) static void copymc_conformance_read_fault(const volatile void *p)
{
	read_byte_sink = *(const volatile unsigned char *)p;
}

static void (*volatile read_fault_fn)(const volatile void *) = copymc_conformance_read_fault;

void read_byte(const volatile void *p)
{
	read_fault_fn(p);
}

int failed(int k)
{
	return k >= 0 && k < MAX_POINTS && mism[k] > 0;
}

void progress(const char *fmt, size_t a, size_t b, size_t c, size_t d)
{
	if (!prog)
		return;
	prog->fmt = fmt;
	prog->v[0] = a;
	prog->v[1] = b;
	prog->v[2] = c;
	prog->v[3] = d;
}

static void report_counts(const char *who)
{
	char buf[200];

	for (int k = 0; k < MAX_POINTS; k++)
		if (mism[k] > 1) {
			int n = snprintf(buf, sizeof buf, "F%d (%lu failed checks of this point in %s; the first is shown)\n",
					 k, mism[k], who);
			write_all(buf, (size_t)n);
		}
}

void runner_forked(void)
{
	memset(mism, 0, sizeof mism);
}

void runner_subject_done(void)
{
	report_counts("the subject");
}

/* ---- the suite's side ---- */

/*
 * Valgrind (3.19) grows the main thread's stack for a signal frame only
 * when the handler was registered without SA_ONSTACK: the frame of an
 * SA_ONSTACK handler on a thread with no alternate stack, if it lies
 * below the deepest point the stack has reached so far, kills the process
 * ("Can't extend stack ... during signal delivery"), with or without the
 * library (platform.c probes it).  The library's handler is SA_ONSTACK,
 * and a case's first fault is often its deepest point yet.  So the suite
 * touches its stack once, before anything forks: every process it forks
 * then has STACK_RESERVE bytes of stack below main's frame already grown,
 * as the kernel would have grown them on demand.
 */
__attribute__((noinline)) void runner_reserve_stack(void)
{
	volatile unsigned char reserve[STACK_RESERVE];

	for (size_t i = 0; i < sizeof reserve; i += 512)
		reserve[i] = 0;
	reserve[sizeof reserve - 1] = 0;
}

void runner_init(void)
{
	void *p = mmap(NULL, sizeof *prog, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	prog = p == MAP_FAILED ? NULL : p;
}

void tap_comment(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* A test point's description; '#' would start a TAP directive, so escape it. */
static void put_name(const char *name)
{
	for (; *name; name++) {
		if (*name == '#' || *name == '\\')
			putchar('\\');
		putchar(*name);
	}
}

static void emit(const char *name, int state, const char *reason, const char *diag)
{
	n_points++;
	if (state == 0) {
		n_pass++;
		printf("ok %lu - ", n_points);
		put_name(name);
		putchar('\n');
	} else if (state == 2) {
		n_skip++;
		printf("ok %lu - ", n_points);
		put_name(name);
		printf(" # SKIP %s\n", reason);
	} else {
		n_fail++;
		printf("not ok %lu - ", n_points);
		put_name(name);
		putchar('\n');
		fputs(diag, stdout);
	}
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
	return h;
}

static int point_count(const struct case_def *cd)
{
	int n = 0;

	while (n < MAX_POINTS && cd->points[n])
		n++;
	return n ? n : 1;
}

static void point_name(char *buf, size_t n, const char *backend, const struct case_def *cd,
		       const struct entry *e, int k)
{
	const char *pt = cd->points[0] ? cd->points[k] : NULL;

	snprintf(buf, n, "%s%s%s %s%s%s", backend, e ? " " : "", e ? e->name : "",
		 cd->name, pt ? ": " : "", pt ? pt : "");
}

/* Append "# " + line to a growing diagnostic text. */
static void diag_add(char **d, size_t *len, const char *line, size_t n)
{
	char *nd = realloc(*d, *len + n + 4);

	if (!nd)
		return;
	*d = nd;
	memcpy(nd + *len, "# ", 2);
	memcpy(nd + *len + 2, line, n);
	nd[*len + 2 + n] = '\n';
	*len += n + 3;
	nd[*len] = '\0';
}

void run_case(const char *backend, const struct case_def *cd, const struct entry *e,
	      const char *skip_all)
{
	int np = point_count(cd);
	char name[600];
	char *diag[MAX_POINTS] = { 0 };
	size_t dlen[MAX_POINTS] = { 0 };
	char skipwhy[MAX_POINTS][300];
	int state[MAX_POINTS];	/* -1 no word, 0 pass, 1 fail, 2 skip */
	int fds[2], status = 0, ended = 0;
	char *buf = NULL;
	size_t blen = 0, bcap = 0;
	pid_t pid;

	if (skip_all) {
		for (int k = 0; k < np; k++) {
			point_name(name, sizeof name, backend, cd, e, k);
			emit(name, 2, skip_all, "");
		}
		fflush(stdout);
		return;
	}

	for (int k = 0; k < np; k++) {
		state[k] = -1;
		skipwhy[k][0] = '\0';
	}
	if (prog)
		memset(prog, 0, sizeof *prog);
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		perror("copymc-conformance: pipe/fork");
		exit(2);
	}
	if (pid == 0) {
		struct case_ctx ctx;
		uint64_t h = hash_str(0xCBF29CE484222325ull, backend);

		close(fds[0]);
		report_fd = fds[1];
		/* Nothing but the runner writes TAP: an emulator's "Bail out!" goes to stderr. */
		dup2(2, 1);
		runner_forked();
		alarm(CASE_ALARM * opt.timeout_factor);
		h = hash_str(h, cd->name);
		h = hash_str(h, e ? e->name : "");
		ctx.backend = backend;
		ctx.e = e;
		ctx.param = cd->param;
		ctx.seed = opt.seed ^ h ^ ((uint64_t)(unsigned)cd->param << 40);
		cd->run(&ctx);
		report_counts("this case");
		write_all("E\n", 2);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		if (bcap - blen < 4096) {
			char *nb = realloc(buf, bcap + 65536);
			if (!nb)
				break;
			buf = nb;
			bcap += 65536;
		}
		ssize_t r = read(fds[0], buf + blen, bcap - blen - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		blen += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf)
		buf[blen] = '\0';

	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == 'E') {
			ended = 1;
			continue;
		}
		if (line[0] == 'N') {
			tap_comment("%s", line + 2);
			continue;
		}
		char *rest;
		long k = strtol(line + 1, &rest, 10);
		/* Checks numbered past the case's last point count against its last point. */
		if (k < 0)
			k = 0;
		if (k >= np)
			k = np - 1;
		if (*rest == ' ')
			rest++;
		if (line[0] == 'F') {
			state[k] = 1;
			diag_add(&diag[k], &dlen[k], rest, strlen(rest));
		} else if (line[0] == 'S' && state[k] == -1) {
			state[k] = 2;
			snprintf(skipwhy[k], sizeof skipwhy[k], "%s", rest);
		}
	}

	if (!ended || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char st[100], where[300] = "", line[500];

		status_str(status, st, sizeof st);
		if (prog && prog->fmt) {
			int n = snprintf(where, sizeof where, " (last progress: ");
			snprintf(where + n, sizeof where - (size_t)n, prog->fmt, prog->v[0], prog->v[1],
				 prog->v[2], prog->v[3]);
			strncat(where, ")", sizeof where - strlen(where) - 1);
		}
		snprintf(line, sizeof line, "expected the case's process to run to its end, got: %s%s%s", st,
			 WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? " (a hang)" : "", where);
		for (int k = 0; k < np; k++)
			if (state[k] != 2) {
				state[k] = 1;
				diag_add(&diag[k], &dlen[k], line, strlen(line));
			}
	}
	for (int k = 0; k < np; k++) {
		point_name(name, sizeof name, backend, cd, e, k);
		emit(name, state[k] < 0 ? 0 : state[k], skipwhy[k], diag[k] ? diag[k] : "");
		free(diag[k]);
	}
	free(buf);
	fflush(stdout);
}

int tap_finish(void)
{
	printf("1..%lu\n", n_points);
	printf("%lu passed, %lu failed, %lu skipped\n", n_pass, n_fail, n_skip);
	fflush(stdout);
	return n_fail ? 1 : 0;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
