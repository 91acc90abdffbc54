/*
 * cases_poison.c - memory errors.  Real poison cannot be made on most
 * machines, so a tracer rewrites each real fault of a PROT_NONE source into
 * what the kernel sends when a load consumes poison (SIGBUS BUS_MCEERR_AR,
 * si_addr kept, si_addr_lsb = page shift), into an arm64 synchronous
 * external abort (BUS_OBJERR) or a protection-key fault (SEGV_PKUERR): the
 * library must recover them exactly.  Where root and CONFIG_MEMORY_FAILURE
 * allow, MADV_HWPOISON makes real poison too.
 */
#include "conformance.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

struct poison_arg {
	const struct entry *e;
	uint64_t seed;
	const char *what;
	size_t *faulted;	/* shared with the tracer */
	volatile uintptr_t *src_now;	/* shared: the running copy's src */
};

/* Tell the tracer where this copy's source starts, then check it. */
static int published_src_fault(size_t len, size_t p, size_t dof, void *arg)
{
	struct fault_sweep *s = arg;

	*(volatile uintptr_t *)s->user = (uintptr_t)(s->src.edge - p);
	return src_fault(len, p, dof, arg);
}

/* The traced subject: a source-fault sweep whose faults the tracer rewrites. */
static int poison_subject(void *p)
{
	struct poison_arg *a = p;
	struct fault_sweep s;
	uint64_t rng = a->seed;
	char why[200];
	size_t max = fault_max_len();

	memset(&s, 0, sizeof s);
	s.e = a->e;
	s.kind = F_PROT_NONE;
	s.what = a->what;
	if (area_make(&s.src, F_PROT_NONE, max + 64, max + 64, why, sizeof why) != 0 ||
	    area_make(&s.dst, F_NONE, max + 64 + 2 * GUARD_LEN, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return SUBJ_SETUP;
	}
	pattern_fill(s.src.lo, s.src.good, splitmix(&rng));
	sigprocmask(SIG_SETMASK, NULL, &s.mask);
	s.user = (void *)a->src_now;
	fault_shapes(&rng, opt.quick ? 16 : 64, published_src_fault, &s);
	*a->faulted = s.faulted;
	return failed(0) || failed(1) || failed(2) || failed(3) ? SUBJ_FAILED : SUBJ_OK;
}

static void injected(const struct case_ctx *c)
{
	static const struct { int signo, code, null_addr; long shift; const char *what; } kinds[] = {
		{ SIGBUS, BUS_MCEERR_AR, 0, 0, "poison (injected SIGBUS BUS_MCEERR_AR)" },
		{ SIGBUS, BUS_OBJERR, 0, 0, "external abort (injected SIGBUS BUS_OBJERR)" },
		{ SIGSEGV, SEGV_PKUERR, 0, 0, "protection key (injected SIGSEGV SEGV_PKUERR)" },
		{ SIGBUS, BUS_MCEERR_AR, 1, 0, "poison (injected BUS_MCEERR_AR, si_addr NULL)" },
		/* si_code 0: the platform's own code for the fault, kept. */
		{ SIGSEGV, 0, 0, 64, "page fault whose si_addr lies by 64 bytes, in range (injected)" },
	};
	static const struct entry *const entries[] = { &entry_to_kernel, &entry_to_user };
	const int i = c->param;
	struct rewrite rw = { SIGSEGV, kinds[i].signo, kinds[i].code ? kinds[i].code : plat.segv_code,
			      kinds[i].null_addr, NULL, (int)plat.page_shift, 1, kinds[i].shift, NULL };
	struct subject_result res;
	struct poison_arg a;
	char st[120], what[200];

	if (!plat.ptrace_ok) {
		skip(0, "%s", plat.ptrace_why);
		return;
	}
	if (platform_segv_unusable()) {
		skip(0, "%s", platform_segv_unusable());
		return;
	}
	a.faulted = mmap(NULL, plat.page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a.faulted == MAP_FAILED) {
		fail(0, "setup: mmap: %s", strerror(errno));
		return;
	}
	a.src_now = (volatile uintptr_t *)(a.faulted + 1);
	rw.lie_floor = a.src_now;
	for (size_t j = 0; j < 2; j++) {
		a.e = entries[j];
		a.seed = c->seed + j;
		snprintf(what, sizeof what, "%s, src %s", a.e->name, kinds[i].what);
		a.what = what;
		*a.faulted = 0;
		if (subject_run_traced(poison_subject, &a, &rw, &res) != 0)
			fail(0, "%s: the traced child did not run: %s", a.e->name, res.why);
		else if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != SUBJ_OK)
			fail(0, "%s\nexpected the traced child to finish its copies, got: %s", what,
			     status_str(res.status, st, sizeof st));
		else if ((size_t)res.rewritten < *a.faulted)
			fail(0, "%s\nexpected at least one rewritten fault per faulting copy (%zu copies), got %d", what,
			     *a.faulted, res.rewritten);
	}
	munmap(a.faulted, plat.page);
}

