/*
 * extable.h - the exception table shared by the assembly backends and the
 * signal layer.  Each entry names one load or store that may fault, the
 * fixup the handler resumes at, and which faults it may recover.
 * Included from C and from assembly (.S).
 */
#ifndef COPYMC_EXTABLE_H
#define COPYMC_EXTABLE_H

/* Entry kinds (bit set). */
#define COPYMC_EX_READ  1	/* a load from src: recovered for both entry points */
#define COPYMC_EX_WRITE 2	/* a store to dst: only ever emitted in a _to_user body */
/*
 * Modifier: the fixup wants the fault address as a second witness.  For a
 * page fault (SEGV_MAPERR, SEGV_ACCERR, SEGV_PKUERR, BUS_ADRERR), whose
 * si_addr lies in the very page that could not be accessed, the handler
 * resumes at the fixup with si_addr in the arch's witness register (its
 * ucontext.h's copymc_uc_set_witness); for a memory error (BUS_MCEERR_AR),
 * with the start of the poisoned granule it reports (si_addr rounded down
 * to 1 << si_addr_lsb); for any other fault, with all ones.  The fixup
 * trusts it only where it agrees to the byte with what the instruction
 * itself shows (contract.md: never si_addr alone), and otherwise retries
 * byte by byte as usual.
 */
#define COPYMC_EX_ADDR  4
/*
 * Modifier: a string instruction whose count register the handler
 * restates from the copy's own registers before a fault that is not the
 * copy's goes on (copymc_uc_restate_rep_count: the count the
 * instruction has left, from len and how far its source got).  Natively
 * it holds that value already; valgrind reports it one short, and the
 * instruction, run again when the fault is passed on by letting it
 * repeat, would skip the byte that faulted instead of faulting again.
 */
#define COPYMC_EX_REP   8

#ifdef __ASSEMBLER__

/*
 * Only the __start_/__stop_ pair refers to the table, and lld (since 13)
 * no longer counts such a reference when it collects unused sections:
 * the section is marked retained (SHF_GNU_RETAIN), which bfd, gold and
 * lld all keep through --gc-sections, wherever the assembler can say so
 * (configure defines COPYMC_SECTION_RETAIN then).
 */
#ifdef COPYMC_SECTION_RETAIN
# define COPYMC_EXTABLE_FLAGS "aR"
#else
# define COPYMC_EXTABLE_FLAGS "a"
#endif

/*
 * COPYMC_EXTABLE insn, fixup, kind
 * Offsets are relative to the entry's own fields, so the table needs no
 * relocations and works unchanged in a shared library.
 */
.macro COPYMC_EXTABLE insn, fixup, kind
	.pushsection copymc_extable, COPYMC_EXTABLE_FLAGS
	.balign 4
	.long \insn - .
	.long \fixup - .
	.long \kind
	.popsection
.endm

/*
 * The instruction-site idiom of every port: an access that may fault is
 * written with its entry, in one line, so that none is left out of the
 * table and none is given the wrong kind.  The local label 99 is theirs.
 *
 *   COPYMC_RD fixup, insn          a load from src: recovered in both
 *                                  entry points
 *   COPYMC_RDA fixup, insn         the same, and the fixup gets the
 *                                  witness (COPYMC_EX_ADDR)
 *   COPYMC_WR wkind, fixup, insn   a store to dst: an entry only in the
 *                                  _to_user body (wkind COPYMC_EX_WRITE;
 *                                  0 in _to_kernel, which crashes as
 *                                  memcpy would)
 *   COPYMC_WRA wkind, fixup, insn  the same, with the witness
 */
.macro COPYMC_RD fixup, insn:vararg
99:	\insn
	COPYMC_EXTABLE 99b, \fixup, COPYMC_EX_READ
.endm

.macro COPYMC_RDA fixup, insn:vararg
99:	\insn
	COPYMC_EXTABLE 99b, \fixup, COPYMC_EX_READ | COPYMC_EX_ADDR
.endm

.macro COPYMC_WR wkind, fixup, insn:vararg
99:	\insn
	.if \wkind
	COPYMC_EXTABLE 99b, \fixup, \wkind
	.endif
.endm

.macro COPYMC_WRA wkind, fixup, insn:vararg
99:	\insn
	.if \wkind
	COPYMC_EXTABLE 99b, \fixup, \wkind | COPYMC_EX_ADDR
	.endif
.endm

#else

#include <stdint.h>

struct copymc_extable_entry {
	int32_t insn;		/* faulting instruction, relative to &insn */
	int32_t fixup;		/* where to resume, relative to &fixup */
	int32_t kind;		/* COPYMC_EX_* */
};

/* Entry covering exactly this pc, or NULL. */
const struct copymc_extable_entry *copymc_extable_find(uintptr_t pc);

/* The same, over an explicit table (unit tests build their own). */
const struct copymc_extable_entry *
copymc_extable_search(const struct copymc_extable_entry *begin,
		      const struct copymc_extable_entry *end, uintptr_t pc);

static inline uintptr_t copymc_extable_insn(const struct copymc_extable_entry *e)
{
	return (uintptr_t)&e->insn + (uintptr_t)(intptr_t)e->insn;
}

static inline uintptr_t copymc_extable_fixup(const struct copymc_extable_entry *e)
{
	return (uintptr_t)&e->fixup + (uintptr_t)(intptr_t)e->fixup;
}

#endif /* __ASSEMBLER__ */
#endif /* COPYMC_EXTABLE_H */
