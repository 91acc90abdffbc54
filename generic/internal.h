/*
 * internal.h - declarations shared by the library's own files: the backend
 * table, the signal layer and the classification rules.  Nothing here is
 * exported; everything is hidden by default (-fvisibility=hidden).
 */
#ifndef COPYMC_INTERNAL_H
#define COPYMC_INTERNAL_H

#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "copymc.h"
#include "extable.h"

/* Linux's si_code values, for libc headers that predate them. */
#ifndef SEGV_PKUERR
# define SEGV_PKUERR 4
#endif
#ifndef BUS_MCEERR_AR
# define BUS_MCEERR_AR 4
#endif
#ifndef BUS_MCEERR_AO
# define BUS_MCEERR_AO 5
#endif
#ifndef SEGV_MTEAERR
# define SEGV_MTEAERR 8
#endif

#define COPYMC_API    __attribute__((visibility("default")))
#define COPYMC_HIDDEN __attribute__((visibility("hidden")))

/*
 * On the library's signal handler, the one function the kernel (or an
 * emulator) enters: on x86 it realigns the stack to 16 bytes itself.  The
 * kernel aligns the frame as for a call, but qemu-user 7.2 (Debian 12)
 * enters x86_64 handlers 8 bytes off, where the compiler's aligned vector
 * spills fault (#GP, SIGSEGV) in a process that without the library
 * would not have run that code at all.
 */
#if defined(__i386__) || defined(__x86_64__)
# define COPYMC_SIGNAL_ENTRY __attribute__((force_align_arg_pointer))
#else
# define COPYMC_SIGNAL_ENTRY
#endif

typedef size_t copymc_fn(void *dst, const void *src, size_t len);

struct copymc_backend {
	const char *name;
	copymc_fn *to_kernel;
	copymc_fn *to_user;
	int (*usable)(void);	/* NULL: runs on any CPU of the arch */
};

/* The arch's own backends (arch/<arch>/backends.c, or generic/arch_none.c). */
extern const struct copymc_backend copymc_arch_backends[];
extern const size_t copymc_arch_nbackends;
/* Name of the backend this CPU should use by default (one of the arch's). */
const char *copymc_arch_default(void);

/*
 * The whole backends.c of a port with one backend, NAME, always usable
 * and the default, whose bodies are copymc_NAME_to_kernel and
 * copymc_NAME_to_user.
 */
#define COPYMC_ARCH_ONE_BACKEND(name)                                                   \
	size_t copymc_##name##_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN; \
	size_t copymc_##name##_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;   \
	const struct copymc_backend copymc_arch_backends[] = {                          \
		{ #name, copymc_##name##_to_kernel, copymc_##name##_to_user, NULL },    \
	};                                                                              \
	const size_t copymc_arch_nbackends = 1;                                         \
	const char *copymc_arch_default(void)                                           \
	{                                                                               \
		return #name;                                                           \
	}

/*
 * Where the arch defines copy_mc_to_kernel and copy_mc_to_user itself
 * (COPYMC_ARCH_ENTRY_POINTS): told each backend selected, after the
 * dispatcher's slots point at it, so that its entry points go there too.
 */
void copymc_arch_entry_select(const struct copymc_backend *b);

/* The portable C backend (copy_generic.c), built on every target. */
extern const struct copymc_backend copymc_generic_backend;

/* Dispatch (dispatch.c). */
const struct copymc_backend *copymc_backend_lookup(const char *name);
int copymc_backend_check(const struct copymc_backend *b);	/* 0, -ENOENT, -ENOTSUP */
int copymc_backend_select(const char *name);	/* 0 or -errno */
void copymc_backend_choose_initial(void);

/* Classification (classify.c): is (sig, si_code) a fault a copy may stop at? */
int copymc_classify(int sig, int si_code);

/* A memory error reported without an address: the pc alone decides. */
int copymc_memory_error_without_address(int sig, const siginfo_t *info);

/* Is addr on one of the pages spanned by [start, start+len)?  len > 0. */
int copymc_in_range(uintptr_t addr, uintptr_t start, size_t len, uintptr_t pagesz);

/* Signal layer (signal.c). */
extern uintptr_t copymc_pagesz;
/* copy_mc_init() and copy_mc_handle_signal() for the library's own calls:
   hidden, so nothing binds lazily and no program can interpose on them. */
int copymc_init(void);
int copymc_handle(int sig, siginfo_t *info, void *ucontext);
int copymc_installed(void);	/* the handler has been installed once */
/* Does (sig, si_code) repeat when the instruction runs again (a synchronous
   fault), as opposed to a signal sent by software or an asynchronous report? */
int copymc_fault_repeats(int sig, int si_code);

/*
 * Generic backend recovery (copy_generic.c): 1 if the fault is a running
 * generic copy's, and then the context has been rewritten so that, once the
 * handler returns (sigreturn), the thread resumes in the copy's recovery
 * path; 0 if not ours, with the context untouched.  Returns in both cases.
 */
int copymc_generic_try_recover(int sig, siginfo_t *info, void *ucontext);

#endif /* COPYMC_INTERNAL_H */
