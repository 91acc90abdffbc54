/*
 * check_signal.c - "Everything else is PASSED ON" (contract.md): a fault
 * outside any copy reaches the handler installed before the library's,
 * called as it was registered, or kills with the same signal under
 * SIG_DFL; and copy_mc_init() re-installs on top of a displacing handler.
 * Each test runs in its own child (CK_FORK).
 */
#include "check_tests.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef BUS_MCEERR_AO
# define BUS_MCEERR_AO 5
#endif

/* What the program's own handler saw. */
static sigjmp_buf jump_back;
static volatile sig_atomic_t seen_calls, seen_sig, seen_code;
static void *volatile seen_addr;
static sigset_t seen_mask;

static void siginfo_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	seen_calls++;
	seen_sig = info->si_signo == sig ? sig : -1;
	seen_code = info->si_code;
	seen_addr = info->si_addr;
	pthread_sigmask(SIG_SETMASK, NULL, &seen_mask);
	siglongjmp(jump_back, 1);
}

static void plain_handler(int sig)
{
	seen_calls++;
	seen_sig = sig;
	pthread_sigmask(SIG_SETMASK, NULL, &seen_mask);
	siglongjmp(jump_back, 1);
}

static void install(int sig, int flags, int masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = siginfo_handler;
	else
		sa.sa_handler = plain_handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	ck_assert_int_eq(sigaction(sig, &sa, NULL), 0);
}

static void reset_seen(void)
{
	seen_calls = 0;
	seen_sig = 0;
	seen_code = 0;
	seen_addr = NULL;
	sigemptyset(&seen_mask);
}

/* A read of addr that must reach the program's handler; 1 if it did. */
static int foreign_read(const void *addr)
{
	reset_seen();
	if (sigsetjmp(jump_back, 1) == 0) {
		(void)test_read_byte(addr);
		return 0;
	}
	return 1;
}

/* An address the compiler does not know is NULL. */
static const void *null_address(void)
{
	static volatile uintptr_t zero;

	return (const void *)zero;
}

/*
 * An address that is never mapped: below the kernel's mmap_min_addr, so no
 * mmap of the test can land there (a page just unmapped could be reused).
 * Reading it gives SEGV_MAPERR at exactly that address.
 */
static unsigned char *unmapped_address(uintptr_t offset)
{
	static volatile uintptr_t low = 0x1000;

	return (unsigned char *)(low + offset);
}

/* A copy faulting on a PROT_NONE page still recovers: the library is still in. */
static void assert_copies_recover(void)
{
	size_t pg = test_pagesz();
	unsigned char *m = test_map(2), buf[64];

	memset(m, 7, pg);
	test_protect(m + pg, pg, PROT_NONE);
	ck_assert_uint_eq(copy_mc_to_kernel(buf, m + pg - 10, 30), 20);
	ck_assert_uint_eq(copy_mc_to_user(buf, m + pg - 1, 30), 29);
	ck_assert_int_eq(buf[0], 7);
	munmap(m, 2 * pg);
}

/* "the handler that was installed before the library's (called as it was registered: SA_SIGINFO ...)" */
START_TEST(a_sa_siginfo_handler_installed_before_the_library_gets_the_original_siginfo)
{
	unsigned char *gone = unmapped_address(0), *none = test_map(1);

	test_protect(none, test_pagesz(), PROT_NONE);
	install(SIGSEGV, SA_SIGINFO, 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	assert_copies_recover();

	ck_assert_msg(foreign_read(gone + 123), "the handler did not get the fault");
	ck_assert_int_eq(seen_calls, 1);
	ck_assert_int_eq(seen_sig, SIGSEGV);
	ck_assert_int_eq(seen_code, SEGV_MAPERR);
	ck_assert_ptr_eq(seen_addr, gone + 123);

	ck_assert_msg(foreign_read(null_address()), "the handler did not get the NULL read");
	ck_assert_int_eq(seen_sig, SIGSEGV);
	ck_assert_int_eq(seen_code, SEGV_MAPERR);
	ck_assert_ptr_null(seen_addr);

	ck_assert_msg(foreign_read(none + 5), "the handler did not get the PROT_NONE read");
	ck_assert_int_eq(seen_sig, SIGSEGV);
	ck_assert_int_eq(seen_code, SEGV_ACCERR);
	ck_assert_ptr_eq(seen_addr, none + 5);

	/* It longjmp'd out of the library's handler, and copies still recover. */
	assert_copies_recover();
}
END_TEST

/* The same for SIGBUS: a file mapping beyond EOF outside any copy. */
START_TEST(a_sigbus_outside_any_copy_reaches_the_handler_installed_before_the_library)
{
	size_t pg = test_pagesz();
	char path[] = "/tmp/check_copymc.XXXXXX";
	int fd = mkstemp(path);
	unsigned char *m;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, (off_t)pg), 0);
	m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert(m != MAP_FAILED);
	close(fd);
	install(SIGBUS, SA_SIGINFO, 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_msg(foreign_read(m + pg + 9), "the handler did not get the SIGBUS");
	ck_assert_int_eq(seen_sig, SIGBUS);
	ck_assert_int_eq(seen_code, BUS_ADRERR);
	ck_assert_ptr_eq(seen_addr, m + pg + 9);
}
END_TEST

