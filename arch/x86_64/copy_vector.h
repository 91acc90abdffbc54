/*
 * copy_vector.h - the body of the x86_64 vector backends (copy_sse2.S,
 * copy_avx2.S, copy_avx512.S) as one assembler macro over the vector
 * width: memcpy's
 * shape, with every load and store in the exception table and an exact
 * byte retry of the block a fault hit.  Included from assembly only.
 */
#ifndef COPYMC_X86_64_COPY_VECTOR_H
#define COPYMC_X86_64_COPY_VECTOR_H

#include "../../generic/extable.h"
#include "cf_protection.h"

	/* bytes from which the loop stores around the caches (backends.c) */
	.hidden	copymc_nt_threshold
	/* below this many bytes (from 2113, or from the last), rep: see .Lbig (backends.c) */
	.hidden	copymc_rep_stop, copymc_wide_rep_stop, copymc_wide_rep_start

/*
 * BR fixup, kind, insn: a branch or jump right before an access that may
 * fault.  valgrind (default options) may report a fault of the first
 * access after a branch, in an unrolled loop or a followed jump, at the
 * branch itself, with the registers as they are there: the entry sends it
 * to the fixup of the access that follows, which only uses registers that
 * nothing writes between the two.  No entry when kind is 0 (a store in
 * _to_kernel).  Native faults never have such a pc.
 */
.macro BR fixup, kind, insn:vararg
	COPYMC_WR \kind, \fixup, \insn
.endm

/* BRW wkind, fixup, insn: the same before a store, with the fault address. */
.macro BRW wkind, fixup, insn:vararg
	COPYMC_WRA \wkind, \fixup, \insn
.endm

/*
 * VECTORS_8 fix, wkind, vec, movu, vzu, v0..v7: a copy of 4 to 8 vectors
 * (v0 loaded already), overlapping from both ends, and the return; part
 * of VECTOR_COPY, whose fixup for it is fix.  The head moves upward and
 * the tail from the end down, glibc's order: against glibc's SSE2 memcpy
 * at 112 and 128 bytes misaligned on Zen 4, 0.93-0.95 with the tail
 * upward, 0.95-0.97 so (a harness alternating both builds, 30 processes
 * each).
 */
.macro VECTORS_8 fix, wkind, vec, movu, vzu, v0, v1, v2, v3, v4, v5, v6, v7
	COPYMC_RDA	\fix, \movu \vec(%rsi), \v1
	COPYMC_RDA	\fix, \movu 2*\vec(%rsi), \v2
	COPYMC_RDA	\fix, \movu 3*\vec(%rsi), \v3
	COPYMC_RDA	\fix, \movu -\vec(%rsi,%rdx), \v7
	COPYMC_RDA	\fix, \movu -2*\vec(%rsi,%rdx), \v6
	COPYMC_RDA	\fix, \movu -3*\vec(%rsi,%rdx), \v5
	COPYMC_RDA	\fix, \movu -4*\vec(%rsi,%rdx), \v4
	COPYMC_WRA	\wkind, \fix, \movu \v0, (%rdi)
	COPYMC_WRA	\wkind, \fix, \movu \v1, \vec(%rdi)
	COPYMC_WRA	\wkind, \fix, \movu \v2, 2*\vec(%rdi)
	COPYMC_WRA	\wkind, \fix, \movu \v3, 3*\vec(%rdi)
	COPYMC_WRA	\wkind, \fix, \movu \v7, -\vec(%rdi,%rdx)
	COPYMC_WRA	\wkind, \fix, \movu \v6, -2*\vec(%rdi,%rdx)
	COPYMC_WRA	\wkind, \fix, \movu \v5, -3*\vec(%rdi,%rdx)
	COPYMC_WRA	\wkind, \fix, \movu \v4, -4*\vec(%rdi,%rdx)
	\vzu
	xorl	%eax, %eax
	ret

.endm

