/*
 * backends.c - print each built-in backend and whether copy_mc_set_backend()
 * accepts it here ("NAME ok" or "NAME ENOTSUP"): run natively and under
 * valgrind, it tells which backends valgrind's virtual CPU can run.
 */
#include <copymc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t n = copy_mc_backends(NULL, 0);
	const char **names = calloc(n + 1, sizeof *names);

	if (names == NULL)
		return 1;
	copy_mc_backends(names, n);
	for (size_t i = 0; i < n; i++) {
		int r = copy_mc_set_backend(names[i]);
		int e = errno;
		printf("%s %s\n", names[i], r == 0 ? "ok" : e == ENOTSUP ? "ENOTSUP" : strerror(e));
	}
	free(names);
	return 0;
}
