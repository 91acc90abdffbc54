/*
 * dispatch.c - the public entry points: the backend table, selection by
 * CPU, COPYMC_BACKEND or copy_mc_set_backend(), and the lazy first-copy
 * initialisation.  The copy path is one atomic load and a call.
 */
#include "internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Non-NULL only once the signal handler is installed (see copy_mc_init). */
static _Atomic(const struct copymc_backend *) copymc_active;

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

	if (r == 0)
		atomic_store_explicit(&copymc_active, b, memory_order_release);
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

	/* A failure leaves no handler: faults then crash as in memcpy. */
	(void)copy_mc_init();
	errno = saved_errno;
	return atomic_load_explicit(&copymc_active, memory_order_acquire);
}

static inline const struct copymc_backend *copymc_current(void)
{
	const struct copymc_backend *b =
		atomic_load_explicit(&copymc_active, memory_order_acquire);

	return __builtin_expect(b != NULL, 1) ? b : copymc_first_copy();
}

COPYMC_API size_t copy_mc_to_kernel(void *dst, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	return copymc_current()->to_kernel(dst, src, len);
}

COPYMC_API size_t copy_mc_to_user(void *dst, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	return copymc_current()->to_user(dst, src, len);
}

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
	if (r == 0 && copy_mc_init() != 0)
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