/*
 * VECTOR_COPY name, wkind, vec, movu, vzu, v0..v7, h0, h1,
 *             lvec, lmovu, lmova, l0..l3 [, entry, gate, elsewhere]
 *
 * Emits size_t name(void *dst, const void *src, size_t len).  Copies of
 * up to 8 vectors use vec-byte registers v0..v7 moved with movu, and h0,
 * h1 of half that width below one vector; longer ones use a loop of four
 * lvec-byte registers l0..l3, loaded with lmovu and stored with lmova (or
 * non-temporal stores) to lvec-aligned destinations.  vzu is what to do
 * before returning: vzeroupper after VEX ymm code, nothing when only EVEX
 * registers 16-31 or legacy SSE xmm registers were written (they leave no
 * dirty upper state).  With 16-byte vectors (SSE2, no VEX anywhere) h0
 * and h1 are general registers moved with movq, and the non-temporal
 * stores are movntdq.
 *
 * Entry: rdi = dst, rsi = src, rdx = len (0 allowed: nothing is touched),
 * DF clear.  For the whole copy r8 = dst, r9 = src, rdx = len (the signal
 * layer reads them, arch/x86_64/ucontext.h).  Returns in rax the bytes not
 * copied.  Up to 8 vectors every load comes before any store, so a fault
 * leaves nothing done that matters: the fixup retries it all byte by byte.
 * Above, rsi and rdi are the current position and bytes [0, rsi - r9) are
 * copied whenever an access may fault: pointers move on only once a
 * block's stores are done, and a fault retries that block.  The downward
 * copy (see .Lbig) is the exception: a fault there starts over upward.
 *
 * wkind is COPYMC_EX_WRITE for the _to_user body and 0 for _to_kernel,
 * whose stores have no table entry: a fault there crashes as in memcpy.
 *
 * Sizes: below one vector, two overlapping moves of the largest size that
 * fits; up to 8 vectors, 2, 4 or 8 vectors overlapping from both ends;
 * above, the first vector, then the loop, then the last 4 loop vectors of
 * the buffer.  Nothing outside [src, src+len) or [dst, dst+len) is ever
 * touched.
 *
 * With entry given, the body is also inlined into that entry point, a
 * global symbol (the caller makes it hidden or not): see copy_avx512.S,
 * and the gates in backends.c.
 *
 * Layout matters: a copy of 8 to 128 bytes is 8 to 10 cycles, call and
 * return included, and which 64-byte lines a path spans, or one more
 * taken branch or memory operand, is a cycle of it.  The alignments and
 * the order of the blocks below were measured (bench/); check there
 * before moving anything.
 */
.macro VECTOR_COPY name, wkind, vec, movu, vzu, v0, v1, v2, v3, v4, v5, v6, v7, h0, h1, lvec, lmovu, lmova, l0, l1, l2, l3, entry, gate, elsewhere, rep, repstop=copymc_rep_stop, repstart=$2113, d0, d1, d2, d3
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc
	COPYMC_ENDBR
	movq	%rdi, %r8
	movq	%rsi, %r9
	cmpq	$\vec, %rdx
	.ifb	\entry
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jb .Lsmall\@
	.else
	jb	.Lsmall\@
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jmp .Llong\@

	/*
	 * The entry point, with this body inlined: gate (a hidden
	 * variable of backends.c) is vec - 1 while this backend is
	 * the active one and all ones otherwise, so that one compare both
	 * picks the short path (len <= vec - 1) and, when another backend is
	 * active, sends every copy there too, where the gate, kept in rax,
	 * sends it elsewhere.  len <= all ones holds for every len, SIZE_MAX
	 * included: no length reaches this body unless it is active.
	 */
	.p2align 6
	.globl	\entry
	.type	\entry, @function
\entry:
	COPYMC_ENDBR
	movq	\gate(%rip), %rax
	cmpq	%rax, %rdx
	jbe	.Lentry_short\@
	movq	%rdi, %r8
	movq	%rsi, %r9
.Llong\@:
	.endif
	COPYMC_RDA	.Lfix_rest\@, \movu (%rsi), \v0
	cmpq	$2*\vec, %rdx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, ja .Lmore_2\@
	COPYMC_RDA	.Lfix_rest\@, \movu -\vec(%rsi,%rdx), \v1
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v1, -\vec(%rdi,%rdx)
	\vzu
	xorl	%eax, %eax
	ret

	.p2align 6
