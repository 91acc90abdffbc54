/*
 * check_copy.c - the copy contract end to end, for every backend built:
 * the exact count and prefix at every fault position, length and
 * misalignment, file mappings beyond EOF, destination faults, errno, a
 * copy from a signal handler that interrupted a copy, and threads.
 */
#include "check_tests.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXLEN 300		/* lengths 0..MAXLEN */
#define NMIS 16			/* misalignments 0..NMIS-1 */
#define GUARD 64		/* guard bytes on each side of dst */
#define MAXTHREADS 4

typedef size_t copy_fn(void *dst, const void *src, size_t len);

static const struct entry_point {
	const char *name;
	copy_fn *fn;
} entry_points[2] = {
	{ "copy_mc_to_kernel", copy_mc_to_kernel },
	{ "copy_mc_to_user", copy_mc_to_user },
};

/* Loop index of a (backend x entry point) loop test. */
/* Loop index of a backend loop test: the k-th backend this CPU can run. */
#define BACKEND(k) test_usable_backend((size_t)(k))
#define LOOP_BACKEND(i) BACKEND((size_t)(i) / 2)
#define LOOP_ENTRY(i) (&entry_points[(i) % 2])

/* The first case that broke the contract, in sweep order, and what broke. */
struct mismatch {
	int found;
	size_t len, p, dmis, smis;
	char what[160];
};

static int before(const struct mismatch *a, const struct mismatch *b)
{
	if (a->len != b->len)
		return a->len < b->len;
	if (a->p != b->p)
		return a->p < b->p;
	if (a->dmis != b->dmis)
		return a->dmis < b->dmis;
	return a->smis < b->smis;
}

__attribute__((format(printf, 6, 7)))
static void note(struct mismatch *m, size_t len, size_t p, size_t dmis, size_t smis,
		 const char *fmt, ...)
{
	struct mismatch n;
	va_list ap;

	n.found = 1;
	n.len = len;
	n.p = p;
	n.dmis = dmis;
	n.smis = smis;
	va_start(ap, fmt);
	vsnprintf(n.what, sizeof n.what, fmt, ap);
	va_end(ap);
	if (!m->found || before(&n, m))
		*m = n;
}

/* Index of the first nonzero byte of [p, p+n), or n. */
static size_t first_nonzero(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == 0)
		i++;
	return i;
}

/*
 * The contract for one copy that should stop at p: r == len - p, dst[0..p)
 * == src[0..p), and (when the guards are given) nothing written in
 * [lo, dst) or [dst+len, hi).  Returns 0, or notes the mismatch.
 */
static int check_copy(struct mismatch *m, size_t len, size_t p, size_t dmis, size_t smis,
		      size_t r, const unsigned char *dst, const unsigned char *src,
		      const unsigned char *lo, const unsigned char *hi)
{
	size_t i;

	if (r != len - p) {
		note(m, len, p, dmis, smis, "returned %zu, want %zu", r, len - p);
		return 1;
	}
	if (memcmp(dst, src, p) != 0) {
		for (i = 0; dst[i] == src[i]; i++)
			;
		note(m, len, p, dmis, smis, "dst[%zu] = %#x but src[%zu] = %#x", i, dst[i], i,
		     src[i]);
		return 1;
	}
	if (lo != NULL && (i = first_nonzero(lo, (size_t)(dst - lo))) != (size_t)(dst - lo)) {
		note(m, len, p, dmis, smis, "guard byte dst[-%zu] written (%#x)",
		     (size_t)(dst - lo) - i, lo[i]);
		return 1;
	}
	if (hi != NULL && (i = first_nonzero(dst + len, (size_t)(hi - dst - len))) !=
			  (size_t)(hi - dst - len)) {
		note(m, len, p, dmis, smis, "guard byte dst[len+%zu] written (%#x)", i,
		     dst[len + i]);
		return 1;
	}
	return 0;
}

/* Fill n bytes with the source pattern. */
static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = test_pattern(i);
}

/* A read-write page followed by a PROT_NONE page; returns the guard page. */
static unsigned char *src_before_guard(void)
{
	size_t pg = test_pagesz();
	unsigned char *m = test_map(2);

	fill(m, pg);
	test_protect(m + pg, pg, PROT_NONE);
	return m + pg;
}

