/*
 * copymc-conformance.c - the conformance suite's command line: runs every
 * case group of contract.md for each backend built in (or one), and prints
 * TAP ending with "N passed, N failed, N skipped".  Exit 0 iff none failed,
 * 2 on a usage error.
 */
#include "conformance.h"
#include "runner.h"

#include <copymc.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct options opt = { .timeout_factor = 1 };

const struct entry entry_to_kernel = { "copy_mc_to_kernel", copy_mc_to_kernel, 0 };
const struct entry entry_to_user = { "copy_mc_to_user", copy_mc_to_user, 1 };

static const struct group groups[] = {
	{ "api", "copy_mc_backends, copy_mc_set_backend, copy_mc_backend, copy_mc_init, COPYMC_BACKEND",
	  cases_api },
	{ "copy", "copies without a fault: lengths 0..4 pages, misalignments 0..63, guard bytes, len == 0",
	  cases_copy },
	{ "source-fault", "faults reading src at every byte p: PROT_NONE, unmapped hole, beyond EOF, pkey",
	  cases_source },
	{ "poison", "memory errors: ptrace-injected BUS_MCEERR_AR/BUS_OBJERR/SEGV_PKUERR, real MADV_HWPOISON",
	  cases_poison },
	{ "dest-fault", "faults writing dst: recovered by copy_mc_to_user, fatal in copy_mc_to_kernel",
	  cases_dest },
	{ "reject", "faults and signals that must not be recovered: each kills a child with its signal",
	  cases_reject },
	{ "chain", "passing on to the handler installed before, copy_mc_handle_signal, SIG_IGN, SA_ONSTACK",
	  cases_chain },
	{ "coexist", "each scenario in a fresh process, without and with the library: both must end alike",
	  cases_coexist },
};
#define N_GROUPS (sizeof groups / sizeof *groups)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: copymc-conformance [--quick] [--seed N] [--backend NAME] [--group NAME]... [--timeout-factor N] [--list]\n"
		"  --quick          a smaller matrix (a few seconds natively)\n"
		"  --seed N         seed of the random cases (default: from the clock; printed)\n"
		"  --backend NAME   test this backend only (default: every backend built in)\n"
		"  --group NAME     run this case group only (may be repeated; see --list)\n"
		"  --timeout-factor N  multiply every time limit by N, 1 to 100 (default 1), on a slow\n"
		"                   platform such as valgrind\n"
		"  --list           list the case groups and exit\n");
}

