/*
 * copy_powerpc64.S - the powerpc64 backend, for ELFv2 (ppc64le) and ELFv1
 * (ppc64 big-endian): byte-align the source to 8, copy 32-byte blocks with
 * ld/std, then 16-byte blocks, then the byte tail.  A faulting block is
 * retried byte by byte from the same (not advanced) position of both
 * pointers, so the count is exact and a destination fault never replays
 * bytes from an advanced source pointer.
 */
#include "../../generic/extable.h"

#if defined(_CALL_ELF) && _CALL_ELF == 2
	.abiversion 2
#endif

/*
 * Function entry for both ABIs.  ELFv2: the symbol is the code; no TOC is
 * used, so the global and local entry points coincide.  ELFv1: the
 * C-callable symbol is a descriptor in .opd, the code starts at .L.name,
 * and the exception table (which the handler compares with the NIP) only
 * ever names code labels.
 */
.macro PPC64_ENTRY name
	.globl	\name
	.hidden	\name
#if defined(_CALL_ELF) && _CALL_ELF == 2
	.type	\name, @function
	.p2align 5
\name:
#else
	.pushsection ".opd", "aw"
	.p2align 3
\name:
	.quad	.L.\name, .TOC.@tocbase, 0
	.popsection
	.type	\name, @function
	.p2align 5
.L.\name:
#endif
.endm

.macro PPC64_END name
#if defined(_CALL_ELF) && _CALL_ELF == 2
	.size	\name, . - \name
#else
	.size	\name, . - .L.\name
#endif
.endm

/*
 * size_t copymc_powerpc64_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_powerpc64_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: r3 = dst, r4 = src, r5 = len (> 0, the dispatcher filters 0).
 * For the whole copy r9 = dst, r10 = src and r11 = len: the signal layer
 * reads them to check the fault address (arch/powerpc64/ucontext.h).
 * r3 and r4 are the cursors and always advance together, so r3 - r9 is
 * the number of bytes surely copied; r8 = dst + len, r7 = where the byte
 * loop stops; r0, r5, r6, r12 carry data.  A leaf: no stack frame, no TOC,
 * only volatile registers.  Returns in r3 the bytes not copied.
 *
 * The source is 8-aligned before any ld, so no load can take an
 * alignment interrupt; std to an unaligned destination is handled by the
 * hardware (or emulated by the kernel) on normal memory.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.  Every access is written with its entry (COPYMC_RD,
 * COPYMC_WR: generic/extable.h).
 */
.macro PPC64_COPY name, wkind
	PPC64_ENTRY \name
	.cfi_startproc
	mr	%r9, %r3
	mr	%r10, %r4
	mr	%r11, %r5
	add	%r8, %r3, %r5
.Lnext\@:
	subf.	%r5, %r3, %r8		/* r5 = bytes left */
	beq	.Ldone\@
	andi.	%r6, %r4, 7
	bne	.Lhead_tail\@		/* source not yet 8-aligned */
	cmpldi	%r5, 16
	blt	.Lhead_tail\@		/* tail */
	cmpldi	%r5, 32
	blt	.Lblock16\@
	srdi	%r6, %r5, 5		/* 32-byte blocks */
	mtctr	%r6
	.p2align 4
1:	COPYMC_RD	.Lfix_block32\@, ld %r5, 0(%r4)
	COPYMC_RD	.Lfix_block32\@, ld %r6, 8(%r4)
	COPYMC_RD	.Lfix_block32\@, ld %r0, 16(%r4)
	COPYMC_RD	.Lfix_block32\@, ld %r12, 24(%r4)
	COPYMC_WR	\wkind, .Lfix_block32\@, std %r5, 0(%r3)
	COPYMC_WR	\wkind, .Lfix_block32\@, std %r6, 8(%r3)
	COPYMC_WR	\wkind, .Lfix_block32\@, std %r0, 16(%r3)
	COPYMC_WR	\wkind, .Lfix_block32\@, std %r12, 24(%r3)
	addi	%r4, %r4, 32
	addi	%r3, %r3, 32
	bdnz	1b
	b	.Lnext\@

.Lblock16\@:
	COPYMC_RD	.Lfix_block16\@, ld %r5, 0(%r4)
	COPYMC_RD	.Lfix_block16\@, ld %r6, 8(%r4)
	COPYMC_WR	\wkind, .Lfix_block16\@, std %r5, 0(%r3)
	COPYMC_WR	\wkind, .Lfix_block16\@, std %r6, 8(%r3)
	addi	%r4, %r4, 16
	addi	%r3, %r3, 16
	b	.Lnext\@

	/*
	 * Fewer than 16 bytes left: all of them; otherwise the bytes up to
	 * the source's next 8-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	neg	%r6, %r4
	andi.	%r6, %r6, 7
	cmpldi	%r5, 16
	bge	13f
	mr	%r6, %r5
13:	add	%r7, %r3, %r6
	/* bytes [r3, r7): the head, the tail, or a faulted block */
14:	COPYMC_RD	.Lfix_byte\@, lbz %r5, 0(%r4)
	COPYMC_WR	\wkind, .Lfix_byte\@, stb %r5, 0(%r3)
	addi	%r4, %r4, 1
	addi	%r3, %r3, 1
	cmpld	%r3, %r7
	blt	14b
	b	.Lnext\@

.Ldone\@:
	li	%r3, 0
	blr

	/*
	 * A load or store of a block faulted before the cursors moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block32\@:
	addi	%r7, %r3, 32
	b	14b
.Lfix_block16\@:
	addi	%r7, %r3, 16
	b	14b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	subf	%r3, %r3, %r8
	blr
	.cfi_endproc
	PPC64_END \name
.endm

	.text
	PPC64_COPY copymc_powerpc64_to_kernel, 0
	PPC64_COPY copymc_powerpc64_to_user, COPYMC_EX_WRITE

	.section .note.GNU-stack, "", @progbits
