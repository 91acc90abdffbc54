/*
 * sweep.h - the matrix of lengths, misalignments and fault positions the
 * copy and fault cases run through (smaller with --quick).
 */
#ifndef SWEEP_H
#define SWEEP_H

#include "conformance.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Each callback returns nonzero to stop the sweep. */
typedef int (*shape_fn)(size_t len, size_t src_off, size_t dst_off, void *arg);
typedef int (*fault_fn)(size_t len, size_t p, size_t dst_off, void *arg);

size_t sweep_max_len(void);	/* 4 pages + 8 */
int sweep_has_len(size_t n);
/* Lengths 0..sweep_max_len() with src/dst misalignments. */
void sweep_shapes(uint64_t *rng, shape_fn fn, void *arg);

size_t fault_max_len(void);	/* 4 pages or 64 KiB, the larger, + 64 */
/*
 * Faults at byte p of a len-byte copy (p == len: no fault): every p for
 * len 1..short_max, sampled p (boundaries and random) for longer lengths.
 */
void fault_shapes(uint64_t *rng, size_t short_max, fault_fn fn, void *arg);

/*
 * A source-fault sweep: src is placed so that src.edge is byte p of the copy
 * (cases_source.c).  src_fault checks one copy: check 0 the return value,
 * 1 the data and guard bytes, 2 errno, 3 the copy that follows.
 */
struct fault_sweep {
	const struct entry *e;
	int kind;
	const char *what;	/* the fault, for diagnostics */
	struct area src, dst;
	sigset_t mask;
	size_t faulted;		/* copies that should have faulted */
	void *user;		/* for a caller that wraps src_fault */
};
int src_fault(size_t len, size_t p, size_t dof, void *arg);

#endif /* SWEEP_H */
