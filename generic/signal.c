/*
 * signal.c - the signal layer: install the process-wide SIGSEGV/SIGBUS
 * handler, decide whether a signal is a copy's fault (contract.md rules
 * 1-5), resume the copy at its fixup, and pass everything else on exactly
 * as if the library were not loaded.
 */
#include "internal.h"
#include "ucontext.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

uintptr_t copymc_pagesz;

/*
 * The action that was in place before ours, per signal.  A re-install on
 * top of a displacing handler writes the other slot and then flips the
 * index, so a handler running meanwhile never reads a half-written action.
 */
static struct sigaction copymc_prev[2][2];
static atomic_int copymc_prev_slot[2];
static pthread_mutex_t copymc_init_lock = PTHREAD_MUTEX_INITIALIZER;

static int sig_index(int sig)
{
	return sig == SIGBUS;
}

#ifdef COPYMC_UC_HAVE_WITNESS
/*
 * The second witness for COPYMC_EX_ADDR fixups (extable.h): the fault
 * address of a page fault, which lies in the page that could not be
 * accessed (the kernel pages in exactly that page from it).  Poison
 * reports only the page or the line, so it gets no witness.
 */
static uintptr_t fault_witness(int sig, const siginfo_t *info)
{
	if ((sig == SIGSEGV && (info->si_code == SEGV_MAPERR || info->si_code == SEGV_ACCERR ||
				info->si_code == SEGV_PKUERR)) ||
	    (sig == SIGBUS && info->si_code == BUS_ADRERR))
		return (uintptr_t)info->si_addr;
	return UINTPTR_MAX;
}
#endif

static void copymc_handler(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;

	if (!copy_mc_handle_signal(sig, info, ucontext))
		copymc_pass_on(sig, info, ucontext);
	errno = saved_errno;
}

COPYMC_API int copy_mc_handle_signal(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	if (info == NULL || uc == NULL || copymc_pagesz == 0)
		return 0;
	if (!copymc_classify(sig, info->si_code))
		return 0;
#ifdef COPYMC_UC_HAVE_COPY_ARGS
	const struct copymc_extable_entry *e = copymc_extable_find(copymc_uc_pc(uc));
	if (e != NULL) {
		struct copymc_copy_args a;
		uintptr_t addr = (uintptr_t)info->si_addr;
		int ok;

		copymc_uc_copy_args(uc, &a);
		if (a.len == 0)
			return 0;
		if (sig == SIGBUS && info->si_code == BUS_MCEERR_AR && addr == 0)
			ok = 1;		/* old kernels: the pc alone decides */
		else
			ok = ((e->kind & COPYMC_EX_READ) &&
			      copymc_in_range(addr, a.src, a.len, copymc_pagesz)) ||
			     ((e->kind & COPYMC_EX_WRITE) &&
			      copymc_in_range(addr, a.dst, a.len, copymc_pagesz));
		if (!ok)
			return 0;
#ifdef COPYMC_UC_HAVE_WITNESS
		if (e->kind & COPYMC_EX_ADDR)
			copymc_uc_set_witness(uc, fault_witness(sig, info));
#endif
		copymc_uc_set_pc(uc, copymc_extable_fixup(e));
		return 1;
	}
#endif
	return copymc_generic_try_recover(sig, info, uc);
}

/*
 * A signal the kernel forces on a faulting instruction is delivered even
 * when ignored (as if SIG_DFL); anything else sent while ignored is lost,
 * as the kernel would lose it.
 */
static int forced_by_kernel(int sig, const siginfo_t *info)
{
	return info->si_code > 0 && !(sig == SIGBUS && info->si_code == BUS_MCEERR_AO);
}

