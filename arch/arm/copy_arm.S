/*
 * copy_arm.S - the 32-bit arm backends (armhf, ARMv7-A), in ARM state:
 * byte-align the source to 4, copy blocks, then the byte tail.  "arm":
 * 16-byte blocks, one ldm of four words and four str, which take any
 * destination alignment; "neon", where the CPU has NEON (backends.c):
 * 32-byte blocks, one vld1.8 and one vst1.8 of d0-d3, any alignment.
 * A faulting block is retried byte by byte from the same (not advanced)
 * position of both pointers, so the count is exact and the destination
 * prefix is never rewritten with other data.
 *
 * ARM state, whatever the compiler's default (Debian's armhf is Thumb-2):
 * the entry points are reached through the dispatcher's function pointers
 * (blx to an even address switches to ARM state), return by bx lr, and
 * the fixups are reached by sigreturn to a context whose CPSR.T is clear,
 * as it was at the faulting access.
 */
#include "../../generic/extable.h"

	.syntax unified
	.arm
	.fpu	neon

/*
 * size_t copymc_arm_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_arm_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: r0 = dst, r1 = src, r2 = len (> 0, the dispatcher filters 0).
 * For the whole copy r4 = dst, r5 = src and r6 = len (saved and restored:
 * AAPCS callee-saved): the signal layer reads them to check the fault
 * address (arch/arm/ucontext.h).  r0 and r1 are the cursors and always
 * advance together; r7 = dst + len, r12 = where the current loop stops;
 * r2, r3, r8, r9 (or d0-d3, caller-saved) carry the data.  Returns in r0 the bytes not copied.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.  Every access is written with its entry (COPYMC_RD,
 * COPYMC_WR: generic/extable.h).
 */
.macro ARM_COPY name, wkind, blk
	.globl	\name
	.hidden	\name
	.type	\name, %function
	.p2align 2
\name:
	.cfi_startproc
	push	{r4-r9}
	.cfi_adjust_cfa_offset 24
	.cfi_rel_offset r4, 0
	.cfi_rel_offset r5, 4
	.cfi_rel_offset r6, 8
	.cfi_rel_offset r7, 12
	.cfi_rel_offset r8, 16
	.cfi_rel_offset r9, 20
	mov	r4, r0
	mov	r5, r1
	mov	r6, r2
	add	r7, r0, r2
.Lnext\@:
	subs	r12, r7, r0		@ r12 = bytes left
	beq	.Ldone\@
	tst	r1, #3
	bne	.Lhead_tail\@		@ source not yet 4-aligned
	cmp	r12, #\blk
	blo	.Lhead_tail\@		@ tail
	bic	r12, r12, #\blk - 1
	add	r12, r0, r12		@ dst where the blocks end
1:
	.if \blk == 32
	COPYMC_RD	.Lfix_block\@, vld1.8 {d0-d3}, [r1]
	COPYMC_WR	\wkind, .Lfix_block\@, vst1.8 {d0-d3}, [r0]
	.else
	COPYMC_RD	.Lfix_block\@, ldm r1, {r2, r3, r8, r9}
	COPYMC_WR	\wkind, .Lfix_block\@, str r2, [r0]
	COPYMC_WR	\wkind, .Lfix_block\@, str r3, [r0, #4]
	COPYMC_WR	\wkind, .Lfix_block\@, str r8, [r0, #8]
	COPYMC_WR	\wkind, .Lfix_block\@, str r9, [r0, #12]
	.endif
	add	r1, r1, #\blk
	add	r0, r0, #\blk
	cmp	r0, r12
	blo	1b
	b	.Lnext\@

	/*
	 * Less than a block left: all of it; otherwise the bytes up to the
	 * source's next 4-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	rsb	r3, r1, #0
	and	r3, r3, #3
	cmp	r12, #\blk
	movlo	r3, r12
	add	r12, r0, r3
	@ bytes [r0, r12): the head, the tail, or a faulted block
3:	COPYMC_RD	.Lfix_byte\@, ldrb r2, [r1]
	COPYMC_WR	\wkind, .Lfix_byte\@, strb r2, [r0]
	add	r1, r1, #1
	add	r0, r0, #1
	cmp	r0, r12
	blo	3b
	b	.Lnext\@

.Ldone\@:
	mov	r0, #0
	pop	{r4-r9}
	bx	lr

	/*
	 * A load or store of a block faulted before the cursors moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block\@:
	add	r12, r0, #\blk
	b	3b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	sub	r0, r7, r0
	pop	{r4-r9}
	bx	lr
	.cfi_endproc
	.size	\name, . - \name
.endm

	.text
	ARM_COPY copymc_arm_to_kernel, 0, 16
	ARM_COPY copymc_arm_to_user, COPYMC_EX_WRITE, 16
	ARM_COPY copymc_neon_to_kernel, 0, 32
	ARM_COPY copymc_neon_to_user, COPYMC_EX_WRITE, 32

	.section .note.GNU-stack, "", %progbits