/* "... called as it was registered: SA_SIGINFO or not" */
START_TEST(a_handler_without_sa_siginfo_is_called_with_the_signal_number)
{
	install(SIGSEGV, 0, 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_msg(foreign_read(unmapped_address(0)), "the handler did not get the fault");
	ck_assert_int_eq(seen_calls, 1);
	ck_assert_int_eq(seen_sig, SIGSEGV);
	assert_copies_recover();
}
END_TEST

/* "... honouring its sa_mask, SA_NODEFER and SA_RESETHAND" */
START_TEST(the_previous_handler_runs_with_its_sa_mask_and_the_signal_blocked)
{
	install(SIGSEGV, SA_SIGINFO, SIGUSR1);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert(foreign_read(unmapped_address(0)));
	ck_assert_msg(sigismember(&seen_mask, SIGUSR1), "its sa_mask (SIGUSR1) was not blocked");
	ck_assert_msg(sigismember(&seen_mask, SIGSEGV), "SIGSEGV was not blocked without SA_NODEFER");
}
END_TEST

START_TEST(the_previous_handler_with_sa_nodefer_runs_with_the_signal_unblocked)
{
	install(SIGSEGV, SA_SIGINFO | SA_NODEFER, 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert(foreign_read(unmapped_address(0)));
	ck_assert_msg(!sigismember(&seen_mask, SIGSEGV), "SIGSEGV was blocked despite SA_NODEFER");
}
END_TEST

/* SA_RESETHAND: called once, then the default action - death by SIGSEGV. */
START_TEST(the_previous_handler_with_sa_resethand_is_called_once_then_the_default_kills)
{
	const unsigned char *gone = unmapped_address(0);

	install(SIGSEGV, SA_SIGINFO | SA_RESETHAND, 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_msg(foreign_read(gone), "the handler did not get the first fault");
	ck_assert_int_eq(seen_calls, 1);
	assert_copies_recover();
	(void)foreign_read(gone);
	ck_abort_msg("a second fault after SA_RESETHAND reached the handler (%d calls)",
		     (int)seen_calls);
}
END_TEST

/* A previous handler that repairs the fault and returns: the access is retried. */
static unsigned char *repair_page;
static size_t repair_pagesz;

static void repairing_handler(int sig, siginfo_t *info, void *uc)
{
	(void)sig;
	(void)uc;
	seen_calls++;
	if ((unsigned char *)info->si_addr >= repair_page &&
	    (unsigned char *)info->si_addr < repair_page + repair_pagesz)
		mprotect(repair_page, repair_pagesz, PROT_READ | PROT_WRITE);
}

START_TEST(a_previous_handler_that_returns_resumes_the_faulting_access)
{
	struct sigaction sa;

	repair_pagesz = test_pagesz();
	repair_page = test_map(1);
	repair_page[17] = 42;
	test_protect(repair_page, test_pagesz(), PROT_NONE);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = repairing_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	seen_calls = 0;
	ck_assert_int_eq(test_read_byte(repair_page + 17), 42);
	ck_assert_int_eq(seen_calls, 1);
}
END_TEST

/* "With SIG_DFL ... restoring SIG_DFL and re-raising": a NULL read kills with SIGSEGV. */
START_TEST(with_sig_dfl_a_null_read_after_copy_mc_init_kills_with_sigsegv)
{
	ck_assert_int_eq(copy_mc_init(), 0);
	(void)test_read_byte(null_address());
	ck_abort_msg("a NULL read did not kill the process");
}
END_TEST

START_TEST(with_sig_dfl_a_read_beyond_eof_outside_any_copy_kills_with_sigbus)
{
	size_t pg = test_pagesz();
	char path[] = "/tmp/check_copymc.XXXXXX";
	int fd = mkstemp(path);
	unsigned char *m;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(ftruncate(fd, (off_t)pg), 0);
	m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(copy_mc_init(), 0);
	(void)test_read_byte(m + pg);
	ck_abort_msg("a read beyond EOF did not kill the process");
}
END_TEST

/* "... so that the outcome never depends on the fault repeating: ... a signal sent by kill() ... must not be lost" */
START_TEST(with_sig_dfl_kill_sigsegv_after_copy_mc_init_kills_with_sigsegv_not_lost)
{
	ck_assert_int_eq(copy_mc_init(), 0);
	kill(getpid(), SIGSEGV);
	ck_abort_msg("kill(getpid(), SIGSEGV) was lost");
}
END_TEST

START_TEST(with_sig_dfl_kill_sigbus_after_copy_mc_init_kills_with_sigbus_not_lost)
{
	ck_assert_int_eq(copy_mc_init(), 0);
	kill(getpid(), SIGBUS);
	ck_abort_msg("kill(getpid(), SIGBUS) was lost");
}
END_TEST

/* "BUS_MCEERR_AO ... do not repeat when the instruction runs again, and must not be lost" */
START_TEST(with_sig_dfl_a_bus_mceerr_ao_report_kills_with_sigbus_not_lost)
{
	siginfo_t si;

	ck_assert_int_eq(copy_mc_init(), 0);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGBUS;
	si.si_code = BUS_MCEERR_AO;
	si.si_addr = (void *)&si;
	/* What the kernel sends on asynchronous poison, queued to ourselves. */
	ck_assert_int_eq(syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)syscall(SYS_gettid),
				 (long)SIGBUS, &si), 0);
	ck_abort_msg("SIGBUS BUS_MCEERR_AO was lost");
}
END_TEST

/* "SIG_IGN behaves as the kernel would: ... anything else is ignored." */
START_TEST(with_sig_ign_a_signal_sent_by_kill_is_ignored)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
	ck_assert_int_eq(sigaction(SIGBUS, &sa, NULL), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_int_eq(kill(getpid(), SIGSEGV), 0);
	ck_assert_int_eq(kill(getpid(), SIGBUS), 0);
	assert_copies_recover();
}
END_TEST

/* "SIG_IGN ...: a synchronous fault is delivered as if SIG_DFL" */
START_TEST(with_sig_ign_a_fault_outside_any_copy_still_kills_with_sigsegv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	(void)test_read_byte(unmapped_address(0));
	ck_abort_msg("a fault under SIG_IGN did not kill the process");
}
END_TEST

/*
 * "If another handler has displaced the library's since, it installs itself
 * again on top and passes on to the displacing handler from then on."
 */
START_TEST(copy_mc_init_again_after_a_displacing_handler_recovers_and_passes_on_to_it)
{
	unsigned char *gone = unmapped_address(0);

	ck_assert_int_eq(copy_mc_init(), 0);
	assert_copies_recover();
	install(SIGSEGV, SA_SIGINFO, 0);	/* displaces the library's */
	ck_assert_msg(foreign_read(gone), "the displacing handler did not get the fault");
	ck_assert_int_eq(copy_mc_init(), 0);
	assert_copies_recover();
	ck_assert_msg(foreign_read(gone + 1), "a foreign fault did not reach the displacing handler");
	ck_assert_int_eq(seen_calls, 1);
	ck_assert_int_eq(seen_sig, SIGSEGV);
	ck_assert_int_eq(seen_code, SEGV_MAPERR);
	ck_assert_ptr_eq(seen_addr, gone + 1);
	/* Idempotent from then on: still the displacing handler, once. */
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert(foreign_read(gone + 2));
	ck_assert_int_eq(seen_calls, 1);
	assert_copies_recover();
}
END_TEST

/* "copy_mc_init ... idempotent, thread-safe": four threads at once, one installation. */
static void *init_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)copy_mc_init();
}