/* A read-write page followed by a read-only page; returns the read-only page. */
static unsigned char *dst_before_read_only(void)
{
	size_t pg = test_pagesz();
	unsigned char *m = test_map(2);

	test_protect(m + pg, pg, PROT_READ);
	return m + pg;
}

/* ---------------------------------------------------------------------------
 * The sweeps: every (length, fault position, misalignment), split over a
 * few threads by length (a fault costs a signal: several microseconds).
 */
enum sweep_kind {
	SWEEP_SRC_FAULT_DST_MIS,	/* PROT_NONE after src, dst misaligned 0..15 */
	SWEEP_SRC_FAULT_SRC_MIS,	/* the same, dst aligned, by src misalignment */
	SWEEP_DST_FAULT_SRC_MIS,	/* read-only page after dst (copy_mc_to_user) */
};

static const size_t dst_fault_smis[] = { 0, 13 };
#define N_DST_FAULT_SMIS (sizeof dst_fault_smis / sizeof dst_fault_smis[0])

struct sweep {
	enum sweep_kind kind;
	copy_fn *fn;
	size_t tid, nthreads;
	const unsigned char *src_guard;	/* SWEEP_SRC_*: the PROT_NONE page */
	unsigned char *dst_ro;		/* SWEEP_DST_*: this thread's read-only page */
	struct mismatch first;
	unsigned long cases, faults;
};

static _Alignas(64) unsigned char aligned_src[GUARD + NMIS + MAXLEN];

static void sweep_src_fault(struct sweep *sw, size_t len, size_t p, size_t dmis, size_t smis)
{
	_Alignas(64) unsigned char buf[GUARD + NMIS + MAXLEN + GUARD];
	unsigned char *dst = buf + GUARD + dmis;
	const unsigned char *src = sw->src_guard - p;
	size_t r;

	memset(buf, 0, GUARD + dmis + len + GUARD);
	r = sw->fn(dst, src, len);
	check_copy(&sw->first, len, p, dmis, smis, r, dst, src, buf, dst + len + GUARD);
	sw->cases++;
	sw->faults += p < len;
}

static void *sweep_thread(void *arg)
{
	struct sweep *sw = arg;
	size_t pg = test_pagesz();

	for (size_t len = sw->tid; len <= MAXLEN; len += sw->nthreads) {
		switch (sw->kind) {
		case SWEEP_SRC_FAULT_DST_MIS:
			for (size_t p = 0; p <= len; p++)
				for (size_t d = 0; d < NMIS; d++)
					sweep_src_fault(sw, len, p, d,
							(pg - p) % NMIS);
			break;
		case SWEEP_SRC_FAULT_SRC_MIS:
			/*
			 * The guard is page-aligned, so src = guard - p has
			 * misalignment (-p) mod 16: shift p to reach each one.
			 */
			for (size_t s = 0; s < NMIS; s++)
				for (size_t p = (NMIS - s) % NMIS; p <= len; p += NMIS)
					sweep_src_fault(sw, len, p, 0, s);
			break;
		case SWEEP_DST_FAULT_SRC_MIS:
			for (size_t si = 0; si < N_DST_FAULT_SMIS; si++) {
				size_t s = dst_fault_smis[si];
				const unsigned char *src = aligned_src + GUARD + s;

				for (size_t p = 0; p <= len; p++) {
					unsigned char *dst = sw->dst_ro - p;
					size_t r;

					memset(dst - GUARD, 0, GUARD + p);
					r = sw->fn(dst, src, len);
					/* After dst: the read-only page, which cannot change. */
					check_copy(&sw->first, len, p, (pg - p) % NMIS, s, r, dst,
						   src, dst - GUARD, NULL);
					sw->cases++;
					sw->faults += p < len;
				}
			}
			break;
		}
	}
	return NULL;
}

static size_t sweep_nthreads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAXTHREADS ? MAXTHREADS : (size_t)n;
}

