/*
 * extable.c - find the exception-table entry of a faulting instruction.
 * The table is a few dozen entries, so a linear scan is both fast enough
 * and trivially async-signal-safe (no sorting, no state).
 */
#include "internal.h"

/*
 * The linker provides these for the copymc_extable section.  Hidden, so a
 * program that links two copies of the library (or another library with a
 * section of the same name) never binds to a foreign table.
 */
extern const struct copymc_extable_entry __start_copymc_extable[] COPYMC_HIDDEN;
extern const struct copymc_extable_entry __stop_copymc_extable[] COPYMC_HIDDEN;

const struct copymc_extable_entry *
copymc_extable_search(const struct copymc_extable_entry *begin,
		      const struct copymc_extable_entry *end, uintptr_t pc)
{
	for (const struct copymc_extable_entry *e = begin; e < end; e++)
		if (copymc_extable_insn(e) == pc)
			return e;
	return NULL;
}

const struct copymc_extable_entry *copymc_extable_find(uintptr_t pc)
{
#ifdef COPYMC_HAVE_EXTABLE
	return copymc_extable_search(__start_copymc_extable,
				     __stop_copymc_extable, pc);
#else
	(void)pc;
	return NULL;
#endif
}