START_TEST(copy_mc_init_from_four_threads_at_once_installs_once)
{
	pthread_t th[4];
	void *r;

	install(SIGSEGV, SA_SIGINFO, 0);
	for (int t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, init_thread, NULL), 0);
	for (int t = 0; t < 4; t++) {
		ck_assert_int_eq(pthread_join(th[t], &r), 0);
		ck_assert_int_eq((intptr_t)r, 0);
	}
	assert_copies_recover();
	/* The previous handler is the program's, not the library's own (no loop). */
	ck_assert(foreign_read(unmapped_address(0)));
	ck_assert_int_eq(seen_calls, 1);
	ck_assert_int_eq(seen_code, SEGV_MAPERR);
}
END_TEST

/* "Installed once, process-wide, with SA_SIGINFO | SA_ONSTACK" */
START_TEST(the_handler_is_installed_with_sa_siginfo_and_sa_onstack)
{
	struct sigaction sa;
	static const int sigs[] = { SIGSEGV, SIGBUS };

	ck_assert_int_eq(copy_mc_init(), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(sigaction(sigs[i], NULL, &sa), 0);
		ck_assert_msg((sa.sa_flags & (SA_SIGINFO | SA_ONSTACK)) == (SA_SIGINFO | SA_ONSTACK),
			      "%s: flags %#x", strsignal(sigs[i]), (unsigned)sa.sa_flags);
	}
}
END_TEST

