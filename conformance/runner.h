/*
 * runner.h - the suite's side of the case runner (runner.c): run a case in
 * a child, print its test points as TAP, print the plan and the totals.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include "conformance.h"

/*
 * Grow the main thread's stack by STACK_RESERVE bytes below the caller (see
 * runner.c: valgrind); main calls it first.
 */
#define STACK_RESERVE (512 * 1024)
void runner_reserve_stack(void);
void runner_init(void);
/* Run cd (for entry point e, or NULL) in a child; skip_all: skip every point. */
void run_case(const char *backend, const struct case_def *cd, const struct entry *e,
	      const char *skip_all);
void tap_comment(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Plan line and "N passed, N failed, N skipped"; returns the exit status. */
int tap_finish(void);

/* In a newly forked child: its own count of failed checks. */
void runner_forked(void);
/* A subject is done: write how many checks failed in it. */
void runner_subject_done(void);

#endif /* RUNNER_H */
