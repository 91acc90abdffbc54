/*
 * copy_avx2.S - the x86_64 "avx2" backend: memcpy's shape with 32-byte
 * VEX vectors (ymm0-ymm7), every load and store in the exception table,
 * and an exact byte retry of the block a fault hit (copy_vector.h).
 * vzeroupper before every return from code that used a ymm register.
 */
#include "config.h"
#include "copy_vector.h"

	.hidden	copymc_erms_to_kernel, copymc_erms_to_user

/*
 * With IFUNC (glibc), the body is also inlined into an entry point of its
 * own, with the gate copymc_avx2_gate, that the public copy_mc_to_kernel
 * and copy_mc_to_user are bound to at load time when avx2 is the backend
 * chosen then (backends.c, copy_avx512.S).
 */
#ifdef COPYMC_HAVE_IFUNC
# define ENTRY_TO_KERNEL , copymc_avx2_entry_to_kernel, copymc_avx2_gate, copymc_dispatch_to_kernel
# define ENTRY_TO_USER , copymc_avx2_entry_to_user, copymc_avx2_gate, copymc_dispatch_to_user
	.hidden	copymc_avx2_entry_to_kernel, copymc_avx2_entry_to_user, copymc_avx2_gate
	.hidden	copymc_dispatch_to_kernel, copymc_dispatch_to_user
#else
# define ENTRY_TO_KERNEL
# define ENTRY_TO_USER
#endif

/*
 * size_t copymc_avx2_to_kernel(void *dst, const void *src, size_t len)
 * size_t copymc_avx2_to_user(void *dst, const void *src, size_t len)
 * Registers and fixups: see VECTOR_COPY in copy_vector.h.
 */
	.text
	.p2align 6
	VECTOR_COPY copymc_avx2_to_kernel, 0, 32, vmovdqu, vzeroupper, \
		%ymm0, %ymm1, %ymm2, %ymm3, %ymm4, %ymm5, %ymm6, %ymm7, %xmm0, %xmm1, \
		32, vmovdqu, vmovdqa, %ymm0, %ymm1, %ymm2, %ymm3 ENTRY_TO_KERNEL, \
		rep=copymc_erms_to_kernel, repstop=copymc_wide_rep_stop, repstart=copymc_wide_rep_start(%rip), \
		d0=%ymm4, d1=%ymm5, d2=%ymm6, d3=%ymm7
	.p2align 6
	VECTOR_COPY copymc_avx2_to_user, COPYMC_EX_WRITE, 32, vmovdqu, vzeroupper, \
		%ymm0, %ymm1, %ymm2, %ymm3, %ymm4, %ymm5, %ymm6, %ymm7, %xmm0, %xmm1, \
		32, vmovdqu, vmovdqa, %ymm0, %ymm1, %ymm2, %ymm3 ENTRY_TO_USER, \
		rep=copymc_erms_to_user, repstop=copymc_wide_rep_stop, repstart=copymc_wide_rep_start(%rip), \
		d0=%ymm4, d1=%ymm5, d2=%ymm6, d3=%ymm7

	COPYMC_CET_PROPERTY_NOTE
	.section .note.GNU-stack, "", @progbits
