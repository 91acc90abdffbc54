/*
 * copy_erms.S - the x86_64 "erms" backend: one rep movsb, and after a fault
 * a byte-by-byte retry around the point the CPU reports, so the count
 * returned never depends on the string registers alone (valgrind, for
 * one, leaves rcx off by one after a fault).
 */
#include "../../generic/extable.h"
#include "cf_protection.h"

/*
 * size_t copymc_erms_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_erms_to_user(void *dst, const void *src, size_t len)
 *
 * Entry: rdi = dst, rsi = src, rdx = len (> 0, the dispatcher filters 0),
 * DF clear as the SysV ABI guarantees.  For the whole copy r8 = dst,
 * r9 = src and rdx = len: the signal layer reads them to check the fault
 * address (arch/x86_64/ucontext.h).  Returns in rax the bytes not copied.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel: a
 * store fault in copy_mc_to_kernel has no table entry and crashes as it
 * would in memcpy.
 *
 * Both rep movsb keep rcx = rdx - (rsi - r9) (the bytes left, from the
 * copy's start): the handler restores that before it passes a fault of
 * theirs on (COPYMC_EX_REP), as valgrind reports rcx one short.
 */
.macro ERMS_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
	COPYMC_ENDBR
	movq	%rdi, %r8
	movq	%rsi, %r9
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret

	/* The first rep movsb faulted: it started at byte 0. */
.Lfix_movs1\@:
	xorl	%r11d, %r11d

	/*
	 * rep movsb faulted; it started at byte r11 (fixup-controlled: set
	 * before the rep and not written since).  Its progress is rsi - r9
	 * (rdi - r8): valgrind keeps rsi and rdi exact but has already
	 * decremented rcx for the faulting byte, so rcx is not used.  Two
	 * witnesses that agree to the byte make the retry needless: the
	 * kernel's fault address (rax, passed for page faults only, all ones
	 * otherwise: generic/extable.h) is the next source byte (or, in
	 * _to_user, destination byte), so that byte is unreadable
	 * (unwritable) and everything before it was copied.
	 */
.Lfix_movs\@:
	movq	%rsi, %r10
	subq	%r9, %r10		/* the rep's progress, by rsi */
	cmpq	%rsi, %rax
	je	.Lclaimed\@
	.if \wkind
	movq	%rdi, %r10
	subq	%r8, %r10		/* the rep's progress, by rdi */
	cmpq	%rdi, %rax
	je	.Lclaimed\@
	movq	%rsi, %r10
	subq	%r9, %r10
	.endif

	/*
	 * No witness.  Retry the window [claim - 64, claim + 64) byte by
	 * byte, clipped to [r11, len), a claim outside [r11, len] taken as
	 * r11: a fault there is exact.  If the whole window copies (the fault
	 * did not repeat), the bytes from r11 up to the window are copied by
	 * bytes too, so that no success rests on the claim, and the copy
	 * goes on by rep movsb after the window; every round moves on.
	 * Here rdi = r11 (the rep's start), rsi = the window's start, rcx =
	 * its end; the byte loop copies [r11, r10).
	 */
	cmpq	%r11, %r10
	jb	.Lbad_claim\@
	cmpq	%rdx, %r10
	jbe	.Lwindow\@
.Lbad_claim\@:
	movq	%r11, %r10
.Lwindow\@:
	movq	%r11, %rdi
	leaq	64(%r10), %rcx
	cmpq	%rdx, %rcx
	cmova	%rdx, %rcx		/* rcx = min(claim + 64, len) */
	movq	%r10, %rsi
	subq	$64, %rsi
	cmovb	%rdi, %rsi
	cmpq	%rdi, %rsi
	cmovb	%rdi, %rsi		/* rsi = max(claim - 64, r11) */
	movq	%rsi, %r11
	movq	%rcx, %r10

	/*
	 * Copy bytes [r11, r10).  Tested at the top: no register an access
	 * uses is written between the branch and it (valgrind may read such
	 * a register stale), and a fault valgrind reports at the branch (6)
	 * has r11 = the byte that faulted, as at the accesses (3, 4).
	 */
2:	cmpq	%r10, %r11
6:	jae	.Lbytes_done\@
3:	movzbl	(%r9,%r11), %eax
4:	movb	%al, (%r8,%r11)
	incq	%r11
	jmp	2b
.Lbytes_done\@:
	cmpq	%rdi, %rsi
	jbe	.Lagain\@		/* nothing below the window left */
	movq	%rdi, %r11		/* [rdi, rsi): below the window */
	movq	%rsi, %r10
	movq	%rdi, %rsi
	jmp	2b

	/* [0, rcx) is copied: rep movsb for the rest, from r11 = rcx. */
.Lagain\@:
	movq	%rcx, %r11
	leaq	(%r9,%r11), %rsi
	leaq	(%r8,%r11), %rdi
	movq	%rdx, %rcx
	subq	%r11, %rcx
5:	rep movsb
	xorl	%eax, %eax
	ret

.Lclaimed\@:			/* byte r10 is the first not copied */
	movq	%rdx, %rax
	subq	%r10, %rax
	ret

	/* A byte of the retry faulted: it is the first one not copied. */
.Lfix_byte\@:
	movq	%rdx, %rax
	subq	%r11, %rax
	ret
	.cfi_endproc
	.size	\name, . - \name

	COPYMC_EXTABLE 1b, .Lfix_movs1\@, COPYMC_EX_READ | COPYMC_EX_ADDR | COPYMC_EX_REP | \wkind
	COPYMC_EXTABLE 5b, .Lfix_movs\@, COPYMC_EX_READ | COPYMC_EX_ADDR | COPYMC_EX_REP | \wkind
	COPYMC_EXTABLE 6b, .Lfix_byte\@, COPYMC_EX_READ | \wkind
	COPYMC_EXTABLE 3b, .Lfix_byte\@, COPYMC_EX_READ
	.if \wkind
	COPYMC_EXTABLE 4b, .Lfix_byte\@, \wkind
	.endif
.endm

	.text
	ERMS_COPY copymc_erms_to_kernel, 0
	ERMS_COPY copymc_erms_to_user, COPYMC_EX_WRITE

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
