/*
 * dispatch.c - the public entry points: the backend table, selection by
 * CPU, COPYMC_BACKEND or copy_mc_set_backend(), and the lazy first-copy
 * initialisation.  The copy path is a test for len 0 and one indirect
 * jump, like a PLT slot: the slot points at the first-copy initialiser
 * until a backend is selected, then at the backend itself.
 */
#include "internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The chosen backend: set by copy_mc_init once the handler is installed
   (or by the first copy without one, if it could not be). */
static _Atomic(const struct copymc_backend *) copymc_active;

static size_t copymc_first_to_kernel(void *dst, const void *src, size_t len);
static size_t copymc_first_to_user(void *dst, const void *src, size_t len);

/*
 * What the entry points jump to: the active backend's functions.  Not
 * static: an arch may define the entry points itself
 * (COPYMC_ARCH_ENTRY_POINTS, configure.host), and jump through these or
 * to these two functions.
 */
COPYMC_HIDDEN _Atomic(copymc_fn *) copymc_to_kernel_fn = copymc_first_to_kernel;
COPYMC_HIDDEN _Atomic(copymc_fn *) copymc_to_user_fn = copymc_first_to_user;
size_t copymc_dispatch_to_kernel(void *dst, const void *src, size_t len) COPYMC_HIDDEN;
size_t copymc_dispatch_to_user(void *dst, const void *src, size_t len) COPYMC_HIDDEN;


const struct copymc_backend *copymc_backend_lookup(const char *name)
{
	for (size_t i = 0; i < copymc_arch_nbackends; i++)
		if (strcmp(copymc_arch_backends[i].name, name) == 0)
			return &copymc_arch_backends[i];
	if (strcmp(copymc_generic_backend.name, name) == 0)
		return &copymc_generic_backend;
	return NULL;
}

int copymc_backend_check(const struct copymc_backend *b)
{
	if (b == NULL)
		return -ENOENT;
	if (b->usable != NULL && !b->usable())
		return -ENOTSUP;
	return 0;
}

/* Called with the handler installed; 0 or -errno. */
int copymc_backend_select(const char *name)
{
	const struct copymc_backend *b = copymc_backend_lookup(name);
	int r = copymc_backend_check(b);

	if (r == 0) {
		/* A copy racing with the switch may run the old backend or the new. */
		atomic_store_explicit(&copymc_active, b, memory_order_release);
		atomic_store_explicit(&copymc_to_kernel_fn, b->to_kernel, memory_order_release);
		atomic_store_explicit(&copymc_to_user_fn, b->to_user, memory_order_release);
#ifdef COPYMC_ARCH_ENTRY_POINTS
		copymc_arch_entry_select(b);	/* the arch's entry points follow */
#endif
	}
	return r;
}

/* The initial choice: COPYMC_BACKEND if it names a usable backend. */
void copymc_backend_choose_initial(void)
{
	const char *env = getenv("COPYMC_BACKEND");

	if (atomic_load_explicit(&copymc_active, memory_order_acquire) != NULL)
		return;
	if (env != NULL && *env != '\0' && copymc_backend_select(env) == 0)
		return;
	if (copymc_backend_select(copymc_arch_default()) != 0)
		copymc_backend_select("generic");
}

static const struct copymc_backend *copymc_first_copy(void)
{
	int saved_errno = errno;

	/* Chooses a backend even where it cannot install the handler. */
	(void)copymc_init();
	errno = saved_errno;
	return atomic_load_explicit(&copymc_active, memory_order_acquire);
}

static inline const struct copymc_backend *copymc_current(void)
{
	const struct copymc_backend *b =
		atomic_load_explicit(&copymc_active, memory_order_acquire);

	return __builtin_expect(b != NULL, 1) ? b : copymc_first_copy();
}

static size_t copymc_first_to_kernel(void *dst, const void *src, size_t len)
{
	return copymc_current()->to_kernel(dst, src, len);
}

static size_t copymc_first_to_user(void *dst, const void *src, size_t len)
{
	return copymc_current()->to_user(dst, src, len);
}

/*
 * Backends may assume len > 0.  The common case falls through to the jump,
 * so a small copy pays two instructions and one taken branch here.
 */
size_t copymc_dispatch_to_kernel(void *dst, const void *src, size_t len)
{
	if (__builtin_expect(len == 0, 0))
		return 0;
	return atomic_load_explicit(&copymc_to_kernel_fn, memory_order_acquire)(dst, src, len);
}

size_t copymc_dispatch_to_user(void *dst, const void *src, size_t len)
{
	if (__builtin_expect(len == 0, 0))
		return 0;
	return atomic_load_explicit(&copymc_to_user_fn, memory_order_acquire)(dst, src, len);
}

#ifndef COPYMC_ARCH_ENTRY_POINTS
COPYMC_API size_t copy_mc_to_kernel(void *dst, const void *src, size_t len)
{
	return copymc_dispatch_to_kernel(dst, src, len);
}

COPYMC_API size_t copy_mc_to_user(void *dst, const void *src, size_t len)
{
	return copymc_dispatch_to_user(dst, src, len);
}
#endif

COPYMC_API const char *copy_mc_backend(void)
{
	return copymc_current()->name;
}

COPYMC_API int copy_mc_set_backend(const char *name)
{
	int r;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Check the name first: a bad one must not install anything. */
	r = copymc_backend_check(copymc_backend_lookup(name));
	/* The first call may install the handler; no later one touches it. */
	if (r == 0 && !copymc_installed() && copymc_init() != 0)
		return -1;
	if (r == 0)
		r = copymc_backend_select(name);
	if (r != 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

COPYMC_API size_t copy_mc_backends(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < copymc_arch_nbackends; i++, n++)
		if (n < max)
			names[n] = copymc_arch_backends[i].name;
	if (n < max)
		names[n] = copymc_generic_backend.name;
	return n + 1;
}