/* Run the sweep on all threads; returns the first mismatch and the counts. */
static void run_sweep(enum sweep_kind kind, copy_fn *fn, struct mismatch *first,
		      unsigned long *cases, unsigned long *faults)
{
	struct sweep sw[MAXTHREADS];
	pthread_t th[MAXTHREADS];
	size_t n = sweep_nthreads();

	fill(aligned_src, sizeof aligned_src);
	for (size_t t = 0; t < n; t++) {
		memset(&sw[t], 0, sizeof sw[t]);
		sw[t].kind = kind;
		sw[t].fn = fn;
		sw[t].tid = t;
		sw[t].nthreads = n;
		/* Each its own pages: faults on one shared mapping contend in the kernel. */
		sw[t].src_guard = src_before_guard();
		if (kind == SWEEP_DST_FAULT_SRC_MIS)
			sw[t].dst_ro = dst_before_read_only();
		ck_assert_int_eq(pthread_create(&th[t], NULL, sweep_thread, &sw[t]), 0);
	}
	memset(first, 0, sizeof *first);
	*cases = *faults = 0;
	for (size_t t = 0; t < n; t++) {
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
		if (sw[t].first.found && (!first->found || before(&sw[t].first, first)))
			*first = sw[t].first;
		*cases += sw[t].cases;
		*faults += sw[t].faults;
	}
}

/* Cases of a full sweep: sum over len of (len + 1) fault positions. */
#define ALL_POSITIONS ((unsigned long)(MAXLEN + 1) * (MAXLEN + 2) / 2)

START_TEST(a_fault_reading_src_stops_the_copy_exact_to_the_byte_at_every_dst_misalignment)
{
	const char *backend = test_backend_name(LOOP_BACKEND(_i));
	const struct entry_point *ep = LOOP_ENTRY(_i);
	struct mismatch m;
	unsigned long cases, faults;

	test_use_backend(LOOP_BACKEND(_i));
	run_sweep(SWEEP_SRC_FAULT_DST_MIS, ep->fn, &m, &cases, &faults);
	ck_assert_msg(!m.found,
		      "%s %s: len %zu, fault at %zu, dst misaligned %zu, src misaligned %zu: %s",
		      backend, ep->name, m.len, m.p, m.dmis, m.smis, m.what);
	ck_assert_uint_eq(cases, ALL_POSITIONS * NMIS);
	ck_assert_uint_eq(faults, (ALL_POSITIONS - (MAXLEN + 1)) * NMIS);
}
END_TEST

START_TEST(a_fault_reading_src_stops_the_copy_exact_to_the_byte_at_every_src_misalignment)
{
	const char *backend = test_backend_name(LOOP_BACKEND(_i));
	const struct entry_point *ep = LOOP_ENTRY(_i);
	struct mismatch m;
	unsigned long cases, faults;

	test_use_backend(LOOP_BACKEND(_i));
	run_sweep(SWEEP_SRC_FAULT_SRC_MIS, ep->fn, &m, &cases, &faults);
	ck_assert_msg(!m.found,
		      "%s %s: len %zu, fault at %zu, src misaligned %zu, dst aligned: %s",
		      backend, ep->name, m.len, m.p, m.smis, m.what);
	ck_assert_uint_eq(cases, ALL_POSITIONS);	/* each p once, under its s */
}
END_TEST

/* "copy_mc_to_user: ... faults while WRITING dst stop the copy too (... a read-only page ...)" */
START_TEST(copy_mc_to_user_a_fault_writing_dst_stops_the_copy_exact_to_the_byte)
{
	const char *backend = test_backend_name(BACKEND(_i));
	struct mismatch m;
	unsigned long cases, faults;

	test_use_backend(BACKEND(_i));
	run_sweep(SWEEP_DST_FAULT_SRC_MIS, copy_mc_to_user, &m, &cases, &faults);
	ck_assert_msg(!m.found,
		      "%s copy_mc_to_user: len %zu, read-only dst from %zu, dst misaligned %zu, "
		      "src misaligned %zu: %s",
		      backend, m.len, m.p, m.dmis, m.smis, m.what);
	ck_assert_uint_eq(cases, ALL_POSITIONS * N_DST_FAULT_SMIS);
}
END_TEST

/* "copy_mc_to_kernel: ... Faults while writing dst are NOT recovered ... must crash" */
START_TEST(copy_mc_to_kernel_a_fault_writing_dst_is_not_recovered_it_crashes_as_memcpy)
{
	unsigned char *ro = dst_before_read_only();
	size_t r;

	fill(aligned_src, sizeof aligned_src);
	test_use_backend(BACKEND(_i));
	r = copy_mc_to_kernel(ro - 10, aligned_src, 100);
	fprintf(stderr, "%s: copy_mc_to_kernel into a read-only page returned %zu\n",
		test_backend_name(BACKEND(_i)), r);
	ck_abort_msg("%s: copy_mc_to_kernel into a read-only page returned %zu instead of "
		     "crashing", test_backend_name(BACKEND(_i)), r);
}
END_TEST

