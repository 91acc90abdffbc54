/*
 * copy_erms.S - the x86_64 "erms" backend: one rep movsb, and after a fault
 * a byte-by-byte retry around the point the CPU reports, so the count
 * returned never depends on the string counter alone (valgrind, for one,
 * leaves it off by one after a fault).
 */
#include "../../generic/extable.h"

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
 */
.macro ERMS_COPY name, wkind
	.globl	\name
	.hidden	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
	movq	%rdi, %r8
	movq	%rsi, %r9
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret

	/*
	 * rep movsb faulted with rcx bytes reported left.  Two witnesses that
	 * agree to the byte make the retry needless: the counter says bytes
	 * [0, len - rcx) are done, and the kernel's fault address (rax, passed
	 * for page faults only, all ones otherwise: generic/extable.h) lies in
	 * the very page that could not be accessed; if it is the next source
	 * byte (or, in _to_user, destination byte), that byte is unreadable
	 * (unwritable) and everything before it was copied.
	 */
.Lfix_movs_witness\@:
	movq	%rdx, %r11
	subq	%rcx, %r11		/* bytes the counter says are done */
	leaq	(%r9,%r11), %r10
	cmpq	%r10, %rax
	je	.Lwitnessed\@
	.if \wkind
	leaq	(%r8,%r11), %r10
	cmpq	%r10, %rax
	je	.Lwitnessed\@
	.endif

	/*
	 * rep movsb faulted with rcx bytes reported left.  Retry the window
	 * [claim - 64, claim + 64) byte by byte, clipped to [0, len): a fault
	 * there is exact.  If the whole window copies (the fault did not
	 * repeat), go back to rep movsb for the rest; every round moves on.
	 */
.Lfix_movs\@:
	movq	%rdx, %r11
	subq	%rcx, %r11		/* r11 = bytes the CPU says are done */
	leaq	64(%r11), %r10
	cmpq	%rdx, %r10
	cmovaq	%rdx, %r10		/* r10 = min(claim + 64, len) */
	xorl	%eax, %eax
	subq	$64, %r11
	cmovbq	%rax, %r11		/* r11 = max(claim - 64, 0) */
2:	movzbl	(%r9,%r11), %eax
3:	movb	%al, (%r8,%r11)
	incq	%r11
	cmpq	%r10, %r11
	jb	2b
	leaq	(%r9,%r11), %rsi
	leaq	(%r8,%r11), %rdi
	movq	%rdx, %rcx
	subq	%r11, %rcx
	jmp	1b

.Lwitnessed\@:
	movq	%rcx, %rax
	ret

	/* A byte of the retry faulted: it is the first one not copied. */
.Lfix_byte\@:
	movq	%rdx, %rax
	subq	%r11, %rax
	ret
	.cfi_endproc
	.size	\name, . - \name

	COPYMC_EXTABLE 1b, .Lfix_movs_witness\@, COPYMC_EX_READ | COPYMC_EX_ADDR | \wkind
	COPYMC_EXTABLE 2b, .Lfix_byte\@, COPYMC_EX_READ
	.if \wkind
	COPYMC_EXTABLE 3b, .Lfix_byte\@, \wkind
	.endif
.endm

	.text
	ERMS_COPY copymc_erms_to_kernel, 0
	ERMS_COPY copymc_erms_to_user, COPYMC_EX_WRITE

	.section .note.GNU-stack, "", @progbits
