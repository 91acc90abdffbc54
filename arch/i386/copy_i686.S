/*
 * copy_i686.S - the i686 backends: byte-align the source to 4, copy
 * 16-byte blocks, as 4-byte words (movl: "i686") or as one SSE2 vector
 * (movdqu: "sse2", where CPUID says SSE2; backends.c), then the byte
 * tail.  A faulting block is retried byte by byte from the same (not
 * advanced) position, so the count is exact and the destination prefix
 * is never rewritten with other data.
 */
#include "../../generic/extable.h"

/*
 * size_t copymc_i686_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_i686_to_user(void *dst, const void *src, size_t len)
 *
 * cdecl: the arguments are on the stack.  The body pushes ebx, esi, edi
 * and ebp and then never moves esp, so for the whole copy its arguments
 * are at 20, 24 and 28(%esp), where the signal layer reads them
 * (arch/i386/ucontext.h).  edi = dst and esi = src stay put, edx = bytes
 * surely copied (both pointers' offset), ebx = len, ebp = where the
 * current loop stops; eax and ecx carry the data.  Returns in eax the
 * bytes not copied.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.  Every access is written with its entry (COPYMC_RD,
 * COPYMC_WR: generic/extable.h).
 */
#define I686_ARGS 20	/* 4 pushes: the arguments from here */

.macro I686_COPY name, wkind, sse2
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
	pushl	%ebx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebx, 0
	pushl	%esi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %esi, 0
	pushl	%edi
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %edi, 0
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebp, 0
	movl	I686_ARGS(%esp), %edi
	movl	I686_ARGS+4(%esp), %esi
	movl	I686_ARGS+8(%esp), %ebx
	xorl	%edx, %edx
.Lnext\@:
	movl	%ebx, %ecx
	subl	%edx, %ecx		/* ecx = bytes left */
	jz	.Ldone\@
	leal	(%esi,%edx), %eax
	testb	$3, %al
	jnz	.Lhead_tail\@		/* source not yet 4-aligned */
	cmpl	$16, %ecx
	jb	.Lhead_tail\@		/* tail */
	andl	$-16, %ecx
	leal	(%edx,%ecx), %ebp	/* the end of the 16-byte blocks */
	.p2align 4
1:
	.if \sse2
	COPYMC_RD	.Lfix_block\@, movdqu (%esi,%edx), %xmm0
	COPYMC_WR	\wkind, .Lfix_block\@, movdqu %xmm0, (%edi,%edx)
	.else
	COPYMC_RD	.Lfix_block\@, movl (%esi,%edx), %eax
	COPYMC_RD	.Lfix_block\@, movl 4(%esi,%edx), %ecx
	COPYMC_WR	\wkind, .Lfix_block\@, movl %eax, (%edi,%edx)
	COPYMC_WR	\wkind, .Lfix_block\@, movl %ecx, 4(%edi,%edx)
	COPYMC_RD	.Lfix_block\@, movl 8(%esi,%edx), %eax
	COPYMC_RD	.Lfix_block\@, movl 12(%esi,%edx), %ecx
	COPYMC_WR	\wkind, .Lfix_block\@, movl %eax, 8(%edi,%edx)
	COPYMC_WR	\wkind, .Lfix_block\@, movl %ecx, 12(%edi,%edx)
	.endif
	addl	$16, %edx
	cmpl	%ebp, %edx
	jb	1b
	jmp	.Lnext\@

	/*
	 * Fewer than 16 bytes left: all of them; otherwise the bytes up to
	 * the source's next 4-byte boundary (not 0: it is misaligned).
	 */
.Lhead_tail\@:
	negl	%eax
	andl	$3, %eax
	cmpl	$16, %ecx
	jae	2f
	movl	%ecx, %eax
2:	leal	(%edx,%eax), %ebp
	/* bytes [edx, ebp): the head, the tail, or a faulted block */
3:	COPYMC_RD	.Lfix_byte\@, movzbl (%esi,%edx), %eax
	COPYMC_WR	\wkind, .Lfix_byte\@, movb %al, (%edi,%edx)
	incl	%edx
	cmpl	%ebp, %edx
	jb	3b
	jmp	.Lnext\@

	/*
	 * A load or store of a block faulted before the cursor moved: none
	 * of its stores is trusted, retry all of it byte by byte.
	 */
.Lfix_block\@:
	leal	16(%edx), %ebp
	jmp	3b

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	movl	%ebx, %eax
	subl	%edx, %eax
	jmp	.Lreturn\@

.Ldone\@:
	xorl	%eax, %eax
.Lreturn\@:
	popl	%ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebp
	popl	%edi
	.cfi_adjust_cfa_offset -4
	.cfi_restore %edi
	popl	%esi
	.cfi_adjust_cfa_offset -4
	.cfi_restore %esi
	popl	%ebx
	.cfi_adjust_cfa_offset -4
	.cfi_restore %ebx
	ret
	.cfi_endproc
	.size	\name, . - \name
.endm

	.text
	I686_COPY copymc_i686_to_kernel, 0, 0
	I686_COPY copymc_i686_to_user, COPYMC_EX_WRITE, 0
	I686_COPY copymc_i686_sse2_to_kernel, 0, 1
	I686_COPY copymc_i686_sse2_to_user, COPYMC_EX_WRITE, 1

	.section .note.GNU-stack, "", @progbits