/*
 * The same when dst lies on a read-only page that src is read from too: the
 * fault address is then in src's page range, but it is still a fault
 * writing dst ("Faults while writing dst are NOT recovered").
 */
START_TEST(copy_mc_to_kernel_a_fault_writing_dst_on_the_page_src_is_read_from_crashes)
{
	size_t pg = test_pagesz();
	unsigned char *page = test_map(1);
	size_t *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	char outcome[64];
	pid_t pid;
	int status;

	ck_assert(r != MAP_FAILED);
	*r = (size_t)-1;
	fill(page, pg);
	test_protect(page, pg, PROT_READ);
	/* In a child, so that a copy that returns can still be reported. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		test_use_backend(BACKEND(_i));
		*r = copy_mc_to_kernel(page + pg / 2, page, 100);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		snprintf(outcome, sizeof outcome, "died of %s", strsignal(WTERMSIG(status)));
	else
		snprintf(outcome, sizeof outcome, "returned %zu", *r);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		      "%s: copy_mc_to_kernel(page + %zu, page, 100) into the read-only page of "
		      "its own src %s instead of dying of SIGSEGV",
		      test_backend_name(BACKEND(_i)), pg / 2, outcome);
}
END_TEST

/* "Nothing outside [src, src+len) is ever read." - PROT_NONE on both sides. */
START_TEST(nothing_outside_src_is_ever_read)
{
	size_t pg = test_pagesz();
	unsigned char *m = test_map(3), *page = m + pg;
	_Alignas(64) unsigned char buf[GUARD + NMIS + MAXLEN + GUARD];
	struct mismatch mm;

	memset(&mm, 0, sizeof mm);
	fill(page, pg);
	test_protect(m, pg, PROT_NONE);
	test_protect(page + pg, pg, PROT_NONE);
	test_use_backend(LOOP_BACKEND(_i));
	for (size_t len = 1; len <= MAXLEN; len++)
		for (size_t d = 0; d < NMIS; d++)
			for (int end = 0; end < 2; end++) {
				const unsigned char *src = end ? page + pg - len : page;
				unsigned char *dst = buf + GUARD + d;

				memset(buf, 0, sizeof buf);
				check_copy(&mm, len, len, d, (uintptr_t)src % NMIS,
					   LOOP_ENTRY(_i)->fn(dst, src, len), dst, src, buf,
					   buf + sizeof buf);
			}
	ck_assert_msg(!mm.found, "%s %s: len %zu, dst misaligned %zu, src misaligned %zu: %s",
		      test_backend_name(LOOP_BACKEND(_i)), LOOP_ENTRY(_i)->name, mm.len, mm.dmis,
		      mm.smis, mm.what);
}
END_TEST

/* ---------------------------------------------------------------------------
 * File mappings truncated under the copy: SIGBUS BUS_ADRERR.
 */
static sigjmp_buf probe_env;
static volatile sig_atomic_t probe_sig, probe_code;

static void probe_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	probe_sig = sig;
	probe_code = info->si_code;
	siglongjmp(probe_env, 1);
}

/* What the platform reports for an access at addr (before the library is in). */
static void probe_fault(void *addr, int write, int *sig, int *code)
{
	struct sigaction sa, old_segv, old_bus;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, &old_segv), 0);
	ck_assert_int_eq(sigaction(SIGBUS, &sa, &old_bus), 0);
	probe_sig = 0;
	probe_code = 0;
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*(volatile unsigned char *)addr = 1;
		else
			(void)test_read_byte(addr);
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	*sig = probe_sig;
	*code = probe_code;
}

/* A temporary file of one page of pattern, mapped two pages long. */
static unsigned char *map_file_one_page_of_two(int prot)
{
	size_t pg = test_pagesz();
	const char *dir = getenv("TMPDIR");
	char path[4096];
	unsigned char *page = malloc(pg), *m;
	int fd;

	snprintf(path, sizeof path, "%s/check_copymc.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp(%s) failed: %s", path, strerror(errno));
	unlink(path);
	ck_assert_ptr_nonnull(page);
	fill(page, pg);
	ck_assert_int_eq(ftruncate(fd, (off_t)(2 * pg)), 0);
	ck_assert_int_eq(pwrite(fd, page, pg, 0), (ssize_t)pg);
	m = mmap(NULL, 2 * pg, prot, MAP_SHARED, fd, 0);
	ck_assert_msg(m != MAP_FAILED, "mmap of the file failed: %s", strerror(errno));
	/* Truncated under the mapping: the tail page is now beyond EOF. */
	ck_assert_int_eq(ftruncate(fd, (off_t)pg), 0);
	close(fd);
	free(page);
	return m;
}

