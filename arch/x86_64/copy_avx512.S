/*
 * copy_avx512.S - the x86_64 "avx512" backend: memcpy's shape with 64-byte
 * EVEX vectors in zmm16-zmm23, which leave no dirty upper state and so
 * need no vzeroupper; every load and store is in the exception table, with
 * an exact byte retry of the block a fault hit (copy_vector.h).
 *
 * Copies of more than 8 vectors run a loop of 32-byte EVEX vectors
 * (ymm16-ymm19) instead: as fast where the source is aligned, and faster
 * where it is not, as half the loads then stay within one cache line
 * (measured on AMD Zen 4).  On Intel CPUs with ERMS that are not quirk
 * models, copies from 4 KiB to the non-temporal threshold go by the erms
 * body's rep movsb instead, as glibc's memcpy does there (backends.c).
 *
 * Also the entry point that runs this body with one test in front while
 * avx512 is the active backend; otherwise it jumps straight to the avx2 or
 * the sse2 body when that is active, or goes through the dispatcher's
 * indirect jump (generic/dispatch.c; the gate: backends.c).  With IFUNC
 * (glibc) it is one of three such entry points, one per vector backend,
 * which the public copy_mc_to_kernel and copy_mc_to_user are bound to at
 * load time (backends.c); without IFUNC (musl) it is the public symbol
 * itself.  A copy of 8 to 128 bytes takes 8 to 10 cycles; the
 * dispatcher's test and indirect jump cost one or two of them.
 */
#include "config.h"
#include "copy_vector.h"

#ifdef COPYMC_HAVE_IFUNC
# define ENTRY_TO_KERNEL copymc_avx512_entry_to_kernel
# define ENTRY_TO_USER copymc_avx512_entry_to_user
	.hidden	ENTRY_TO_KERNEL, ENTRY_TO_USER
#else
# define ENTRY_TO_KERNEL copy_mc_to_kernel
# define ENTRY_TO_USER copy_mc_to_user
#endif

/*
 * ELSEWHERE slot, avx2, sse2, dispatch: where the entry points go while
 * avx512 is not the active backend: straight to the avx2 or sse2 body
 * when that is in the dispatcher's slot (both take len 0), else to the
 * dispatcher, which jumps through it.
 */
.macro ELSEWHERE slot, avx2, sse2, dispatch
	leaq	\avx2(%rip), %rax
	cmpq	%rax, \slot(%rip)
	je	\avx2
	leaq	\sse2(%rip), %rax
	cmpq	%rax, \slot(%rip)
	je	\sse2
	jmp	\dispatch
.endm

/*
 * size_t copymc_avx512_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_avx512_to_user(void *dst, const void *src, size_t len)
 * size_t ENTRY_TO_KERNEL(void *dst, const void *src, size_t len)
 * size_t ENTRY_TO_USER(void *dst, const void *src, size_t len)
 * Registers and fixups: see VECTOR_COPY in copy_vector.h.  The entry
 * points clobber rax before the body starts.
 */
	/* defined in generic/dispatch.c, and the gate in backends.c */
	.hidden	copymc_inline_gate, copymc_to_kernel_fn, copymc_to_user_fn
	.hidden	copymc_dispatch_to_kernel, copymc_dispatch_to_user
	.hidden	copymc_erms_to_kernel, copymc_erms_to_user

	/*
	 * On a page boundary of its own: the short paths were laid out and
	 * measured at these offsets within a page, and must not move with
	 * the size of whatever the linker puts before them.
	 */
	.text
	.p2align 12
.Lelsewhere_to_kernel:
	ELSEWHERE copymc_to_kernel_fn, copymc_avx2_to_kernel, copymc_sse2_to_kernel, \
		copymc_dispatch_to_kernel
.Lelsewhere_to_user:
	ELSEWHERE copymc_to_user_fn, copymc_avx2_to_user, copymc_sse2_to_user, \
		copymc_dispatch_to_user

	.p2align 6
	VECTOR_COPY copymc_avx512_to_kernel, 0, 64, vmovdqu64, , \
		%zmm16, %zmm17, %zmm18, %zmm19, %zmm20, %zmm21, %zmm22, %zmm23, %ymm16, %ymm17, \
		32, vmovdqu64, vmovdqa64, %ymm16, %ymm17, %ymm18, %ymm19, \
		ENTRY_TO_KERNEL, copymc_inline_gate, .Lelsewhere_to_kernel, \
		rep=copymc_erms_to_kernel, repstop=copymc_wide_rep_stop, repstart=copymc_wide_rep_start(%rip), \
		d0=%ymm20, d1=%ymm21, d2=%ymm22, d3=%ymm23
	.p2align 6
	VECTOR_COPY copymc_avx512_to_user, COPYMC_EX_WRITE, 64, vmovdqu64, , \
		%zmm16, %zmm17, %zmm18, %zmm19, %zmm20, %zmm21, %zmm22, %zmm23, %ymm16, %ymm17, \
		32, vmovdqu64, vmovdqa64, %ymm16, %ymm17, %ymm18, %ymm19, \
		ENTRY_TO_USER, copymc_inline_gate, .Lelsewhere_to_user, \
		rep=copymc_erms_to_user, repstop=copymc_wide_rep_stop, repstart=copymc_wide_rep_start(%rip), \
		d0=%ymm20, d1=%ymm21, d2=%ymm22, d3=%ymm23

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