.Lmore_2\@:			/* more than 2 vectors; v0 holds the first */
	.if \vec <= 32
	/*
	 * 16- and 32-byte vectors: glibc's order, in which more than 4 up to
	 * 8 vectors fall through (one taken branch in all, where an SSE2 or
	 * AVX2 copy spends most of its branches) and up to 4 take the
	 * branch to a block that starts a line.  Measured on Zen 4 against
	 * glibc's SSE2 (AVX2) memcpy: 0.74-0.86 (1.00) at 64 bytes with 64
	 * bytes in the 8-vector block and the 4-vector block unaligned,
	 * 0.90 (0.91) at 96-128 (160-256) with the 4-vector block falling
	 * through, about 1.00 in this order.  64-byte vectors keep the
	 * other order: see .Lmore_4.
	 */
	cmpq	$8*\vec, %rdx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, ja .Lbig\@
	cmpq	$4*\vec, %rdx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jbe .Lto_4\@
	VECTORS_8 .Lfix_rest\@, \wkind, \vec, \movu, \vzu, \v0, \v1, \v2, \v3, \v4, \v5, \v6, \v7
	.p2align 6
.Lto_4\@:
	.else
	cmpq	$4*\vec, %rdx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, ja .Lmore_4\@
	.endif
	COPYMC_RDA	.Lfix_rest\@, \movu \vec(%rsi), \v1
	COPYMC_RDA	.Lfix_rest\@, \movu -2*\vec(%rsi,%rdx), \v2
	COPYMC_RDA	.Lfix_rest\@, \movu -\vec(%rsi,%rdx), \v3
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v1, \vec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v2, -2*\vec(%rdi,%rdx)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v3, -\vec(%rdi,%rdx)
	\vzu
	xorl	%eax, %eax
	ret


	.ifnb	\entry
	.p2align 6
.Lentry_short\@:			/* len <= gate, in rax */
	cmpq	$-1, %rax
	je	\elsewhere		/* another backend is active */
	movq	%rdi, %r8
	movq	%rsi, %r9
	.endif
.Lsmall\@:			/* 0 <= len < vec */
	cmpl	$\vec/2, %edx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jae .Lhalf\@
	.if \vec > 32
	cmpl	$16, %edx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jae .L16_31\@
	.endif
	.if \vec > 16
	cmpl	$8, %edx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jae .L8_15\@
	.endif
	cmpl	$4, %edx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jae .L4_7\@
	cmpl	$1, %edx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, ja .L2_3\@
	BR	.Lfix_one\@, COPYMC_EX_READ, jae .L1\@
	xorl	%eax, %eax
	ret
	.p2align 5
.Lhalf\@:
	.if \vec == 16
	COPYMC_RDA	.Lfix_rest\@, movq (%rsi), \h0
	COPYMC_RDA	.Lfix_rest\@, movq -8(%rsi,%rdx), \h1
	COPYMC_WRA	\wkind, .Lfix_rest\@, movq \h0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, movq \h1, -8(%rdi,%rdx)
	.else
	COPYMC_RDA	.Lfix_rest\@, \movu (%rsi), \h0
	COPYMC_RDA	.Lfix_rest\@, \movu -\vec/2(%rsi,%rdx), \h1
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \h0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \h1, -\vec/2(%rdi,%rdx)
	.endif
	xorl	%eax, %eax	/* a VEX.128 or EVEX move leaves no dirty upper state */
	ret
	.if \vec > 32
	.p2align 5
.L16_31\@:
	COPYMC_RDA	.Lfix_rest\@, vmovdqu (%rsi), %xmm0
	COPYMC_RDA	.Lfix_rest\@, vmovdqu -16(%rsi,%rdx), %xmm1
	COPYMC_WRA	\wkind, .Lfix_rest\@, vmovdqu %xmm0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, vmovdqu %xmm1, -16(%rdi,%rdx)
	xorl	%eax, %eax
	ret
	.endif
	.if \vec > 16
	.p2align 5
.L8_15\@:
	COPYMC_RDA	.Lfix_rest\@, movq (%rsi), %rax
	COPYMC_RDA	.Lfix_rest\@, movq -8(%rsi,%rdx), %rcx
	COPYMC_WRA	\wkind, .Lfix_rest\@, movq %rax, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, movq %rcx, -8(%rdi,%rdx)
	xorl	%eax, %eax
	ret
	.endif
	.p2align 5
.L4_7\@:
	COPYMC_RDA	.Lfix_rest\@, movl (%rsi), %eax
	COPYMC_RDA	.Lfix_rest\@, movl -4(%rsi,%rdx), %ecx
	COPYMC_WRA	\wkind, .Lfix_rest\@, movl %eax, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, movl %ecx, -4(%rdi,%rdx)
	xorl	%eax, %eax
	ret
	.p2align 5
