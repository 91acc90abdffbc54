/*
 * copy_fragile.S - the x86_64 "fragile" backend: byte-align the source,
 * copy aligned 8-byte words, then the tail.  For CPUs whose machine-check
 * recovery does not cover fast-string instructions.  A faulting word is
 * retried byte by byte from the same (not advanced) position, so the
 * count is exact and the destination prefix is never rewritten.
 */
#include "../../generic/extable.h"
#include "cf_protection.h"

/*
 * size_t copymc_fragile_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_fragile_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: rdi = dst, rsi = src, rdx = len (> 0).  For the whole copy
 * r8 = dst, r9 = src, rdx = len (arch/x86_64/ucontext.h reads them) and
 * r11 = bytes done so far.  Returns in rax the bytes not copied.
 * wkind: COPYMC_EX_WRITE for the _to_user body, 0 for _to_kernel.
 *
 * Under valgrind (default options) a register written since the last
 * conditional branch may read stale in the handler, and a fault in an
 * unrolled loop iteration is reported at the loop's branch: the fixups
 * trust only r8, r9, rdx (never written again) and r11, which nothing
 * writes between a branch and the access it guards.
 */
.macro FRAGILE_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
	COPYMC_ENDBR
	movq	%rdi, %r8
	movq	%rsi, %r9
	xorl	%r11d, %r11d
.Lnext\@:
	movq	%rdx, %rcx
	subq	%r11, %rcx		/* rcx = bytes left */
	jz	.Ldone\@
	leaq	(%r9,%r11), %rax
	testb	$7, %al
	jnz	.Lone_byte\@		/* source not yet 8-aligned */
	cmpq	$8, %rcx
	jb	.Lone_byte\@		/* tail */
	shrq	$3, %rcx
	.p2align 5		/* the 17-byte loop within one 32-byte fetch block */
1:	COPYMC_RD	.Lfix_load\@, movq (%r9,%r11), %rax
	COPYMC_WR	\wkind, .Lfix_words\@, movq %rax, (%r8,%r11)
	addq	$8, %r11
	decq	%rcx
5:	jnz	1b
	jmp	.Lnext\@

.Lone_byte\@:
	leaq	1(%r11), %r10
	/* bytes [r11, r10): one of the head or tail, or a faulted word */
3:	COPYMC_RD	.Lfix_byte\@, movzbl (%r9,%r11), %eax
	COPYMC_WR	\wkind, .Lfix_byte\@, movb %al, (%r8,%r11)
	incq	%r11
	cmpq	%r10, %r11
6:	jb	3b
	jmp	.Lnext\@

.Ldone\@:
	xorl	%eax, %eax
	ret

	/*
	 * A word load or store faulted: retry its 8 bytes one by one (never
	 * past len, whatever r11 says).
	 */
.Lfix_words\@:
	leaq	8(%r11), %r10
	cmpq	%rdx, %r10
	cmova	%rdx, %r10
7:	jmp	3b

	/*
	 * A word load faulted: the source is 8-aligned in the loop, so the
	 * word lies in one page and one line, and its first byte is the
	 * first that cannot be read; no byte retry, no second fault.  (A
	 * store may straddle two pages of dst: its fault is retried by bytes.)
	 */
.Lfix_load\@:
	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	movq	%rdx, %rax
	subq	%r11, %rax
	ret
	.cfi_endproc
	.size	\name, . - \name

	/*
	 * valgrind reports a fault in an unrolled iteration of a loop at the
	 * loop's branch (5, 6), and one of the access a followed jump leads
	 * to at the jump (7), with the registers as they are there: r11 is
	 * then the offset of the word (byte) that faulted, as nothing changes
	 * r11 between the branch and the access.
	 */
	COPYMC_EXTABLE 5b, .Lfix_words\@, COPYMC_EX_READ | \wkind
	COPYMC_EXTABLE 6b, .Lfix_byte\@, COPYMC_EX_READ | \wkind
	COPYMC_EXTABLE 7b, .Lfix_byte\@, COPYMC_EX_READ | \wkind
.endm

	.text
	FRAGILE_COPY copymc_fragile_to_kernel, 0
	FRAGILE_COPY copymc_fragile_to_user, COPYMC_EX_WRITE

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
