/*
 * copy_sse2.S - the x86_64 "sse2" backend: memcpy's shape with 16-byte
 * SSE2 vectors (xmm0-xmm7, legacy encoding: every x86_64 CPU has them),
 * every load and store in the exception table, and an exact byte retry of
 * the block a fault hit (copy_vector.h).  No VEX instruction, so no
 * vzeroupper.  From 2 KiB up to about the L2 cache's size, where CPUs
 * with fast strings copy faster by rep movsb, it jumps to the erms body,
 * as glibc's SSE2 memcpy does; never on a quirk model, whose default
 * this body may be (backends.c): there it has no fast-string path.
 */
#include "copy_vector.h"

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
		16, movdqu, movdqa, %xmm0, %xmm1, %xmm2, %xmm3, rep=copymc_erms_to_kernel
	.p2align 6
	VECTOR_COPY copymc_sse2_to_user, COPYMC_EX_WRITE, 16, movdqu, , \
		%xmm0, %xmm1, %xmm2, %xmm3, %xmm4, %xmm5, %xmm6, %xmm7, %rax, %rcx, \
		16, movdqu, movdqa, %xmm0, %xmm1, %xmm2, %xmm3, rep=copymc_erms_to_user

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
