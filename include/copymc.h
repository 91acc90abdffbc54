/*
 * copymc.h - machine-check-safe memory copy for user space.
 *
 * The public API of libcopymc-portable and nothing else.  The behaviour is
 * specified in copymc(7) and docs/contract.md.  MIT licensed.
 */
#ifndef COPYMC_H
#define COPYMC_H

#include <signal.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Copy len bytes from src to dst.  A fault while reading src (memory error,
 * page not mapped or not readable, file mapping beyond EOF) stops the copy.
 * Returns the number of bytes NOT copied: 0 on success, otherwise
 * k = len - r bytes were copied and src[k] is the first byte that could not
 * be read.  A fault writing dst is not recovered: it crashes like memcpy.
 */
size_t copy_mc_to_kernel(void *dst, const void *src, size_t len);

/* As copy_mc_to_kernel, and a fault while writing dst stops the copy too. */
size_t copy_mc_to_user(void *dst, const void *src, size_t len);

/*
 * Install the library's SIGSEGV/SIGBUS handler now (the first copy does it
 * otherwise).  Idempotent and thread-safe; reinstalls on top of a handler
 * that displaced the library's.  Returns 0, or -1 with errno set.
 */
int copy_mc_init(void);

/*
 * For programs that own SIGSEGV/SIGBUS: call from your SA_SIGINFO handler.
 * Returns 1 when the signal was a fault of a running copy and the context
 * has been redirected to the copy's recovery code (return from your handler
 * at once), 0 when it is not the library's (handle it yourself).  With the
 * generic backend a recovered fault does not return here: the copy resumes
 * directly (see copy_mc_handle_signal(3)).
 */
int copy_mc_handle_signal(int sig, siginfo_t *info, void *ucontext);

/* Name of the backend copies use now, e.g. "erms", "fragile", "generic". */
const char *copy_mc_backend(void);

/*
 * Select a backend by name.  Returns 0, or -1 with errno ENOENT (no backend
 * of that name is built in) or ENOTSUP (this CPU cannot run it).
 */
int copy_mc_set_backend(const char *name);

/*
 * Store up to max names of the built-in backends in names (which may be
 * NULL when max is 0); returns how many are built in.
 */
size_t copy_mc_backends(const char **names, size_t max);

#ifdef __cplusplus
}
#endif

#endif /* COPYMC_H */