.L2_3\@:
	COPYMC_RDA	.Lfix_rest\@, movzwl (%rsi), %eax
	COPYMC_RDA	.Lfix_rest\@, movzwl -2(%rsi,%rdx), %ecx
	COPYMC_WRA	\wkind, .Lfix_rest\@, movw %ax, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_rest\@, movw %cx, -2(%rdi,%rdx)
	xorl	%eax, %eax
	ret
	.p2align 5
.L1\@:
	COPYMC_RD	.Lfix_one\@, movzbl (%rsi), %eax
	COPYMC_WR	\wkind, .Lfix_one\@, movb %al, (%rdi)
	xorl	%eax, %eax
	ret

	.if \vec > 32
.Lmore_4\@:
	cmpq	$8*\vec, %rdx
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, ja .Lbig\@
	VECTORS_8 .Lfix_rest\@, \wkind, \vec, \movu, \vzu, \v0, \v1, \v2, \v3, \v4, \v5, \v6, \v7
	.endif

.Lbig\@:
	.ifnb	\rep
	/*
	 * From repstart (the operand: for sse2 $2113, more than 2112 bytes,
	 * where glibc's SSE2 memcpy with FSRM starts its own; for avx2 and avx512
	 * copymc_wide_rep_start, 4 KiB on Intel as glibc's memcpy without
	 * FSRM, more than half the L1d on AMD) to repstop bytes, the rep
	 * body: one rep movsb, as glibc's memcpy of this vector width does
	 * on CPUs whose fast strings are fast, for the same reason (it moves
	 * whole lines faster than these stores: 16-byte ones everywhere,
	 * 32-byte ones on Intel and, once the two buffers no longer fit in
	 * the L1d, on Zen 5).  repstop (copymc_rep_stop,
	 * copymc_wide_rep_stop) is 0, so never, where the CPU has no ERMS or
	 * is a quirk model (backends.c), and the rep body is the erms
	 * backend's, with its own exact fixups: the registers are as at
	 * entry.
	 */
	cmpq	\repstop(%rip), %rdx
	jae	.Lno_rep\@
	cmpq	\repstart, %rdx
	.ifb	\vzu
	jae	\rep
	.else
	jb	.Lno_rep\@
	\vzu			/* v0 is dead: the rep body starts over */
	jmp	\rep
	.endif
.Lno_rep\@:
	.endif
	/*
	 * dst a little above src, modulo 4096: an upward loop's loads would
	 * wait on the stores just made to the same page offsets (4K
	 * aliasing), so copy downward then.
	 */
	movl	%edi, %eax
	subl	%esi, %eax
	testl	$0xf00, %eax
	BRW	\wkind, .Lfix_rest\@, jnz .Lmore_8\@
	testl	$0xff, %eax
	BRW	\wkind, .Lfix_rest\@, jnz .Ldown\@
.Lmore_8\@:
	/*
	 * More than 8 vectors from rsi on, and v0 holds the first: store it,
	 * then go on from the next lvec-aligned destination (rdi and rsi move
	 * by 1..lvec bytes, leaving well over 4 loop vectors).
	 */
	COPYMC_WRA	\wkind, .Lfix_rest\@, \movu \v0, (%rdi)
	movl	%edi, %eax
	andl	$\lvec-1, %eax
	subq	$\lvec, %rax		/* -(bytes to the next boundary) */
	subq	%rax, %rdi
	subq	%rax, %rsi
	leaq	-4*\lvec(%r8,%rdx), %r10	/* loop while rdi < r10: > 4 vectors left */
	leaq	(%r9,%rdx), %r11	/* the end of src */
	cmpq	copymc_nt_threshold(%rip), %rdx
	BR	.Lfix_loop\@, COPYMC_EX_READ | \wkind, jae .Lnt_loop\@
	.p2align 4
.Lloop\@:
	COPYMC_RDA	.Lfix_ld0\@, \lmovu (%rsi), \l0
	COPYMC_RDA	.Lfix_ld1\@, \lmovu \lvec(%rsi), \l1
	COPYMC_RDA	.Lfix_ld2\@, \lmovu 2*\lvec(%rsi), \l2
	COPYMC_RDA	.Lfix_ld3\@, \lmovu 3*\lvec(%rsi), \l3
	COPYMC_WRA	\wkind, .Lfix_st0\@, \lmova \l0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_st1\@, \lmova \l1, \lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st2\@, \lmova \l2, 2*\lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st3\@, \lmova \l3, 3*\lvec(%rdi)
	addq	$4*\lvec, %rsi
	addq	$4*\lvec, %rdi
	cmpq	%r10, %rdi
	BR	.Lfix_loop\@, COPYMC_EX_READ | \wkind, jb .Lloop\@
	BR	.Lfix_rest\@, COPYMC_EX_READ | COPYMC_EX_ADDR, jmp .Ltail\@

	/*
	 * The same with non-temporal stores, for copies too big for the
	 * caches: they would only evict what the program still uses.
	 */
	.p2align 4
