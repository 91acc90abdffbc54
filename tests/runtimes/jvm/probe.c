/*
 * probe.c - the JNI side of Probe.java: copy_mc_init(), the faulting copy
 * that proves the library's handler works inside the JVM, and a real native
 * crash (a NULL write) whose crash report must name probe_null_write.
 */
#include "faultcopy.h"

#include <jni.h>

JNIEXPORT jint JNICALL Java_Probe_init(JNIEnv *env, jclass cls)
{
	(void)env;
	(void)cls;
	return copy_mc_init();
}

JNIEXPORT jlong JNICALL Java_Probe_faultcopy(JNIEnv *env, jclass cls)
{
	(void)env;
	(void)cls;
	return faultcopy();
}

/* noinline and exported: the "Problematic frame" line names it. */
__attribute__((noinline, visibility("default"))) void probe_null_write(volatile int *p)
{
	*p = 42;
}

JNIEXPORT void JNICALL Java_Probe_crash(JNIEnv *env, jclass cls)
{
	(void)env;
	(void)cls;
	probe_null_write((volatile int *)0);
}
