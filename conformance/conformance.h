/*
 * conformance.h - what the parts of copymc-conformance share: the case
 * table, the calls a case uses to report, memory areas that fault where a
 * case wants, subjects (forked children expected to die) and the ptrace
 * fault injector.  The suite uses the public API (copymc.h) only.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* si_code values older libc headers may lack (values from the kernel uapi). */
#ifndef SEGV_BNDERR
#define SEGV_BNDERR 3
#endif
#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif
#ifndef SEGV_MTEAERR
#define SEGV_MTEAERR 8
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR 9
#endif
#ifndef SEGV_CPERR
#define SEGV_CPERR 10
#endif
#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#endif
#ifndef BUS_MCEERR_AO
#define BUS_MCEERR_AO 5
#endif
#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif

#define MAX_POINTS 6

/* ---- options, platform facts (filled in before any case runs) ---- */

struct options {
	int quick;
	uint64_t seed;
	unsigned timeout_factor;	/* every time limit times this (--timeout-factor) */
	const char *argv0;
};
extern struct options opt;

enum addr_quality { ADDR_UNKNOWN, ADDR_EXACT, ADDR_PAGE, ADDR_WRONG };

struct platform {
	size_t page;
	unsigned page_shift;
	int ptrace_ok;
	char ptrace_why[400];
	int hwpoison_ok;
	char hwpoison_why[320];
	int segv_addr;		/* enum addr_quality of a PROT_NONE read */
	int segv_code;		/* its si_code */
	int bus_addr;		/* enum addr_quality of a beyond-EOF read */
	int bus_code;
	char segv_why[320], bus_why[320];
	int ac_traps;		/* x86_64: EFLAGS.AC raises BUS_ADRALN */
	char ac_why[320];
	int pkeys_ok;		/* x86_64: protection keys usable */
	char pkeys_why[320];
	int requeue_ok;		/* a SIGSEGV with si_code > 0 queued to oneself kills */
	int requeue_status;	/* else: how the process ended instead */
	char requeue_why[320];
	/* A process-directed SIGSEGV sent by kill() [0] or sigqueue() [1] from a
	   thread that blocks it reaches the thread that does not. */
	int procsig_ok[2];
	char procsig_why[2][320];
	/* A signal frame for an SA_ONSTACK handler, no alternate stack, below
	   the deepest point the main stack has reached: the handler runs. */
	int new_depth_ok;
	char new_depth_why[320];
};
extern struct platform plat;

/* Probe the platform; prints its findings as TAP comments. */
void platform_probe(void);
/* Why SIGSEGV/SIGBUS range checks cannot work here, or NULL when they can. */
const char *platform_segv_unusable(void);
const char *platform_bus_unusable(void);
/*
 * The kill() (0) or sigqueue() (1) probe run again, up to tries times:
 * the try in which the platform lost the signal, else 0.
 */
int platform_procsig_lost(int by_sigqueue, int tries);

/* ---- entry points ---- */

typedef size_t (*copy_fn)(void *dst, const void *src, size_t len);

struct entry {
	const char *name;
	copy_fn copy;
	int recovers_dst;	/* copy_mc_to_user: faults writing dst stop the copy */
};
extern const struct entry entry_to_kernel, entry_to_user;

/* ---- the case table ---- */

struct case_ctx {
	const char *backend;
	const struct entry *e;	/* NULL for cases not tied to one entry point */
	int param;
	uint64_t seed;		/* this case's own seed, derived from --seed */
};

enum {
	PER_ENTRY = 1,		/* run once for each entry point */
	TO_USER_ONLY = 2,	/* ... only for copy_mc_to_user */
	TO_KERNEL_ONLY = 4,	/* ... only for copy_mc_to_kernel */
	ONCE = 8,		/* not per backend (API cases) */
	X86_64_ONLY = 16,
};

struct case_def {
	const char *name;			/* the rule, in the words of contract.md */
	const char *points[MAX_POINTS];		/* one test point each; none: one point */
	void (*run)(const struct case_ctx *);
	unsigned flags;
	int param;
	const char *only_backend;		/* run for this backend only */
};

struct group {
	const char *name;
	const char *what;
	const struct case_def *cases;		/* ends with a zeroed entry */
};

extern const struct case_def cases_api[], cases_copy[], cases_source[],
	cases_poison[], cases_dest[], cases_reject[], cases_chain[], cases_coexist[];

/* The suite run again as one coexistence scenario (cases_coexist.c). */
int coexist_scenario_main(int argc, char **argv);

/* ---- reporting, from a case's process or any of its children ---- */