.Lnt_loop\@:
	COPYMC_RDA	.Lfix_ld0\@, \lmovu (%rsi), \l0
	COPYMC_RDA	.Lfix_ld1\@, \lmovu \lvec(%rsi), \l1
	COPYMC_RDA	.Lfix_ld2\@, \lmovu 2*\lvec(%rsi), \l2
	COPYMC_RDA	.Lfix_ld3\@, \lmovu 3*\lvec(%rsi), \l3
	.if \lvec == 16		/* legacy SSE2: no VEX encoding */
	COPYMC_WRA	\wkind, .Lfix_st0\@, movntdq \l0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_st1\@, movntdq \l1, \lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st2\@, movntdq \l2, 2*\lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st3\@, movntdq \l3, 3*\lvec(%rdi)
	.else
	COPYMC_WRA	\wkind, .Lfix_st0\@, vmovntdq \l0, (%rdi)
	COPYMC_WRA	\wkind, .Lfix_st1\@, vmovntdq \l1, \lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st2\@, vmovntdq \l2, 2*\lvec(%rdi)
	COPYMC_WRA	\wkind, .Lfix_st3\@, vmovntdq \l3, 3*\lvec(%rdi)
	.endif
	addq	$4*\lvec, %rsi
	addq	$4*\lvec, %rdi
	cmpq	%r10, %rdi
	BR	.Lfix_loop\@, COPYMC_EX_READ | \wkind, jb .Lnt_loop\@
	sfence
.Ltail\@:
	/* 1..4 vectors left: the last 4 of the buffers, from their ends */
	COPYMC_RDA	.Lfix_rest\@, \lmovu -4*\lvec(%r11), \l0
	COPYMC_RDA	.Lfix_rest\@, \lmovu -3*\lvec(%r11), \l1
	COPYMC_RDA	.Lfix_rest\@, \lmovu -2*\lvec(%r11), \l2
	COPYMC_RDA	.Lfix_rest\@, \lmovu -\lvec(%r11), \l3
	COPYMC_WRA	\wkind, .Lfix_rest\@, \lmovu \l0, (%r10)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \lmovu \l1, \lvec(%r10)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \lmovu \l2, 2*\lvec(%r10)
	COPYMC_WRA	\wkind, .Lfix_rest\@, \lmovu \l3, 3*\lvec(%r10)
	\vzu
	xorl	%eax, %eax
	ret

	/*
	 * Downward, from the last vector to the first 4, to vector-aligned
	 * destinations.  This path keeps no count of what is done: a fault
	 * anywhere in it starts the copy over upward (.Lfix_down), which
	 * meets the fault again and finds its exact place.
	 */
.Ldown\@:
	leaq	(%r9,%rdx), %rsi
	leaq	(%r8,%rdx), %rdi
	COPYMC_RD	.Lfix_down\@, \lmovu -\lvec(%rsi), \l0
	COPYMC_WR	\wkind, .Lfix_down\@, \lmovu \l0, -\lvec(%rdi)
	movl	%edi, %eax
	andl	$\lvec-1, %eax		/* bytes past a vector boundary */
	subq	%rax, %rdi
	subq	%rax, %rsi
	leaq	4*\lvec(%r8), %r10	/* loop while rdi > r10: > 4 vectors left */
	/*
	 * The first 4 vectors, loaded now into d0-d3 (loop-sized registers
	 * the loop leaves alone), as glibc's backward copy does: loaded after
	 * the loop they waited on its last stores (avx2 at 512 B with dst 34
	 * bytes above src: 0.89-0.95 of glibc's AVX2 memcpy, 0.95-1.01 so).
	 */
	COPYMC_RD	.Lfix_down\@, \lmovu (%r9), \d0
	COPYMC_RD	.Lfix_down\@, \lmovu \lvec(%r9), \d1
	COPYMC_RD	.Lfix_down\@, \lmovu 2*\lvec(%r9), \d2
	COPYMC_RD	.Lfix_down\@, \lmovu 3*\lvec(%r9), \d3
	.p2align 4