/* "sa_handler SIG_DFL / SIG_IGN decide first, whatever sa_flags says" */
static void install_disposition(int sig, void (*disp)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = disp;
	sa.sa_flags = SA_SIGINFO;	/* left set, as after an SA_RESETHAND handler fired */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(sig, &sa, NULL), 0);
}

START_TEST(a_saved_sig_dfl_with_sa_siginfo_set_is_the_default_action_not_a_function)
{
	install_disposition(SIGBUS, SIG_DFL);
	ck_assert_int_eq(copy_mc_init(), 0);
	raise(SIGBUS);
	ck_abort_msg("raise(SIGBUS) was lost");
}
END_TEST

START_TEST(a_saved_sig_ign_with_sa_siginfo_set_ignores_a_kill_sent_signal)
{
	install_disposition(SIGSEGV, SIG_IGN);
	ck_assert_int_eq(copy_mc_init(), 0);
	ck_assert_int_eq(kill(getpid(), SIGSEGV), 0);
	ck_assert_int_eq(raise(SIGSEGV), 0);
	assert_copies_recover();
}
END_TEST

/* "Only copy_mc_init() ever installs the handler; copy_mc_set_backend() never does once it is installed." */
START_TEST(copy_mc_set_backend_leaves_a_handler_installed_after_the_library_in_place)
{
	struct sigaction cur;
	const char *names[16];
	size_t n = copy_mc_backends(names, 16);

	ck_assert_int_eq(copy_mc_init(), 0);
	install(SIGSEGV, SA_SIGINFO, 0);
	for (size_t i = 0; i < n && i < 16; i++)
		(void)copy_mc_set_backend(names[i]);
	ck_assert_int_eq(sigaction(SIGSEGV, NULL, &cur), 0);
	ck_assert(cur.sa_sigaction == siginfo_handler);
}
END_TEST

/*
 * "No cycles": a handler installed after the library that passes on to its
 * predecessor (the library), with the library put back in front by a
 * second copy_mc_init().  A second call of it would abort (SIGABRT), so
 * dying of SIGSEGV proves it ran once and the chain ended as SIG_DFL.
 */
static struct sigaction chained_prev;
static volatile sig_atomic_t chained_calls;

static void chaining_handler(int sig, siginfo_t *info, void *uc)
{
	if (chained_calls++ != 0)
		abort();
	if ((chained_prev.sa_flags & SA_SIGINFO) && chained_prev.sa_handler != SIG_DFL &&
	    chained_prev.sa_handler != SIG_IGN)
		chained_prev.sa_sigaction(sig, info, uc);
	else
		signal(sig, SIG_DFL);
}

/* The other kind: restore the predecessor and raise the signal again. */
static void reraising_handler(int sig)
{
	if (chained_calls++ != 0)
		abort();
	sigaction(sig, &chained_prev, NULL);
	raise(sig);
}

static void install_after(void (*info)(int, siginfo_t *, void *), void (*plain)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	if (info)
		sa.sa_sigaction = info;
	else
		sa.sa_handler = plain;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, &chained_prev), 0);
}

START_TEST(a_handler_chaining_back_to_the_library_under_it_runs_once_then_the_default_kills)
{
	ck_assert_int_eq(copy_mc_init(), 0);
	install_after(chaining_handler, NULL, SA_SIGINFO);
	ck_assert_int_eq(copy_mc_init(), 0);
	assert_copies_recover();
	(void)test_read_byte(null_address());
	ck_abort_msg("a NULL read did not kill the process");
}
END_TEST

START_TEST(a_handler_that_restores_the_library_and_raises_again_runs_once_then_the_default_kills)
{
	ck_assert_int_eq(copy_mc_init(), 0);
	install_after(NULL, reraising_handler, SA_NODEFER);
	ck_assert_int_eq(copy_mc_init(), 0);
	assert_copies_recover();
	(void)test_read_byte(null_address());
	ck_abort_msg("a NULL read did not kill the process");
}
END_TEST

/* "on the stack it asked for (SA_ONSTACK or not)" */
static char *alt_lo;
static size_t alt_size;
static volatile sig_atomic_t ran_on_alt = -1;

