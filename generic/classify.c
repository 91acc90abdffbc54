/*
 * classify.c - which signals a copy may stop at (contract.md, "Which
 * signals are recovered", rules 1-3).  A pure function of the signal
 * number and si_code, so the unit tests can walk the whole table.
 */
#include "internal.h"

int copymc_classify(int sig, int si_code)
{
	/*
	 * Rule 2: only a fault the kernel raised for the instruction.  Every
	 * software origin (SI_USER, SI_TKILL, SI_QUEUE, ...) has si_code <= 0;
	 * SI_KERNEL is what a general-protection fault and other non-page
	 * faults report.
	 */
	if (si_code <= 0 || si_code == SI_KERNEL)
		return 0;

	/* Rules 1 and 3: a memory-access fault of a permitted type. */
	switch (sig) {
	case SIGSEGV:
		return si_code == SEGV_MAPERR || si_code == SEGV_ACCERR ||
		       si_code == SEGV_PKUERR;
	case SIGBUS:
		/* Not BUS_ADRALN (#AC) nor BUS_MCEERR_AO (not this access). */
		return si_code == BUS_ADRERR || si_code == BUS_MCEERR_AR ||
		       si_code == BUS_OBJERR;
	default:
		return 0;
	}
}

/*
 * A synchronous fault comes back when the instruction runs again; a
 * signal sent by software (si_code <= 0) and the asynchronous reports
 * (BUS_MCEERR_AO: poison found, not consumed; SEGV_MTEAERR: a tag
 * mismatch noticed later) do not.  SI_KERNEL (a general-protection
 * fault) repeats.
 */
int copymc_fault_repeats(int sig, int si_code)
{
	if (si_code <= 0)
		return 0;
	if (sig == SIGBUS && si_code == BUS_MCEERR_AO)
		return 0;
	if (sig == SIGSEGV && si_code == SEGV_MTEAERR)
		return 0;
	return 1;
}

/*
 * A memory error with no address (old kernels report BUS_MCEERR_AR so;
 * arm64 reports an external abort the firmware did not claim as
 * BUS_OBJERR with si_addr 0): the pc alone decides.
 */
int copymc_memory_error_without_address(int sig, const siginfo_t *info)
{
	return sig == SIGBUS && info->si_addr == NULL &&
	       (info->si_code == BUS_MCEERR_AR || info->si_code == BUS_OBJERR);
}

int copymc_in_range(uintptr_t addr, uintptr_t start, size_t len, uintptr_t pagesz)
{
	uintptr_t mask = ~(pagesz - 1);
	uintptr_t first = start & mask;
	uintptr_t last = (start + (len - 1)) & mask;

	/* Compared at page granularity: s390x reports only the page. */
	addr &= mask;
	return addr >= first && addr <= last;
}