.Ldown_loop\@:
	COPYMC_RD	.Lfix_down\@, \lmovu -\lvec(%rsi), \l0
	COPYMC_RD	.Lfix_down\@, \lmovu -2*\lvec(%rsi), \l1
	COPYMC_RD	.Lfix_down\@, \lmovu -3*\lvec(%rsi), \l2
	COPYMC_RD	.Lfix_down\@, \lmovu -4*\lvec(%rsi), \l3
	COPYMC_WR	\wkind, .Lfix_down\@, \lmova \l0, -\lvec(%rdi)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmova \l1, -2*\lvec(%rdi)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmova \l2, -3*\lvec(%rdi)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmova \l3, -4*\lvec(%rdi)
	subq	$4*\lvec, %rsi
	subq	$4*\lvec, %rdi
	cmpq	%r10, %rdi
	BR	.Lfix_down\@, COPYMC_EX_READ | \wkind, ja .Ldown_loop\@
	/* 1..4 vectors left: the first 4 of the buffers, loaded before the loop */
	COPYMC_WR	\wkind, .Lfix_down\@, \lmovu \d0, (%r8)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmovu \d1, \lvec(%r8)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmovu \d2, 2*\lvec(%r8)
	COPYMC_WR	\wkind, .Lfix_down\@, \lmovu \d3, 3*\lvec(%r8)
	\vzu
	xorl	%eax, %eax
	ret

	/*
	 * Fixups.  Each finds the block that was being copied, bytes
	 * [r11, r10) from the start, and retries it byte by byte (.Lbytes):
	 * a byte fault there is exact.  With rax = 0, a block that copies
	 * whole means the fault did not repeat, and the copy goes on.
	 */

	/*
	 * Not in the loop: the block is everything from rsi on, at most 8
	 * vectors.  Two witnesses make the byte retry needless when the
	 * kernel's fault address (rax; all ones unless a page fault) is a
	 * page boundary q inside the block with less than a page after it:
	 * once the bytes before q are copied by bytes (each in the table),
	 * whatever faulted lies in [q, end of block), inside one page, so
	 * byte q itself is bad (no granule can start after q there).
	 */
.Lfix_rest\@:
	movq	%rsi, %r11
	subq	%r9, %r11		/* the block starts at r11 */
	testl	$4095, %eax
	jnz	.Lrest_retry\@		/* not a page boundary, or no witness */
	movq	%rax, %r10
	subq	%r9, %r10		/* in src? */
	cmpq	%r11, %r10
	jb	.Lrest_dst\@
	cmpq	%rdx, %r10
	jb	.Lrest_witnessed\@
.Lrest_dst\@:
	.if \wkind
	movq	%rax, %r10
	subq	%r8, %r10		/* in dst? (_to_user only) */
	cmpq	%r11, %r10
	jb	.Lrest_retry\@
	cmpq	%rdx, %r10
	jb	.Lrest_witnessed\@
	.endif
.Lrest_retry\@:
	movq	%rdx, %r10
	xorl	%eax, %eax
	jmp	.Lbytes\@
.Lrest_witnessed\@:		/* byte r10 is bad if less than a page follows */
	movq	%rdx, %rcx
	subq	%r10, %rcx
	cmpq	$4096, %rcx
	ja	.Lrest_retry\@
	movl	$1, %eax
	jmp	.Lbytes\@

	/* The one-byte copy faulted: that is already exact. */
.Lfix_one\@:
	xorl	%r11d, %r11d
	jmp	.Lfix_byte\@

	/*
	 * In the loop: the block is the 4 vectors at rsi.  A faulted load
	 * (store) of the vec bytes at r10 may skip the byte retry when two
	 * witnesses agree to the byte.  The access touches one 64-byte line,
	 * or two; let q be the start of the last line it touches, or r10 if
	 * that is the only one.  Once the bytes of the block before q are
	 * copied by bytes (each in the table, so a fault there is exact),
	 * whatever faulted lies in [q, r10 + vec): inside one line and one
	 * page, and no fault granule (a page, a poisoned line) starts after
	 * q within it, so byte q itself cannot be read (written).  And the
	 * kernel's fault address, which the handler passes in rax for page
	 * faults only (all ones otherwise), must be q: it lies in the very
	 * page that could not be accessed.
	 */
