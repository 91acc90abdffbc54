/*
 * preinit.c - an LD_PRELOAD shim that installs the library's handler before
 * the JVM starts (as a native launcher calling copy_mc_init() before
 * JNI_CreateJavaVM would), for the "library first, JVM on top" order.
 */
#include <copymc.h>
#include <stdio.h>

__attribute__((constructor)) static void preinit(void)
{
	printf("copy_mc_init: %d (before the JVM)\n", copy_mc_init());
	fflush(stdout);
}