static void real_poison_one(const struct entry *e, uint64_t seed)
{
	struct fault_sweep s;
	uint64_t rng = seed;
	char why[200], what[120];
	size_t max = fault_max_len();
	unsigned char *poisoned;

	memset(&s, 0, sizeof s);
	s.e = e;
	s.kind = F_NONE;
	snprintf(what, sizeof what, "%s, src poisoned page (MADV_HWPOISON)", e->name);
	s.what = what;
	if (area_make(&s.src, F_NONE, max + 64 + plat.page, 0, why, sizeof why) != 0 ||
	    area_make(&s.dst, F_NONE, max + 64 + 2 * GUARD_LEN, 0, why, sizeof why) != 0) {
		fail(0, "setup: %s", why);
		return;
	}
	pattern_fill(s.src.lo, s.src.good, splitmix(&rng));
	/* The last good page holds the poison; the guard page follows it. */
	poisoned = s.src.edge - plat.page;
	if (madvise(poisoned, plat.page, MADV_HWPOISON) != 0) {
		fail(0, "madvise(MADV_HWPOISON) worked in the probe but now: %s", strerror(errno));
		return;
	}
	s.src.edge = poisoned;
	sigprocmask(SIG_SETMASK, NULL, &s.mask);
	fault_shapes(&rng, 8, src_fault, &s);
	/* The poisoned page is freed with this process. */
}

static void real_poison(const struct case_ctx *c)
{
	if (!plat.hwpoison_ok) {
		skip(0, "%s", plat.hwpoison_why);
		return;
	}
	real_poison_one(&entry_to_kernel, c->seed);
	real_poison_one(&entry_to_user, c->seed + 1);
}

/* Both entry points in each case. */
const struct case_def cases_poison[] = {
	{ "src poison (tracer-injected SIGBUS BUS_MCEERR_AR, si_addr_lsb = page shift) from byte p",
	  { "recovered exactly by both entry points: r == len - p, dst[0..k) equals src[0..k), errno kept" },
	  injected, 0, 0, NULL },
	{ "src synchronous external abort (tracer-injected SIGBUS BUS_OBJERR) from byte p",
	  { "recovered exactly by both entry points: r == len - p, dst[0..k) equals src[0..k), errno kept" },
	  injected, 0, 1, NULL },
	{ "src protection-key fault (tracer-injected SIGSEGV SEGV_PKUERR) from byte p",
	  { "recovered exactly by both entry points: r == len - p, dst[0..k) equals src[0..k), errno kept" },
	  injected, 0, 2, NULL },
	{ "src poison with a NULL si_addr (old kernels; tracer-injected BUS_MCEERR_AR)",
	  { "the PC check alone decides: recovered exactly by both entry points, r == len - p" }, injected, 0, 3, NULL },
	{ "src fault whose si_addr a tracer moves 64 bytes from the real one, inside the copy's range",
	  { "the count never trusts si_addr alone: r == len - p exactly, dst[0..k) equals src[0..k)" },
	  injected, 0, 4, NULL },
	{ "src real poison (MADV_HWPOISON) from byte p",
	  { "recovered exactly by both entry points: r == len - p, dst[0..k) equals src[0..k), errno kept" },
	  real_poison, 0, 0, NULL },
	{ NULL, { NULL }, NULL, 0, 0, NULL }
};
