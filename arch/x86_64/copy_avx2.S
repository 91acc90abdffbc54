/*
 * copy_avx2.S - the x86_64 "avx2" backend: memcpy's shape with 32-byte
 * VEX vectors (ymm0-ymm7), every load and store in the exception table,
 * and an exact byte retry of the block a fault hit (copy_vector.h).
 * vzeroupper before every return from code that used a ymm register.
 */
#include "copy_vector.h"

/*
 * size_t copymc_avx2_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_avx2_to_user(void *dst, const void *src, size_t len)
 * Registers and fixups: see VECTOR_COPY in copy_vector.h.
 */
	.text
	.p2align 6
	VECTOR_COPY copymc_avx2_to_kernel, 0, 32, vmovdqu, vzeroupper, \
		%ymm0, %ymm1, %ymm2, %ymm3, %ymm4, %ymm5, %ymm6, %ymm7, %xmm0, %xmm1, \
		32, vmovdqu, vmovdqa, %ymm0, %ymm1, %ymm2, %ymm3
	.p2align 6
	VECTOR_COPY copymc_avx2_to_user, COPYMC_EX_WRITE, 32, vmovdqu, vzeroupper, \
		%ymm0, %ymm1, %ymm2, %ymm3, %ymm4, %ymm5, %ymm6, %ymm7, %xmm0, %xmm1, \
		32, vmovdqu, vmovdqa, %ymm0, %ymm1, %ymm2, %ymm3

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