static const size_t file_lens[] = { 1, 2, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 128, 255, 300 };
#define N_FILE_LENS (sizeof file_lens / sizeof file_lens[0])

/* "BUS_ADRERR | file mapping beyond EOF ... | yes" */
START_TEST(a_file_mapping_truncated_under_src_stops_the_copy_exact_to_the_byte)
{
	size_t pg = test_pagesz();
	unsigned char *m = map_file_one_page_of_two(PROT_READ), *eof = m + pg;
	_Alignas(64) unsigned char buf[GUARD + NMIS + MAXLEN + GUARD];
	struct mismatch mm;
	int sig, code;

	probe_fault(eof, 0, &sig, &code);
	ck_assert_msg(sig == SIGBUS && code == BUS_ADRERR,
		      "platform: a read beyond EOF gave signal %d si_code %d, not SIGBUS "
		      "BUS_ADRERR", sig, code);
	memset(&mm, 0, sizeof mm);
	test_use_backend(BACKEND(_i));
	for (size_t e = 0; e < 2; e++)
		for (size_t li = 0; li < N_FILE_LENS; li++) {
			size_t len = file_lens[li];

			for (size_t p = 0; p <= len; p++)
				for (size_t d = 0; d < NMIS; d++) {
					unsigned char *dst = buf + GUARD + d;
					size_t r;

					memset(buf, 0, sizeof buf);
					r = entry_points[e].fn(dst, eof - p, len);
					if (check_copy(&mm, len, p, d, (pg - p) % NMIS, r, dst,
						       eof - p, buf, buf + sizeof buf))
						snprintf(mm.what + strlen(mm.what),
							 sizeof mm.what - strlen(mm.what), " (%s)",
							 entry_points[e].name);
				}
		}
	ck_assert_msg(!mm.found, "%s: len %zu, EOF at %zu, dst misaligned %zu: %s",
		      test_backend_name(BACKEND(_i)), mm.len, mm.p, mm.dmis, mm.what);
}
END_TEST

/* "copy_mc_to_user ... (a shared file mapping truncated by another process ...)" */
START_TEST(copy_mc_to_user_a_shared_file_mapping_truncated_under_dst_stops_the_copy_exact)
{
	size_t pg = test_pagesz();
	unsigned char *m = map_file_one_page_of_two(PROT_READ | PROT_WRITE), *eof = m + pg;
	struct mismatch mm;
	int sig, code;

	probe_fault(eof, 1, &sig, &code);
	ck_assert_msg(sig == SIGBUS && code == BUS_ADRERR,
		      "platform: a write beyond EOF gave signal %d si_code %d, not SIGBUS "
		      "BUS_ADRERR", sig, code);
	fill(aligned_src, sizeof aligned_src);
	memset(&mm, 0, sizeof mm);
	test_use_backend(BACKEND(_i));
	for (size_t li = 0; li < N_FILE_LENS; li++) {
		size_t len = file_lens[li];

		for (size_t p = 0; p <= len; p++)
			for (size_t s = 0; s < NMIS; s++) {
				unsigned char *dst = eof - p;
				const unsigned char *src = aligned_src + GUARD + s;

				memset(dst - GUARD, 0, GUARD + p);
				check_copy(&mm, len, p, (pg - p) % NMIS, s,
					   copy_mc_to_user(dst, src, len), dst, src, dst - GUARD,
					   NULL);
			}
	}
	ck_assert_msg(!mm.found, "%s: len %zu, EOF at %zu, src misaligned %zu: %s",
		      test_backend_name(BACKEND(_i)), mm.len, mm.p, mm.smis, mm.what);
}
END_TEST

/* ---------------------------------------------------------------------------
 * errno.
 */
#define ERRNO_MARK 4242

