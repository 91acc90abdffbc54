/*
 * copy_riscv64.S - the riscv64 backend (RV64I): byte-align the source to
 * 8, copy 32-byte blocks with ld/sd, then a 16-byte block, then the byte
 * tail.  A faulting block is retried byte by byte from the same (not
 * advanced) position of both pointers, so the count is exact and the
 * destination prefix is never rewritten with other data.
 */
#include "../../generic/extable.h"

/*
 * size_t copymc_riscv64_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_riscv64_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: a0 = dst, a1 = src, a2 = len (> 0, the dispatcher filters 0).
 * For the whole copy a5 = dst, a6 = src and a7 = len: the signal layer
 * reads them to check the fault address (arch/riscv64/ucontext.h).  a0
 * and a1 are the cursors and always advance together, so a0 - a5 is the
 * number of bytes surely copied; a4 = dst + len, a3 = where the byte loop
 * stops.  Returns in a0 the bytes not copied.  A leaf: no stack.
 *
 * The blocks run only where dst and src have the same alignment modulo 8,
 * once the source is 8-aligned: no ld or sd is misaligned, so none spans
 * two pages and none depends on the kernel's or the firmware's emulation
 * of misaligned accesses (whose faults come as SIGBUS BUS_ADRALN, not a
 * copy's).  Other copies go by bytes.  wkind is COPYMC_EX_WRITE for the _to_user body and 0
 * for _to_kernel: a store fault in copy_mc_to_kernel has no table entry
 * and crashes as it would in memcpy.  Every access is written with its
 * entry (COPYMC_RD, COPYMC_WR: generic/extable.h).
 */
.macro RISCV64_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 2
\name:
	.cfi_startproc
	mv	a5, a0
	mv	a6, a1
	mv	a7, a2
	add	a4, a0, a2
.Lnext\@:
	sub	t6, a4, a0		/* t6 = bytes left */
	beqz	t6, .Ldone\@
	xor	t4, a0, a1
	andi	t4, t4, 7
	bnez	t4, .Lbytes\@		/* dst and src of different alignment */
	andi	t4, a1, 7
	bnez	t4, .Lhead_tail\@	/* source not yet 8-aligned */
	li	t4, 16
	bltu	t6, t4, .Lhead_tail\@	/* tail */
	li	t4, 32
	bltu	t6, t4, .Lblock16\@
	srli	t5, t6, 5		/* t5 = 32-byte blocks */
1:	COPYMC_RD	.Lfix_block32\@, ld t0, 0(a1)
	COPYMC_RD	.Lfix_block32\@, ld t1, 8(a1)
	COPYMC_RD	.Lfix_block32\@, ld t2, 16(a1)
	COPYMC_RD	.Lfix_block32\@, ld t3, 24(a1)
	COPYMC_WR	\wkind, .Lfix_block32\@, sd t0, 0(a0)
	COPYMC_WR	\wkind, .Lfix_block32\@, sd t1, 8(a0)
	COPYMC_WR	\wkind, .Lfix_block32\@, sd t2, 16(a0)
	COPYMC_WR	\wkind, .Lfix_block32\@, sd t3, 24(a0)
	addi	a1, a1, 32
	addi	a0, a0, 32
	addi	t5, t5, -1
	bnez	t5, 1b
	j	.Lnext\@

.Lblock16\@:
	COPYMC_RD	.Lfix_block16\@, ld t0, 0(a1)
	COPYMC_RD	.Lfix_block16\@, ld t1, 8(a1)
	COPYMC_WR	\wkind, .Lfix_block16\@, sd t0, 0(a0)
	COPYMC_WR	\wkind, .Lfix_block16\@, sd t1, 8(a0)
	addi	a1, a1, 16
	addi	a0, a0, 16
	j	.Lnext\@

	/*
	 * Fewer than 16 bytes left: all of them; otherwise the bytes up to
	 * the source's next 8-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	neg	t5, a1
	andi	t5, t5, 7
	li	t4, 16
	bgeu	t6, t4, 2f
	mv	t5, t6
2:	add	a3, a0, t5
	j	3f
.Lbytes\@:
	mv	a3, a4
	/* bytes [a0, a3): the head, the tail, a faulted block, or all */
3:	COPYMC_RD	.Lfix_byte\@, lbu t0, 0(a1)
	COPYMC_WR	\wkind, .Lfix_byte\@, sb t0, 0(a0)
	addi	a1, a1, 1
	addi	a0, a0, 1
	bltu	a0, a3, 3b
	j	.Lnext\@

.Ldone\@:
	li	a0, 0
	ret

	/*
	 * A load or store of a block faulted before the cursors moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block32\@:
	addi	a3, a0, 32
	j	3b
.Lfix_block16\@:
	addi	a3, a0, 16
	j	3b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	sub	a0, a4, a0
	ret
	.cfi_endproc
	.size	\name, . - \name
.endm

	.text
	RISCV64_COPY copymc_riscv64_to_kernel, 0
	RISCV64_COPY copymc_riscv64_to_user, COPYMC_EX_WRITE

	.section .note.GNU-stack, "", @progbits