/* A failed check of point k; only the first one per point is written out. */
void fail(int k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Point k cannot be checked here (kept only if the point has no failure). */
void skip(int k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sleep ms milliseconds, through EINTR. */
void sleep_ms(long ms);
/* A TAP comment printed with the case. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failed(int k);
/*
 * Read one byte so that the read really happens, here and under valgrind
 * (whose translation drops a load whose value is never used, volatile or
 * not): a read that must fault goes through this.
 */
void read_byte(const volatile void *p);
/* Where the case is now, for the report if its process dies (4 size_t). */
void progress(const char *fmt, size_t a, size_t b, size_t c, size_t d);

/* ---- memory areas ---- */

enum fault {
	F_NONE,			/* all accessible */
	F_PROT_NONE,		/* mprotect(PROT_NONE) */
	F_HOLE,			/* munmap()ed */
	F_EOF,			/* shared file mapping beyond end of file */
	F_READONLY,		/* mprotect(PROT_READ) */
	F_PKEY,			/* x86_64: protection key denying access */
};
extern const char *const fault_name[];

/*
 * [guard page][good bytes: read/write][bad bytes: fault kind f][guard page]
 * edge is the first bad byte; lo the first good one.  Sizes round up to pages.
 */
struct area {
	unsigned char *map, *lo, *edge;
	size_t map_len, good, bad;
	int fd, pkey;
};
int area_make(struct area *a, enum fault f, size_t good, size_t bad, char *why, size_t whylen);
void area_free(struct area *a);
/* True while the hole of an F_HOLE area is still unmapped (nothing moved in). */
int area_hole_intact(const struct area *a);

#define GUARD_BYTE 0xA5		/* never occurs in a pattern */
#define GUARD_LEN 128		/* guard bytes checked each side of dst */
#define ERRNO_SENTINEL 4242

/* Position-dependent bytes, never 0 nor GUARD_BYTE, no short period. */
void pattern_fill(unsigned char *p, size_t n, uint64_t salt);
size_t first_not(const unsigned char *p, size_t n, unsigned char v);
size_t first_diff(const unsigned char *a, const unsigned char *b, size_t n);

static inline uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static inline size_t rnd_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(splitmix(s) % n) : 0;
}

/* ---- subjects: forked children that may die ---- */

/* Exit statuses a subject uses to say how it ended. */
enum {
	SUBJ_OK = 0,
	SUBJ_FAILED = 1,	/* a check failed, reported with fail() */
	SUBJ_RECOVERED = 90,	/* a copy returned a short count for a fault it must not recover */
	SUBJ_SURVIVED = 91,	/* the signal was lost: nothing happened */
	SUBJ_NO_TRACEME = 92,
	SUBJ_SETUP = 93,	/* could not set up (mmap, ...) */
};

typedef int (*subject_fn)(void *arg);

struct subject_result {
	int status;		/* waitpid status */
	int traced;
	int stops;		/* signal-delivery-stops seen by the tracer */
	int rewritten;		/* how many of them were rewritten */
	int have_first;
	siginfo_t first;	/* the first signal as delivered (after a rewrite) */
	siginfo_t last;		/* the last one, which is the fatal one if it died */
	char why[200];		/* why tracing did not work */
};

/* A rewrite of signal-delivery-stops of from_sig into signo/code. */
struct rewrite {
	int from_sig;
	int signo, code;
	int set_addr;		/* replace si_addr by addr */
	void *addr;
	int lsb;		/* si_addr_lsb, for BUS_MCEERR_* */
	int every;		/* every stop (a backend may retry), else the first only */
	long addr_shift;	/* > 0: si_addr moved by that much, a lie: back when that */
	const volatile uintptr_t *lie_floor;	/* stays at or above *lie_floor (the */
};				/* copy's src), else forward within its page */

/* Fork a subject (alarm(20)); traced: it asks to be traced and stops first. */
pid_t subject_fork(subject_fn fn, void *arg, int traced);
int ptrace_traceme(void);
/* In a traced subject: what follows is the act that must kill it (its first
 * signal from now on is the original one the fatal signal must match). */
void subject_mark(void);
/* Run fn in a child with alarm(20); fills res->status. */
void subject_run(subject_fn fn, void *arg, struct subject_result *res);
/* The same under ptrace; rw may be NULL (observe only).  -1 if tracing failed. */
int subject_run_traced(subject_fn fn, void *arg, const struct rewrite *rw,
		       struct subject_result *res);
/* Traced when ptrace works here, else plain. */
void subject_run_observed(subject_fn fn, void *arg, struct subject_result *res);

/* "exited with status 1", "killed by SIGSEGV", ... */
const char *status_str(int status, char *buf, size_t n);
const char *sig_str(int sig);
const char *code_str(int sig, int code);

/*
 * Point k: the subject must have died of sig; when traced, the fatal signal
 * must carry the siginfo the first delivered signal had (the outcome never
 * depends on the fault repeating).  what says what the subject did.
 */
void expect_death(int k, const char *what, const struct subject_result *res, int sig);

#endif /* CONFORMANCE_H */
