/*
 * copy_sse2.S - the x86_64 "sse2" backend: memcpy's shape with 16-byte
 * SSE2 vectors (xmm0-xmm7, legacy encoding: every x86_64 CPU has them),
 * every load and store in the exception table, and an exact byte retry of
 * the block a fault hit (copy_vector.h).  No VEX instruction, so no
 * vzeroupper.  From 2113 bytes up to about the L2 cache's size, where CPUs
 * with fast strings copy faster by rep movsb, it jumps to the erms body,
 * as glibc's SSE2 memcpy does; never on a quirk model, whose default
 * this body may be (backends.c): there it has no fast-string path.
 */
#include "config.h"
#include "copy_vector.h"

/*
 * With IFUNC (glibc), the body is also inlined into an entry point of its
 * own, with the gate copymc_sse2_gate, that the public copy_mc_to_kernel
 * and copy_mc_to_user are bound to at load time when sse2 is the backend
 * chosen then (backends.c, copy_avx512.S).
 */
#ifdef COPYMC_HAVE_IFUNC
# define ENTRY_TO_KERNEL , copymc_sse2_entry_to_kernel, copymc_sse2_gate, copymc_dispatch_to_kernel
# define ENTRY_TO_USER , copymc_sse2_entry_to_user, copymc_sse2_gate, copymc_dispatch_to_user
	.hidden	copymc_sse2_entry_to_kernel, copymc_sse2_entry_to_user, copymc_sse2_gate
	.hidden	copymc_dispatch_to_kernel, copymc_dispatch_to_user
#else
# define ENTRY_TO_KERNEL
# define ENTRY_TO_USER
#endif

	.hidden	copymc_erms_to_kernel, copymc_erms_to_user

/*
 * size_t copymc_sse2_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_sse2_to_user(void *dst, const void *src, size_t len)
 * Registers and fixups: see VECTOR_COPY in copy_vector.h; below one
 * vector, 8 to 15 bytes move as two overlapping quadwords (rax, rcx).
 */
	.text
	.p2align 6
	VECTOR_COPY copymc_sse2_to_kernel, 0, 16, movdqu, , \
		%xmm0, %xmm1, %xmm2, %xmm3, %xmm4, %xmm5, %xmm6, %xmm7, %rax, %rcx, \
		16, movdqu, movdqa, %xmm0, %xmm1, %xmm2, %xmm3 ENTRY_TO_KERNEL, rep=copymc_erms_to_kernel, \
		d0=%xmm4, d1=%xmm5, d2=%xmm6, d3=%xmm7
	.p2align 6
	VECTOR_COPY copymc_sse2_to_user, COPYMC_EX_WRITE, 16, movdqu, , \
		%xmm0, %xmm1, %xmm2, %xmm3, %xmm4, %xmm5, %xmm6, %xmm7, %rax, %rcx, \
		16, movdqu, movdqa, %xmm0, %xmm1, %xmm2, %xmm3 ENTRY_TO_USER, rep=copymc_erms_to_user, \
		d0=%xmm4, d1=%xmm5, d2=%xmm6, d3=%xmm7

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