.Lfix_ld0\@:
	movq	%rsi, %r10
	jmp	.Lwitness_src\@
.Lfix_ld1\@:
	leaq	\lvec(%rsi), %r10
	jmp	.Lwitness_src\@
.Lfix_ld2\@:
	leaq	2*\lvec(%rsi), %r10
	jmp	.Lwitness_src\@
.Lfix_ld3\@:
	leaq	3*\lvec(%rsi), %r10
.Lwitness_src\@:
	leaq	\lvec-1(%r10), %rcx
	andq	$-64, %rcx		/* the last line the access touches */
	cmpq	%r10, %rcx
	cmovbq	%r10, %rcx		/* q */
	cmpq	%rcx, %rax
	jne	.Lfix_loop\@
	leaq	(%rcx), %r10
	subq	%r9, %r10
	jmp	.Lwitnessed\@

.Lfix_st0\@:
	movq	%rdi, %r10
	jmp	.Lwitness_dst\@
.Lfix_st1\@:
	leaq	\lvec(%rdi), %r10
	jmp	.Lwitness_dst\@
.Lfix_st2\@:
	leaq	2*\lvec(%rdi), %r10
	jmp	.Lwitness_dst\@
.Lfix_st3\@:
	leaq	3*\lvec(%rdi), %r10
.Lwitness_dst\@:
	leaq	\lvec-1(%r10), %rcx
	andq	$-64, %rcx
	cmpq	%r10, %rcx
	cmovbq	%r10, %rcx
	cmpq	%rcx, %rax
	jne	.Lfix_loop\@
	leaq	(%rcx), %r10
	subq	%r8, %r10
.Lwitnessed\@:			/* byte r10 is the first bad one */
	movq	%rsi, %r11
	subq	%r9, %r11
	movl	$1, %eax
	jmp	.Lbytes\@

.Lfix_loop\@:
	movq	%rsi, %r11
	subq	%r9, %r11
	leaq	4*\lvec(%r11), %r10
	cmpq	%rdx, %r10
	cmova	%rdx, %r10		/* never past len, whatever rsi says */
	xorl	%eax, %eax

	/* Copy bytes [r11, r10).  A fault here is the exact answer. */
.Lbytes\@:
	cmpq	%r10, %r11
	BR	.Lfix_byte\@, COPYMC_EX_READ, jae .Lbytes_done\@
.Lbyte_loop\@:
	COPYMC_RD	.Lfix_byte\@, movzbl (%r9,%r11), %ecx
	COPYMC_WR	\wkind, .Lfix_byte\@, movb %cl, (%r8,%r11)
	incq	%r11
	cmpq	%r10, %r11
	BR	.Lfix_byte\@, COPYMC_EX_READ | \wkind, jb .Lbyte_loop\@
.Lbytes_done\@:
	testl	%eax, %eax
	jnz	.Lstop\@
	/*
	 * The fault did not repeat: go on after the block, by bytes if at
	 * most 8 vectors are left, else back into the loop.
	 */
	movq	%rdx, %rcx
	subq	%r10, %rcx
	jz	.Lstop\@		/* all copied: rax = rdx - r10 = 0 */
	cmpq	$8*\vec, %rcx
	ja	.Lresume\@
	movq	%r10, %r11
	movq	%rdx, %r10
	jmp	.Lbytes\@
	/* The downward copy faulted: start over upward. */
.Lfix_down\@:
	xorl	%r10d, %r10d
.Lresume\@:
	leaq	(%r9,%r10), %rsi
	leaq	(%r8,%r10), %rdi
	COPYMC_RDA	.Lfix_rest\@, \movu (%rsi), \v0
	BRW	\wkind, .Lfix_rest\@, jmp .Lmore_8\@
.Lstop\@:			/* byte r10 is the first not copied */
	movq	%rdx, %rax
	subq	%r10, %rax
	sfence			/* after non-temporal stores, as on the way out of the loop */
	\vzu
	ret

	/* A byte faulted: it is the first one not copied. */
.Lfix_byte\@:
	movq	%rdx, %rax
	subq	%r11, %rax
	sfence
	\vzu
	ret
	.cfi_endproc
	.size	\name, . - \name
	.ifnb	\entry
	.size	\entry, . - \entry
	.endif
.endm

#endif /* COPYMC_X86_64_COPY_VECTOR_H */