static void usage_error(const char *fmt, const char *arg)
{
	fputs("copymc-conformance: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	exit(2);
}

static int entry_wanted(const struct case_def *cd, const struct entry *e)
{
	if ((cd->flags & TO_USER_ONLY) && e != &entry_to_user)
		return 0;
	if ((cd->flags & TO_KERNEL_ONLY) && e != &entry_to_kernel)
		return 0;
	return 1;
}

static int case_wanted(const struct case_def *cd, const char *backend)
{
#if !defined(__x86_64__)
	if (cd->flags & X86_64_ONLY)
		return 0;
#endif
	if (cd->only_backend && strcmp(cd->only_backend, backend) != 0)
		return 0;
	return 1;
}

static void run_group(const struct group *g, const char *backend, const char *skip_all)
{
	static const struct entry *const entries[] = { &entry_to_kernel, &entry_to_user };

	for (const struct case_def *cd = g->cases; cd->name; cd++) {
		if (!case_wanted(cd, backend))
			continue;
		if (!(cd->flags & PER_ENTRY)) {
			run_case(backend, cd, NULL, skip_all);
			continue;
		}
		for (size_t i = 0; i < 2; i++)
			if (entry_wanted(cd, entries[i]))
				run_case(backend, cd, entries[i], skip_all);
	}
}

int main(int argc, char **argv)
{
	const char *only_backend = NULL;
	const char *only_group[N_GROUPS + 1];
	size_t n_only_group = 0, n_names;
	int list = 0, print_backend = 0, have_seed = 0;
	const char **names;

	opt.argv0 = argv[0];
	/* A coexistence scenario: a fresh process that must not touch the library first. */
	if (argc > 1 && !strcmp(argv[1], "--coexist-scenario"))
		return coexist_scenario_main(argc, argv);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (!strcmp(a, "--quick")) {
			opt.quick = 1;
		} else if (!strcmp(a, "--list")) {
			list = 1;
		} else if (!strcmp(a, "--print-backend")) {
			print_backend = 1;	/* for the COPYMC_BACKEND case, which runs itself */
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--seed") || !strcmp(a, "--backend") || !strcmp(a, "--group") ||
			   !strcmp(a, "--timeout-factor")) {
			if (i + 1 >= argc)
				usage_error("option %s needs a value", a);
			val = argv[++i];
		} else if (!strncmp(a, "--seed=", 7) || !strncmp(a, "--backend=", 10) || !strncmp(a, "--group=", 8) ||
			   !strncmp(a, "--timeout-factor=", 17)) {
			val = strchr(a, '=') + 1;
		} else {
			usage_error("unknown option '%s'", a);
		}
		if (!val)
			continue;
		if (!strncmp(a, "--seed", 6)) {
			char *end;
			errno = 0;
			opt.seed = strtoull(val, &end, 0);
			if (errno || end == val || *end || *val == '-')
				usage_error("--seed needs a non-negative integer, not '%s'", val);
			have_seed = 1;
		} else if (!strncmp(a, "--timeout-factor", 16)) {
			char *end;
			errno = 0;
			unsigned long f = strtoul(val, &end, 10);
			if (errno || end == val || *end || *val == '-' || f < 1 || f > 100)
				usage_error("--timeout-factor needs an integer from 1 to 100, not '%s'", val);
			opt.timeout_factor = (unsigned)f;
		} else if (!strncmp(a, "--backend", 9)) {
			only_backend = val;
		} else {
			size_t g;
			for (g = 0; g < N_GROUPS && strcmp(groups[g].name, val); g++)
				;
			if (g == N_GROUPS)
				usage_error("unknown case group '%s' (see --list)", val);
			if (n_only_group < N_GROUPS)
				only_group[n_only_group++] = val;
		}
	}

	if (list) {
		for (size_t g = 0; g < N_GROUPS; g++)
			printf("%-13s %s\n", groups[g].name, groups[g].what);
		return 0;
	}
	if (print_backend) {
		if (copy_mc_init() != 0)
			return 1;
		printf("%s\n", copy_mc_backend());
		return 0;
	}

	n_names = copy_mc_backends(NULL, 0);
	names = calloc(n_names + 1, sizeof *names);
	if (!names)
		return 2;
	copy_mc_backends(names, n_names);
	if (only_backend) {
		size_t i;
		for (i = 0; i < n_names && strcmp(names[i], only_backend); i++)
			;
		if (i == n_names) {
			fprintf(stderr, "copymc-conformance: unknown backend '%s' (built in:", only_backend);
			for (i = 0; i < n_names; i++)
				fprintf(stderr, " %s", names[i]);
			fprintf(stderr, ")\n");
			return 2;
		}
	}
	if (!have_seed) {
		uint64_t s = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
		opt.seed = splitmix(&s) % 1000000000ull;
	}

	/*
	 * Subjects die on purpose: no core files, from the kernel or from
	 * qemu-user.  Only the soft limit: the coexist group lets its
	 * scenarios dump core into a scratch directory, to compare the flag.
	 */
	struct rlimit no_core = { 0, 0 };
	if (getrlimit(RLIMIT_CORE, &no_core) == 0)
		no_core.rlim_cur = 0;
	setrlimit(RLIMIT_CORE, &no_core);

	tap_comment("copymc-conformance: seed %llu%s (rerun with --seed %llu)", (unsigned long long)opt.seed,
		    opt.quick ? ", --quick" : "", (unsigned long long)opt.seed);
	if (opt.timeout_factor != 1)
		tap_comment("copymc-conformance: every time limit times %u (--timeout-factor)", opt.timeout_factor);
	{
		char list_buf[400] = "";
		for (size_t i = 0; i < n_names; i++) {
			strncat(list_buf, " ", sizeof list_buf - strlen(list_buf) - 1);
			strncat(list_buf, names[i], sizeof list_buf - strlen(list_buf) - 1);
		}
		tap_comment("backends built in:%s; default: %s", list_buf, copy_mc_backend());
	}
	runner_reserve_stack();
	runner_init();
	platform_probe();
	fflush(stdout);

	for (size_t g = 0; g < N_GROUPS; g++) {
		int want = n_only_group == 0;
		for (size_t i = 0; i < n_only_group; i++)
			want |= !strcmp(only_group[i], groups[g].name);
		if (want && groups[g].cases[0].name && (groups[g].cases[0].flags & ONCE))
			run_group(&groups[g], "api", NULL);
	}
	for (size_t b = 0; b < n_names; b++) {
		char skip_all[200];
		const char *skip_reason = NULL;

		if (only_backend && strcmp(only_backend, names[b]))
			continue;
		if (copy_mc_set_backend(names[b]) != 0) {
			int e = errno;
			snprintf(skip_all, sizeof skip_all, "backend %s: copy_mc_set_backend: %s%s", names[b],
				 e == ENOTSUP ? "ENOTSUP" : strerror(e),
				 e == ENOTSUP ? " (this CPU cannot run it)" : "");
			skip_reason = skip_all;
		}
		tap_comment("backend %s%s%s", names[b], skip_reason ? ": " : "", skip_reason ? skip_reason : "");
		for (size_t g = 0; g < N_GROUPS; g++) {
			int want = n_only_group == 0;
			for (size_t i = 0; i < n_only_group; i++)
				want |= !strcmp(only_group[i], groups[g].name);
			if (want && !(groups[g].cases[0].name && (groups[g].cases[0].flags & ONCE)))
				run_group(&groups[g], names[b], skip_reason);
		}
	}
	free(names);
	return tap_finish();
}