/* "errno is the same after the call as before, fault or not." */
START_TEST(errno_is_the_same_after_the_call_fault_or_not)
{
	const unsigned char *guard = src_before_guard();
	unsigned char *ro = dst_before_read_only();
	unsigned char buf[MAXLEN];

	test_use_backend(BACKEND(_i));
	for (size_t e = 0; e < 2; e++) {
		errno = ERRNO_MARK;
		ck_assert_uint_eq(entry_points[e].fn(buf, guard - 100, 200), 100);
		ck_assert_msg(errno == ERRNO_MARK, "%s: a faulting copy changed errno to %d",
			      entry_points[e].name, errno);
		errno = ERRNO_MARK;
		ck_assert_uint_eq(entry_points[e].fn(buf, guard - 200, 200), 0);
		ck_assert_msg(errno == ERRNO_MARK, "%s: a copy changed errno to %d",
			      entry_points[e].name, errno);
		errno = 0;
		ck_assert_uint_eq(entry_points[e].fn(buf, guard - 1, 2), 1);
		ck_assert_msg(errno == 0, "%s: a faulting copy changed errno 0 to %d",
			      entry_points[e].name, errno);
	}
	errno = ERRNO_MARK;
	ck_assert_uint_eq(copy_mc_to_user(ro - 50, buf, 200), 150);
	ck_assert_msg(errno == ERRNO_MARK, "copy_mc_to_user: a dst fault changed errno to %d",
		      errno);
}
END_TEST

/* The same for the first copy, which installs the handler lazily. */
START_TEST(errno_is_the_same_after_the_first_copy_that_installs_the_handler)
{
	const unsigned char *guard = src_before_guard();
	unsigned char buf[64];

	errno = ERRNO_MARK;
	ck_assert_uint_eq(LOOP_ENTRY(_i)->fn(buf, guard - 10, 20), 10);
	ck_assert_msg(errno == ERRNO_MARK, "%s: the first copy changed errno to %d",
		      LOOP_ENTRY(_i)->name, errno);
}
END_TEST

/* ---------------------------------------------------------------------------
 * "both entry points are thread-safe and async-signal-safe once the
 * handler is installed": a copy from a SIGALRM handler that interrupted a
 * copy, faulting or not.
 */
#define ALRM_LEN 120
#define MAIN_LEN 60000

/*
 * What the handler and the interrupted loop saw, in a shared mapping: the
 * scenario runs in a child of the test, so that if it dies the test can
 * still say what had happened.
 */
struct alrm_state {
	const unsigned char *guard;		/* the handler's source guard page */
	volatile sig_atomic_t entered;		/* handler runs begun */
	volatile sig_atomic_t runs;		/* ... and completed */
	volatile sig_atomic_t interrupted;	/* ... that interrupted a copy */
	volatile sig_atomic_t blocked;		/* ... entered with SIGSEGV or SIGBUS blocked */
	volatile sig_atomic_t in_handler_copy;	/* 1 while the handler's copy runs */
	volatile sig_atomic_t bad, bad_p, bad_r;
	volatile sig_atomic_t in_copy;		/* 1 while the loop's copy runs */
	volatile unsigned long main_copies, main_bad;
	volatile int done;
};
static struct alrm_state *alrm;

