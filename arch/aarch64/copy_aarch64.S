/*
 * copy_aarch64.S - the aarch64 backend: byte-align the source to 16, copy
 * 64-byte blocks with ldp/stp, then 16-byte blocks, then the byte tail.
 * A faulting block is retried byte by byte from the same (not advanced)
 * position of both pointers, so the count is exact and the destination
 * prefix is never rewritten with other data.
 */
#include "../../generic/extable.h"
#include "../../generic/gnu_property.h"

/*
 * size_t copymc_aarch64_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_aarch64_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: x0 = dst, x1 = src, x2 = len (> 0, the dispatcher filters 0).
 * For the whole copy x5 = dst, x6 = src and x7 = len: the signal layer
 * reads them to check the fault address (arch/aarch64/ucontext.h).
 * x0 and x1 are the cursors and always advance together, so x0 - x5 is
 * the number of bytes surely copied; x4 = dst + len, x3 = where the byte
 * loop stops.  Returns in x0 the bytes not copied.  A leaf: no stack, x30
 * never spilled, so nothing to sign for PAC.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.
 *
 * Every access is written with its exception-table entry (COPYMC_RD,
 * COPYMC_WR: generic/extable.h).
 *
 * The fixups are reached by sigreturn to the rewritten pc, not by a
 * branch: PSTATE.BTYPE comes back as saved at the faulting load or store,
 * which no indirect branch targets, so they need no BTI landing pad.
 */
.macro AARCH64_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, %function
	.p2align 6
\name:
	.cfi_startproc
	hint	#34			/* bti c */
	mov	x5, x0
	mov	x6, x1
	mov	x7, x2
	add	x4, x0, x2
.Lnext\@:
	sub	x2, x4, x0		/* x2 = bytes left */
	cbz	x2, .Ldone\@
	tst	x1, #15
	b.ne	.Lhead_tail\@		/* source not yet 16-aligned */
	cmp	x2, #16
	b.lo	.Lhead_tail\@		/* tail */
	cmp	x2, #64
	b.lo	.Lblock16\@
	lsr	x9, x2, #6		/* x9 = 64-byte blocks */
	.p2align 4
1:	COPYMC_RD	.Lfix_block64\@, ldp x10, x11, [x1]
	COPYMC_RD	.Lfix_block64\@, ldp x12, x13, [x1, #16]
	COPYMC_RD	.Lfix_block64\@, ldp x14, x15, [x1, #32]
	COPYMC_RD	.Lfix_block64\@, ldp x16, x17, [x1, #48]
	COPYMC_WR	\wkind, .Lfix_block64\@, stp x10, x11, [x0]
	COPYMC_WR	\wkind, .Lfix_block64\@, stp x12, x13, [x0, #16]
	COPYMC_WR	\wkind, .Lfix_block64\@, stp x14, x15, [x0, #32]
	COPYMC_WR	\wkind, .Lfix_block64\@, stp x16, x17, [x0, #48]
	add	x1, x1, #64
	add	x0, x0, #64
	subs	x9, x9, #1
	b.ne	1b
	b	.Lnext\@

.Lblock16\@:
	COPYMC_RD	.Lfix_block16\@, ldp x10, x11, [x1]
	COPYMC_WR	\wkind, .Lfix_block16\@, stp x10, x11, [x0]
	add	x1, x1, #16
	add	x0, x0, #16
	b	.Lnext\@

	/*
	 * Fewer than 16 bytes left: all of them; otherwise the bytes up to
	 * the source's next 16-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	neg	x9, x1
	and	x9, x9, #15
	cmp	x2, #16
	csel	x9, x2, x9, lo
	add	x3, x0, x9
	/* bytes [x0, x3): the head, the tail, or a faulted block */
11:	COPYMC_RD	.Lfix_byte\@, ldrb w10, [x1]
	COPYMC_WR	\wkind, .Lfix_byte\@, strb w10, [x0]
	add	x1, x1, #1
	add	x0, x0, #1
	cmp	x0, x3
	b.lo	11b
	b	.Lnext\@

.Ldone\@:
	mov	x0, #0
	ret

	/*
	 * A load or store of a block faulted before the cursors moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block64\@:
	add	x3, x0, #64
	b	11b
.Lfix_block16\@:
	add	x3, x0, #16
	b	11b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	sub	x0, x4, x0
	ret
	.cfi_endproc
	.size	\name, . - \name
.endm

	.text
	AARCH64_COPY copymc_aarch64_to_kernel, 0
	AARCH64_COPY copymc_aarch64_to_user, COPYMC_EX_WRITE

	/*
	 * GNU property note: this object is BTI-compatible (landing pads at
	 * its entries) and PAC-compatible (leaf functions, x30 never stored),
	 * so it does not stop the linker from marking a BTI/PAC binary.
	 */
	COPYMC_GNU_PROPERTY 0xc0000000, 3	/* GNU_PROPERTY_AARCH64_FEATURE_1_AND: BTI | PAC */

	.section .note.GNU-stack, "", %progbits