void copymc_pass_on(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;
	int idx = sig_index(sig);
	struct sigaction *slot =
		&copymc_prev[idx][atomic_load_explicit(&copymc_prev_slot[idx],
						      memory_order_acquire)];
	struct sigaction prev = *slot;
	sigset_t mask, ours;

	if (!(prev.sa_flags & SA_SIGINFO) && prev.sa_handler == SIG_IGN &&
	    !forced_by_kernel(sig, info))
		return;
	if ((prev.sa_flags & SA_SIGINFO) ||
	    (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN)) {
		/* Deliver to it as the kernel would have: its mask, its flags. */
		if (prev.sa_flags & SA_RESETHAND) {
			slot->sa_flags &= ~SA_SIGINFO;
			slot->sa_handler = SIG_DFL;
		}
		mask = uc->uc_sigmask;
		sigorset(&mask, &mask, &prev.sa_mask);
		if (prev.sa_flags & SA_NODEFER)
			sigdelset(&mask, sig);
		else
			sigaddset(&mask, sig);
		pthread_sigmask(SIG_SETMASK, &mask, &ours);
		if (prev.sa_flags & SA_SIGINFO)
			prev.sa_sigaction(sig, info, ucontext);
		else
			prev.sa_handler(sig);
		pthread_sigmask(SIG_SETMASK, &ours, NULL);
		return;
	}

	/*
	 * Default action: restore SIG_DFL and queue the very same siginfo to
	 * this thread.  It stays pending while the handler runs and is
	 * delivered as the handler returns, at the same pc, so the process
	 * dies (and dumps core) exactly as without the library, even for a
	 * signal that would not repeat (kill(), BUS_MCEERR_AO).
	 */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)syscall(SYS_gettid),
		(long)sig, info);
	sigdelset(&uc->uc_sigmask, sig);
}

/* Install ours for sig unless it is already there; called with the lock. */
static int install_one(int sig)
{
	int idx = sig_index(sig);
	struct sigaction cur, ours, raced;

	if (sigaction(sig, NULL, &cur) != 0)
		return -1;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == copymc_handler)
		return 0;

	memset(&ours, 0, sizeof ours);
	ours.sa_sigaction = copymc_handler;
	/*
	 * Block every other signal while ours runs: an asynchronous handler
	 * (SIGALRM, say) that interrupted it and then faulted in a copy of its
	 * own would meet SIGSEGV blocked, and the kernel kills a process that
	 * faults with the signal blocked.  Once ours returns they arrive as
	 * usual; a handler we pass on to gets exactly its own mask.  The
	 * other synchronous signals stay open, as they would without us.
	 */
	sigfillset(&ours.sa_mask);
	sigdelset(&ours.sa_mask, SIGILL);
	sigdelset(&ours.sa_mask, SIGFPE);
	sigdelset(&ours.sa_mask, SIGTRAP);
	/* Keep the displaced handler's restart behaviour for software signals. */
	ours.sa_flags = SA_SIGINFO | SA_ONSTACK | (cur.sa_flags & SA_RESTART);

	for (;;) {
		int next = !atomic_load_explicit(&copymc_prev_slot[idx], memory_order_relaxed);

		copymc_prev[idx][next] = cur;
		atomic_store_explicit(&copymc_prev_slot[idx], next, memory_order_release);
		if (sigaction(sig, &ours, &raced) != 0)
			return -1;
		/* Someone installed a handler between our two calls: chain to it. */
		if (raced.sa_handler == cur.sa_handler && raced.sa_flags == cur.sa_flags)
			return 0;
		if ((raced.sa_flags & SA_SIGINFO) && raced.sa_sigaction == copymc_handler)
			return 0;
		cur = raced;
	}
}

COPYMC_API int copy_mc_init(void)
{
	int r, saved_errno = errno;

	pthread_mutex_lock(&copymc_init_lock);
	if (copymc_pagesz == 0)
		copymc_pagesz = (uintptr_t)sysconf(_SC_PAGESIZE);
	r = install_one(SIGSEGV);
	if (r == 0)
		r = install_one(SIGBUS);
	/*
	 * A backend is chosen even when no handler could be installed: the
	 * copies then run without recovery and a fault crashes as in memcpy.
	 */
	copymc_backend_choose_initial();
	if (r == 0)
		errno = saved_errno;
	pthread_mutex_unlock(&copymc_init_lock);
	return r;
}