static void on_alarm(int sig)
{
	_Alignas(16) unsigned char buf[GUARD + ALRM_LEN + GUARD];
	int saved_errno = errno;
	size_t p = (size_t)alrm->runs % (ALRM_LEN + 1), r, i;
	copy_fn *fn = alrm->runs & 1 ? copy_mc_to_user : copy_mc_to_kernel;
	sigset_t cur;

	(void)sig;
	alrm->entered++;
	if (alrm->in_copy)
		alrm->interrupted++;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	if (sigismember(&cur, SIGSEGV) || sigismember(&cur, SIGBUS))
		alrm->blocked++;
	memset(buf, 0, sizeof buf);
	alrm->in_handler_copy = 1;
	r = fn(buf + GUARD + 3, alrm->guard - p, ALRM_LEN);
	alrm->in_handler_copy = 0;
	if (r != ALRM_LEN - p || memcmp(buf + GUARD + 3, alrm->guard - p, p) != 0) {
		if (!alrm->bad) {
			alrm->bad_p = (sig_atomic_t)p;
			alrm->bad_r = (sig_atomic_t)r;
		}
		alrm->bad++;
	}
	for (i = 0; i < GUARD + 3; i++)
		if (buf[i] != 0)
			alrm->bad++;
	for (i = GUARD + 3 + ALRM_LEN; i < sizeof buf; i++)
		if (buf[i] != 0)
			alrm->bad++;
	alrm->runs++;
	errno = saved_errno;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The scenario: long copies, faulting or not, while SIGALRM fires. */
static void alarm_scenario(size_t backend)
{
	size_t pg = test_pagesz(), npages = (MAIN_LEN + pg - 1) / pg + 1;
	unsigned char *m = test_map(npages + 1), *guard = m + npages * pg;
	unsigned char *dst = malloc(MAIN_LEN);
	struct sigaction sa;
	struct itimerval it;
	double t0;

	ck_assert_ptr_nonnull(dst);
	fill(m, npages * pg);
	test_protect(guard, pg, PROT_NONE);
	alrm->guard = src_before_guard();
	test_use_backend(backend);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = 150;
	it.it_value.tv_usec = 150;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);

	t0 = now();
	for (size_t k = 0; now() - t0 < 2.0 && (alrm->interrupted < 300 || alrm->runs < 1000);
	     k++) {
		/* Alternately a long copy that faults near its end, and one that does not. */
		size_t p = k & 1 ? MAIN_LEN - 1 - k % 4096 : MAIN_LEN;
		const unsigned char *src = guard - p;
		size_t r;

		alrm->in_copy = 1;
		r = entry_points[(k >> 1) & 1].fn(dst, src, MAIN_LEN);
		alrm->in_copy = 0;
		alrm->main_copies++;
		if (r != MAIN_LEN - p || memcmp(dst, src, p) != 0)
			alrm->main_bad++;
	}
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	alrm->done = 1;
	free(dst);
}

START_TEST(a_copy_from_a_signal_handler_that_interrupted_a_copy_is_exact)
{
	const char *backend = test_backend_name(BACKEND(_i));
	pid_t pid;
	int status;

	alrm = mmap(NULL, sizeof *alrm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(alrm != MAP_FAILED);
	memset((void *)alrm, 0, sizeof *alrm);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm_scenario(BACKEND(_i));
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(!WIFSIGNALED(status),
		      "%s: the process died of %s %s the SIGALRM handler's own copy; the handler "
		      "had begun %d times (%d completed), %d of them interrupting a copy and %d "
		      "with SIGSEGV/SIGBUS blocked (it interrupted the library's fault handler)",
		      backend, strsignal(WTERMSIG(status)),
		      alrm->in_handler_copy ? "inside" : "outside", (int)alrm->entered,
		      (int)alrm->runs, (int)alrm->interrupted, (int)alrm->blocked);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && alrm->done,
		      "%s: the scenario failed (status %#x)", backend, (unsigned)status);
	ck_assert_msg(alrm->runs > 0, "the SIGALRM handler never ran");
	ck_assert_msg(alrm->interrupted > 0, "the SIGALRM handler never interrupted a copy");
	ck_assert_msg(alrm->bad == 0,
		      "%s: %d of %d copies in the SIGALRM handler were wrong; first: fault at "
		      "%d returned %d",
		      backend, (int)alrm->bad, (int)alrm->runs, (int)alrm->bad_p,
		      (int)alrm->bad_r);
	ck_assert_msg(alrm->main_bad == 0, "%s: %lu of %lu interrupted copies were wrong",
		      backend, alrm->main_bad, alrm->main_copies);
}
END_TEST

/* ---------------------------------------------------------------------------
 * "thread-safe": four threads faulting at once, each with its own buffers.
 */
#define THREAD_COPIES 3000

struct worker {
	unsigned int seed;
	const unsigned char *src_guard;
	unsigned char *dst_ro;
	struct mismatch first;
};

static unsigned int next_rand(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	_Alignas(64) unsigned char buf[GUARD + NMIS + MAXLEN + GUARD];

	for (size_t k = 0; k < THREAD_COPIES; k++) {
		size_t len = 1 + next_rand(&w->seed) % MAXLEN;
		size_t p = next_rand(&w->seed) % (len + 1);
		size_t d = next_rand(&w->seed) % NMIS;
		int e = (int)(k % 3);

		if (e < 2) {
			/* A fault reading src, either entry point. */
			unsigned char *dst = buf + GUARD + d;
			const unsigned char *src = w->src_guard - p;

			memset(buf, 0, sizeof buf);
			check_copy(&w->first, len, p, d, 0, entry_points[e].fn(dst, src, len),
				   dst, src, buf, buf + sizeof buf);
		} else {
			/* A fault writing dst, copy_mc_to_user. */
			unsigned char *dst = w->dst_ro - p;
			const unsigned char *src = aligned_src + GUARD + d;

			memset(dst - GUARD, 0, GUARD + p);
			check_copy(&w->first, len, p, 0, d, copy_mc_to_user(dst, src, len), dst,
				   src, dst - GUARD, NULL);
		}
	}
	return NULL;
}