static void stack_recording_handler(int sig)
{
	char here;

	(void)sig;
	ran_on_alt = &here >= alt_lo && &here < alt_lo + alt_size;
	siglongjmp(jump_back, 1);
}

START_TEST(a_previous_handler_without_sa_onstack_runs_on_the_interrupted_stack)
{
	struct sigaction sa;
	stack_t ss;

	alt_size = 1 << 16;
	alt_lo = (char *)test_map(alt_size / test_pagesz());
	memset(&ss, 0, sizeof ss);
	ss.ss_sp = alt_lo;
	ss.ss_size = alt_size;
	ck_assert_int_eq(sigaltstack(&ss, NULL), 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = stack_recording_handler;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
	ck_assert_int_eq(copy_mc_init(), 0);
	if (sigsetjmp(jump_back, 1) == 0)
		(void)test_read_byte(null_address());
	ck_assert_int_eq(ran_on_alt, 0);
	assert_copies_recover();
	/* And again: SA_ONSTACK is back on the library's own action. */
	ck_assert_int_eq(sigaction(SIGSEGV, NULL, &sa), 0);
	ck_assert(sa.sa_flags & SA_ONSTACK);
}
END_TEST

Suite *signal_suite(void)
{
	Suite *s = suite_create("signal");
	TCase *tc = tcase_create("chaining");

	tcase_add_test(tc, a_sa_siginfo_handler_installed_before_the_library_gets_the_original_siginfo);
	tcase_add_test(tc, a_sigbus_outside_any_copy_reaches_the_handler_installed_before_the_library);
	tcase_add_test(tc, a_handler_without_sa_siginfo_is_called_with_the_signal_number);
	tcase_add_test(tc, the_previous_handler_runs_with_its_sa_mask_and_the_signal_blocked);
	tcase_add_test(tc, the_previous_handler_with_sa_nodefer_runs_with_the_signal_unblocked);
	tcase_add_test_raise_signal(tc,
		the_previous_handler_with_sa_resethand_is_called_once_then_the_default_kills, SIGSEGV);
	tcase_add_test(tc, a_previous_handler_that_returns_resumes_the_faulting_access);
	tcase_add_test(tc, a_previous_handler_without_sa_onstack_runs_on_the_interrupted_stack);
	tcase_add_test_raise_signal(tc,
		a_handler_chaining_back_to_the_library_under_it_runs_once_then_the_default_kills, SIGSEGV);
	tcase_add_test_raise_signal(tc,
		a_handler_that_restores_the_library_and_raises_again_runs_once_then_the_default_kills,
		SIGSEGV);
	suite_add_tcase(s, tc);

	tc = tcase_create("default_action");
	tcase_add_test_raise_signal(tc, with_sig_dfl_a_null_read_after_copy_mc_init_kills_with_sigsegv,
				    SIGSEGV);
	tcase_add_test_raise_signal(tc,
		with_sig_dfl_a_read_beyond_eof_outside_any_copy_kills_with_sigbus, SIGBUS);
	tcase_add_test_raise_signal(tc,
		with_sig_dfl_kill_sigsegv_after_copy_mc_init_kills_with_sigsegv_not_lost, SIGSEGV);
	tcase_add_test_raise_signal(tc,
		with_sig_dfl_kill_sigbus_after_copy_mc_init_kills_with_sigbus_not_lost, SIGBUS);
	tcase_add_test_raise_signal(tc, with_sig_dfl_a_bus_mceerr_ao_report_kills_with_sigbus_not_lost,
				    SIGBUS);
	tcase_add_test(tc, with_sig_ign_a_signal_sent_by_kill_is_ignored);
	tcase_add_test_raise_signal(tc,
		a_saved_sig_dfl_with_sa_siginfo_set_is_the_default_action_not_a_function, SIGBUS);
	tcase_add_test(tc, a_saved_sig_ign_with_sa_siginfo_set_ignores_a_kill_sent_signal);
	tcase_add_test_raise_signal(tc, with_sig_ign_a_fault_outside_any_copy_still_kills_with_sigsegv,
				    SIGSEGV);
	suite_add_tcase(s, tc);

	tc = tcase_create("install");
	tcase_add_test(tc, copy_mc_init_again_after_a_displacing_handler_recovers_and_passes_on_to_it);
	tcase_add_test(tc, copy_mc_init_from_four_threads_at_once_installs_once);
	tcase_add_test(tc, the_handler_is_installed_with_sa_siginfo_and_sa_onstack);
	tcase_add_test(tc, copy_mc_set_backend_leaves_a_handler_installed_after_the_library_in_place);
	suite_add_tcase(s, tc);
	return s;
}
