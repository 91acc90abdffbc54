/*
 * entry-binding.c - where the public copy_mc_to_kernel and copy_mc_to_user
 * are bound (x86_64 with IFUNC, arch/x86_64/backends.c): prints the name
 * of the backend the library selects, then the two functions' offsets in
 * the library's file.  Built twice: linked against libcopymc, whose
 * addresses are bound when the program is relocated (before the C
 * library's start-up code), and, with ENTRY_BINDING_DLOPEN, not linked:
 * dlopen() and dlsym() bind them while main runs.  tests/entry-binding.sh
 * compares the offsets under each COPYMC_BACKEND.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef ENTRY_BINDING_DLOPEN
#include <copymc.h>
#endif

typedef size_t copy_fn(void *dst, const void *src, size_t len);

int main(int argc, char **argv);
static int (*const main_address)(int, char **) = main;

/*
 * fn's offset in the object that holds it, which must be libcopymc: 0,
 * else 77 where fn is the program's own (a program built without PIE
 * takes a function's address as that of its own PLT entry), else 1.
 */
static int offset_of(const char *what, void *fn, uintptr_t *off)
{
	Dl_info info, self;

	if (dladdr(fn, &info) != 0 && dladdr(*(void *const *)&main_address, &self) != 0 &&
	    info.dli_fbase == self.dli_fbase) {
		fprintf(stderr, "entry-binding: SKIP: %s is the program's own PLT entry "
				"(built without PIE)\n", what);
		return 77;
	}
	if (dladdr(fn, &info) == 0 || info.dli_fname == NULL ||
	    strstr(info.dli_fname, "libcopymc") == NULL) {
		fprintf(stderr, "entry-binding: %s at %p is not in libcopymc (%s)\n", what, fn,
			dladdr(fn, &info) && info.dli_fname ? info.dli_fname : "no object");
		return 1;
	}
	*off = (uintptr_t)fn - (uintptr_t)info.dli_fbase;
	return 0;
}

int main(int argc, char **argv)
{
	copy_fn *to_kernel, *to_user;
	const char *(*backend)(void);
	uintptr_t k, u;
	char src[64] = "entry-binding", dst[64];

#ifdef ENTRY_BINDING_DLOPEN
	void *h;

	if (argc != 2) {
		fprintf(stderr, "usage: %s LIBCOPYMC.so\n", argv[0]);
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "entry-binding: dlopen(%s): %s\n", argv[1], dlerror());
		return 1;
	}
	*(void **)&to_kernel = dlsym(h, "copy_mc_to_kernel");
	*(void **)&to_user = dlsym(h, "copy_mc_to_user");
	*(void **)&backend = dlsym(h, "copy_mc_backend");
	if (to_kernel == NULL || to_user == NULL || backend == NULL) {
		fprintf(stderr, "entry-binding: dlsym: %s\n", dlerror());
		return 1;
	}
#else
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: entry-binding\n");
		return 2;
	}
	to_kernel = copy_mc_to_kernel;
	to_user = copy_mc_to_user;
	backend = copy_mc_backend;
#endif
	/* The bound functions copy, with whichever backend is selected. */
	if (to_kernel(dst, src, sizeof src) != 0 || to_user(dst, src, sizeof src) != 0 ||
	    memcmp(dst, src, sizeof src) != 0) {
		fprintf(stderr, "entry-binding: a copy without a fault failed\n");
		return 1;
	}
	int r = offset_of("copy_mc_to_kernel", *(void **)&to_kernel, &k);

	if (r == 0)
		r = offset_of("copy_mc_to_user", *(void **)&to_user, &u);
	if (r != 0)
		return r;
	printf("%s %#lx %#lx\n", backend(), (unsigned long)k, (unsigned long)u);
	return 0;
}