START_TEST(copies_in_four_threads_at_once_are_each_exact)
{
	struct worker w[4];
	pthread_t th[4];

	fill(aligned_src, sizeof aligned_src);
	test_use_backend(BACKEND(_i));
	for (size_t t = 0; t < 4; t++) {
		memset(&w[t], 0, sizeof w[t]);
		w[t].seed = (unsigned int)(t + 1) * 2654435761u;
		w[t].src_guard = src_before_guard();
		w[t].dst_ro = dst_before_read_only();
	}
	for (size_t t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, worker_thread, &w[t]), 0);
	for (size_t t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
	for (size_t t = 0; t < 4; t++)
		ck_assert_msg(!w[t].first.found, "%s thread %zu: len %zu, fault at %zu: %s",
			      test_backend_name(BACKEND(_i)), t, w[t].first.len, w[t].first.p,
			      w[t].first.what);
}
END_TEST

#if defined(__x86_64__)
/* "SIGSEGV | SI_KERNEL | x86 #GP (non-canonical address) ... | NO", end to end. */
START_TEST(a_gp_fault_on_a_non_canonical_src_is_not_recovered)
{
	unsigned char buf[64];
	size_t r;

	test_use_backend(LOOP_BACKEND(_i));
	r = LOOP_ENTRY(_i)->fn(buf, (const void *)0x8000000000000000ul, sizeof buf);
	fprintf(stderr, "%s %s: a copy from a non-canonical address returned %zu\n",
		test_backend_name(LOOP_BACKEND(_i)), LOOP_ENTRY(_i)->name, r);
	ck_abort_msg("%s %s: a copy from a non-canonical address returned %zu",
		     test_backend_name(LOOP_BACKEND(_i)), LOOP_ENTRY(_i)->name, r);
}
END_TEST
#endif

Suite *copy_suite(void)
{
	Suite *s = suite_create("copy");
	int n = (int)test_nusable();
	TCase *tc = tcase_create("fault_positions");

	/* About two seconds each natively; room for slow machines. */
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc,
		a_fault_reading_src_stops_the_copy_exact_to_the_byte_at_every_dst_misalignment,
		0, 2 * n);
	tcase_add_loop_test(tc,
		a_fault_reading_src_stops_the_copy_exact_to_the_byte_at_every_src_misalignment,
		0, 2 * n);
	tcase_add_loop_test(tc, copy_mc_to_user_a_fault_writing_dst_stops_the_copy_exact_to_the_byte,
			    0, n);
	tcase_add_loop_test(tc, nothing_outside_src_is_ever_read, 0, 2 * n);
	suite_add_tcase(s, tc);

	tc = tcase_create("not_recovered");
	tcase_add_loop_test_raise_signal(tc,
		copy_mc_to_kernel_a_fault_writing_dst_is_not_recovered_it_crashes_as_memcpy,
		SIGSEGV, 0, n);
	tcase_add_loop_test(tc,
		copy_mc_to_kernel_a_fault_writing_dst_on_the_page_src_is_read_from_crashes, 0, n);
#if defined(__x86_64__)
	tcase_add_loop_test_raise_signal(tc, a_gp_fault_on_a_non_canonical_src_is_not_recovered,
					 SIGSEGV, 0, 2 * n);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("file_mappings");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, a_file_mapping_truncated_under_src_stops_the_copy_exact_to_the_byte,
			    0, n);
	tcase_add_loop_test(tc,
		copy_mc_to_user_a_shared_file_mapping_truncated_under_dst_stops_the_copy_exact,
		0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("errno");
	tcase_add_loop_test(tc, errno_is_the_same_after_the_call_fault_or_not, 0, n);
	tcase_add_loop_test(tc, errno_is_the_same_after_the_first_copy_that_installs_the_handler,
			    0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, a_copy_from_a_signal_handler_that_interrupted_a_copy_is_exact, 0, n);
	tcase_add_loop_test(tc, copies_in_four_threads_at_once_are_each_exact, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
