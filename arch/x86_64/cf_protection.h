/*
 * cf_protection.h - Intel CET for the x86_64 assembly: an endbr64 landing
 * pad at every entry an indirect branch can reach, and the GNU property
 * note that tells the linker this object is IBT and shadow-stack clean.
 * Both only when the compiler says __CET__ (-fcf-protection): without it
 * the objects are exactly what they were.  Included from assembly only.
 *
 * Entries that need the pad: the backend bodies, reached through the
 * backend table by the dispatcher's indirect jump (generic/dispatch.c),
 * and the public entry points, reached through the PLT or a function
 * pointer.  Local labels are reached by direct jumps only and get none.
 *
 * The fixups are reached by sigreturn to a rewritten pc, not by a branch:
 * the interrupted instruction is a load, a store or a rep movsb, never an
 * indirect branch, so no landing pad is pending there.  Every fixup path
 * runs in the frame of the body that faulted, with the stack pointer
 * untouched, and leaves it by its own ret to the return address its caller
 * pushed: the shadow stack always matches, and no path leaves a body by a
 * jump, a longjmp or a stack switch.
 */
#ifndef COPYMC_X86_64_CF_PROTECTION_H
#define COPYMC_X86_64_CF_PROTECTION_H

/* __CET__: bit 0 IBT (-fcf-protection=branch), bit 1 SHSTK (=return). */
#if defined(__CET__) && (__CET__ & 1)
# define COPYMC_ENDBR endbr64
#else
# define COPYMC_ENDBR
#endif

#ifdef __CET__
# define COPYMC_CET_FEATURES (__CET__&3)	/* no spaces: one macro argument */
#else
# define COPYMC_CET_FEATURES 0
#endif

/*
 * COPYMC_CET_PROPERTY_NOTE: at the end of every x86_64 .S, the IBT and
 * SHSTK bits the compiler was asked for (none without __CET__).
 */
#include "../../generic/gnu_property.h"
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002
#define COPYMC_CET_PROPERTY_NOTE \
	COPYMC_GNU_PROPERTY GNU_PROPERTY_X86_FEATURE_1_AND, COPYMC_CET_FEATURES

#endif /* COPYMC_X86_64_CF_PROTECTION_H */
