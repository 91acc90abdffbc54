/*
 * copy_s390x.S - the s390x backend (z/Architecture): byte-align the source
 * to 8, copy 32-byte blocks with lg/stg, then a 16-byte block, then the
 * byte tail.  A faulting block is retried byte by byte from the same (not
 * advanced) position of both pointers, so the count is exact and the
 * destination prefix is never rewritten with other data.  Big-endian
 * changes nothing here: words are copied whole and the tail by bytes.
 */
#include "../../generic/extable.h"

/*
 * size_t copymc_s390x_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_s390x_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: r2 = dst, r3 = src, r4 = len (> 0, the dispatcher filters 0).
 * r6-r13 are saved in the caller's register save area (48(r15), as the
 * ELF ABI provides it) and restored on return; no frame of its own.  For
 * the whole copy r11 = dst, r12 = src and r13 = len: the signal layer
 * reads them to check the fault address (arch/s390x/ucontext.h).  r2 and
 * r3 are the cursors and always advance together; r10 = dst + len, r1 =
 * where the byte loop stops, r0 the block count; r6-r9 carry the data.
 * Returns in r2 the bytes not copied.
 *
 * A program interruption for a page fault nullifies the instruction: the
 * PSW the handler sees points at the faulting lg, stg, llgc or stc.
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.  Every access is written with its entry (COPYMC_RD,
 * COPYMC_WR: generic/extable.h), its registers as bare numbers there: in
 * a macro argument gas reads "lg %r6" as the expression lg % r6.
 */
.macro S390X_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 3
\name:
	.cfi_startproc
	stmg	%r6, %r13, 48(%r15)
	.cfi_offset %r6, -112
	.cfi_offset %r7, -104
	.cfi_offset %r8, -96
	.cfi_offset %r9, -88
	.cfi_offset %r10, -80
	.cfi_offset %r11, -72
	.cfi_offset %r12, -64
	.cfi_offset %r13, -56
	lgr	%r11, %r2
	lgr	%r12, %r3
	lgr	%r13, %r4
	la	%r10, 0(%r4, %r2)	/* r10 = dst + len */
.Lnext\@:
	lgr	%r1, %r10
	sgr	%r1, %r2		/* r1 = bytes left */
	jz	.Ldone\@
	tmll	%r3, 7
	jnz	.Lhead_tail\@		/* source not yet 8-aligned */
	clgfi	%r1, 16
	jl	.Lhead_tail\@		/* tail */
	clgfi	%r1, 32
	jl	.Lblock16\@
	srlg	%r0, %r1, 5		/* r0 = 32-byte blocks */
1:	COPYMC_RD	.Lfix_block32\@, lg 6,0(3)
	COPYMC_RD	.Lfix_block32\@, lg 7,8(3)
	COPYMC_RD	.Lfix_block32\@, lg 8,16(3)
	COPYMC_RD	.Lfix_block32\@, lg 9,24(3)
	COPYMC_WR	\wkind, .Lfix_block32\@, stg 6,0(2)
	COPYMC_WR	\wkind, .Lfix_block32\@, stg 7,8(2)
	COPYMC_WR	\wkind, .Lfix_block32\@, stg 8,16(2)
	COPYMC_WR	\wkind, .Lfix_block32\@, stg 9,24(2)
	la	%r3, 32(%r3)
	la	%r2, 32(%r2)
	brctg	%r0, 1b
	j	.Lnext\@

.Lblock16\@:
	COPYMC_RD	.Lfix_block16\@, lg 6,0(3)
	COPYMC_RD	.Lfix_block16\@, lg 7,8(3)
	COPYMC_WR	\wkind, .Lfix_block16\@, stg 6,0(2)
	COPYMC_WR	\wkind, .Lfix_block16\@, stg 7,8(2)
	la	%r3, 16(%r3)
	la	%r2, 16(%r2)
	j	.Lnext\@

	/*
	 * Fewer than 16 bytes left: all of them; otherwise the bytes up to
	 * the source's next 8-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	lcgr	%r0, %r3
	lghi	%r6, 7
	ngr	%r0, %r6
	clgfi	%r1, 16
	jhe	2f
	lgr	%r0, %r1
2:	lgr	%r1, %r2		/* not la: r0 as an index is 0 */
	agr	%r1, %r0
	/* bytes [r2, r1): the head, the tail, or a faulted block */
3:	COPYMC_RD	.Lfix_byte\@, llgc 6,0(3)
	COPYMC_WR	\wkind, .Lfix_byte\@, stc 6,0(2)
	la	%r3, 1(%r3)
	la	%r2, 1(%r2)
	clgr	%r2, %r1
	jl	3b
	j	.Lnext\@

.Ldone\@:
	lghi	%r2, 0
	lmg	%r6, %r13, 48(%r15)
	br	%r14

	/*
	 * A load or store of a block faulted before the cursors moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block32\@:
	la	%r1, 32(%r2)
	j	3b
.Lfix_block16\@:
	la	%r1, 16(%r2)
	j	3b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	lgr	%r1, %r10
	sgr	%r1, %r2
	lgr	%r2, %r1
	lmg	%r6, %r13, 48(%r15)
	br	%r14
	.cfi_endproc
	.size	\name, . - \name
.endm

	.text
	S390X_COPY copymc_s390x_to_kernel, 0
	S390X_COPY copymc_s390x_to_user, COPYMC_EX_WRITE

	.section .note.GNU-stack, "", @progbits
