/*
 * signal.c - the signal layer: install the process-wide SIGSEGV/SIGBUS
 * handler, decide whether a signal is a copy's fault (contract.md rules
 * 1-5), resume the copy at its fixup, and pass everything else on exactly
 * as if the library were not loaded.
 */
#include "internal.h"
#include "arch_ucontext.h"

#include <errno.h>
#include <pthread.h>
#ifdef HAVE_DLSYM
# include <dlfcn.h>
#endif
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

uintptr_t copymc_pagesz;

/*
 * The kernel's action, as libc sets and reports it.  Sanitizers (TSan
 * wraps every handler it is given; ASan may hide its own) and other
 * interposers present a virtual sigaction(); installing through it would
 * hide from the library the handler really in place, the one it must
 * pass on to.  The shared library therefore installs, and reads, its own
 * action through the sigaction() that comes after it in the lookup order
 * (libc's).  Restoring SIG_DFL still goes through the process's own
 * sigaction(), so that an interposer that records chained handlers
 * (HotSpot's libjsig) learns of it.  A static build has no interposers
 * worth the name and uses sigaction() itself.
 */
typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);
static sigaction_fn *kernel_sigaction = sigaction;

static void find_kernel_sigaction(void)
{
#if defined(PIC) && defined(HAVE_DLSYM) && defined(RTLD_NEXT)
	sigaction_fn *next = (sigaction_fn *)dlsym(RTLD_NEXT, "sigaction");

	if (next != NULL)
		kernel_sigaction = next;
#endif
}

static pthread_mutex_t copymc_init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int copymc_handler_installed;

static int sig_index(int sig)
{
	return sig == SIGBUS;
}

/*
 * The action that was in place before ours, per signal.  One writer,
 * copy_mc_init() under its lock with every signal blocked; any number of
 * readers, in the handler on any thread.  A sequence lock: the writer
 * makes seq odd, writes, makes it even again; a reader copies the action
 * word by word and keeps the copy only if seq was even and unchanged.  A
 * reader never waits for a writer on its own thread (the writer blocks
 * signals), so the retry loop ends.
 *
 * resethand_fired stands for the kernel's reset of an SA_RESETHAND
 * action: the first thread to set it runs the handler, any later signal
 * meets SIG_DFL.  The saved action itself is never written by a handler.
 */
#define ACT_WORDS ((sizeof(struct sigaction) + sizeof(unsigned long) - 1) / sizeof(unsigned long))

static struct saved_action {
	atomic_uint seq;
	atomic_int resethand_fired;
	union {
		struct sigaction act;
		unsigned long w[ACT_WORDS];
	} u;
} copymc_prev[2];

static void prev_write(int sig, const struct sigaction *act)
{
	struct saved_action *p = &copymc_prev[sig_index(sig)];
	unsigned s = atomic_load_explicit(&p->seq, memory_order_relaxed);
	union { struct sigaction act; unsigned long w[ACT_WORDS]; } src;

	memset(&src, 0, sizeof src);
	src.act = *act;
	atomic_store_explicit(&p->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (size_t i = 0; i < ACT_WORDS; i++)
		__atomic_store_n(&p->u.w[i], src.w[i], __ATOMIC_RELAXED);
	atomic_store_explicit(&p->resethand_fired, 0, memory_order_relaxed);
	atomic_store_explicit(&p->seq, s + 2, memory_order_release);
}

static void prev_read(int sig, struct sigaction *out)
{
	struct saved_action *p = &copymc_prev[sig_index(sig)];
	union { struct sigaction act; unsigned long w[ACT_WORDS]; } dst;
	unsigned s;

	do {
		while ((s = atomic_load_explicit(&p->seq, memory_order_acquire)) & 1)
			;
		for (size_t i = 0; i < ACT_WORDS; i++)
			dst.w[i] = __atomic_load_n(&p->u.w[i], __ATOMIC_RELAXED);
		atomic_thread_fence(memory_order_acquire);
	} while (atomic_load_explicit(&p->seq, memory_order_relaxed) != s);
	*out = dst.act;
}

#ifdef COPYMC_UC_HAVE_WITNESS
/*
 * The second witness for COPYMC_EX_ADDR fixups (extable.h): the fault
 * address of a page fault, which lies in the page that could not be
 * accessed (the kernel pages in exactly that page from it); for a memory
 * error, the start of the poisoned granule the kernel reports (si_addr
 * rounded down to 1 << si_addr_lsb: the page, or the line), every byte
 * of which faults.  A fixup takes either only where it is the very byte
 * its instruction shows the faulting access crossing into; anything else
 * gets all ones, and the byte retry.
 */
static uintptr_t fault_witness(int sig, const siginfo_t *info)
{
	if ((sig == SIGSEGV && (info->si_code == SEGV_MAPERR || info->si_code == SEGV_ACCERR ||
				info->si_code == SEGV_PKUERR)) ||
	    (sig == SIGBUS && info->si_code == BUS_ADRERR))
		return (uintptr_t)info->si_addr;
	if (sig == SIGBUS && info->si_code == BUS_MCEERR_AR && info->si_addr != NULL &&
	    info->si_addr_lsb > 0 && info->si_addr_lsb < 8 * (int)sizeof(uintptr_t))
		return (uintptr_t)info->si_addr & ~(((uintptr_t)1 << info->si_addr_lsb) - 1);
	return UINTPTR_MAX;
}
#endif

int copymc_handle(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	if (info == NULL || uc == NULL || copymc_pagesz == 0)
		return 0;
#ifdef COPYMC_UC_HAVE_COPY_ARGS
	const struct copymc_extable_entry *e = copymc_extable_find(copymc_uc_pc(uc));
#ifdef COPYMC_UC_HAVE_REP_COUNT
	/* Whatever the signal: a context that goes on must be the CPU's. */
	if (e != NULL && (e->kind & COPYMC_EX_REP))
		copymc_uc_restate_rep_count(uc);
#endif
#endif
	if (!copymc_classify(sig, info->si_code))
		return 0;
#ifdef COPYMC_UC_HAVE_COPY_ARGS
	if (e != NULL) {
		struct copymc_copy_args a;
		uintptr_t addr = (uintptr_t)info->si_addr;
		int ok;

		copymc_uc_copy_args(uc, &a);
		if (a.len == 0)
			return 0;
		/* The kernel strips pointer tags from si_addr; the registers keep them. */
		a.src = copymc_arch_untag(a.src);
		a.dst = copymc_arch_untag(a.dst);
		if (copymc_memory_error_without_address(sig, info))
			ok = 1;
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

COPYMC_API int copy_mc_handle_signal(int sig, siginfo_t *info, void *ucontext)
{
	return copymc_handle(sig, info, ucontext);
}

/*
 * Pass-ons in progress: which thread is running a previous handler for
 * which signal, called from which of our frames, for which context.  A
 * signal that the library passed on and that comes back to it nested on
 * that thread (the previous handler calls its own predecessor, which is
 * the library again, or restores it and raises the signal) closes a
 * cycle.  Keyed by thread id on the pass-on path only; the copy path
 * never looks here.  A full table only means no detection for that call.
 */
#define PASSON_SLOTS 64

static struct passon {
	atomic_long tid;	/* 0: free */
	int sig;
	uintptr_t frame;	/* our frame that made the call */
	void *uc;		/* the context it passed on */
} copymc_passon[PASSON_SLOTS];

static long current_tid(void)
{
	return syscall(SYS_gettid);
}

static struct passon *passon_find(long tid, int sig)
{
	for (size_t i = 0; i < PASSON_SLOTS; i++) {
		struct passon *p = &copymc_passon[i];

		if (atomic_load_explicit(&p->tid, memory_order_acquire) == tid && p->sig == sig)
			return p;
	}
	return NULL;
}

static struct passon *passon_claim(long tid)
{
	pid_t pid = getpid();

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < PASSON_SLOTS; i++) {
			struct passon *p = &copymc_passon[i];
			long t = atomic_load_explicit(&p->tid, memory_order_relaxed);

			/* Second pass: take back the slots of threads that are gone
			   (one left its slot by a longjmp out of a handler). */
			if (t != 0) {
				if (pass == 0)
					continue;
				if (syscall(SYS_tgkill, (long)pid, t, 0L) == 0 || errno != ESRCH)
					continue;
			}
			if (atomic_compare_exchange_strong(&p->tid, &t, tid))
				return p;
		}
	return NULL;
}

/*
 * Did this signal come back from a pass-on of ours?  Nested means below
 * the frame that made the call; the same context pointer means a handler
 * called its predecessor as a function; a signal this process sent
 * itself means one that restored its predecessor and raised it.  A slot
 * left behind by a longjmp out of a handler is never taken for nesting:
 * a fresh delivery puts our frame at the same depth or elsewhere on the
 * stack, and a fresh context is not the one recorded.
 */
static int came_back(const struct passon *p, const siginfo_t *info, void *uc, uintptr_t frame)
{
	if (p == NULL || frame >= p->frame)
		return 0;
	if (uc == p->uc)
		return 1;
	return info->si_code <= 0 && info->si_pid == getpid();
}

/*
 * The default action, for a signal that was not ours.  A fault that
 * repeats is left to repeat: with SIG_DFL restored the instruction
 * faults again as the handler returns, and the kernel does exactly what
 * it would have done without the library (the same signal, si_code and
 * address, the core dump, a tracer's or emulator's view of it).  Only a
 * signal that would not come again is queued again, with its own
 * siginfo; where that is refused (a seccomp sandbox), kill() or tgkill()
 * sends the same signal, so it is never lost.
 */
static void deliver_again(int sig, siginfo_t *info, ucontext_t *uc)
{
	pid_t pid;
	long tid;

	if (copymc_fault_repeats(sig, info->si_code))
		return;
	pid = getpid();
	tid = current_tid();
	/*
	 * Refused (seccomp): what kill() sent, kill() sends again, the same
	 * si_code and si_pid of this process; anything else goes by tgkill().
	 */
	if (syscall(SYS_rt_tgsigqueueinfo, (long)pid, tid, (long)sig, info) != 0 &&
	    (info->si_code != SI_USER || info->si_pid != pid || kill(pid, sig) != 0))
		syscall(SYS_tgkill, (long)pid, tid, (long)sig);
	/* Pending now; delivered as the interrupted code resumes. */
	sigdelset(&uc->uc_sigmask, sig);
}

static void act_default(int sig, siginfo_t *info, ucontext_t *uc)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	deliver_again(sig, info, uc);
}

/*
 * Our own action, as installed, and whether it is installed without
 * SA_ONSTACK for one delivery (see wants_interrupted_stack()).
 */
static struct sigaction copymc_ours[2];
static atomic_int copymc_detour[2];

static int on_stack(uintptr_t p, const stack_t *ss)
{
	return p - (uintptr_t)ss->ss_sp < ss->ss_size;
}

/*
 * A handler registered without SA_ONSTACK runs on the interrupted stack;
 * ours asked for the alternate one, and the kernel switched for us.  Such
 * a signal is delivered once more, to our handler installed without
 * SA_ONSTACK: a fault by letting it repeat, anything else by queueing it
 * again.  The kernel then puts it on the interrupted stack, exactly where
 * it would have put the previous handler, and there our handler installs
 * itself as it was and calls the previous handler.  (Calling it on a
 * stack of our own making would leave the alternate stack, where our
 * frame lies, open to a signal nesting in that handler.)
 */
static int wants_interrupted_stack(const struct sigaction *prev, const ucontext_t *uc, uintptr_t here)
{
	const stack_t *ss = &uc->uc_stack;

	return !(prev->sa_flags & SA_ONSTACK) && !(ss->ss_flags & SS_DISABLE) &&
	       on_stack(here, ss) && !on_stack(copymc_uc_sp(uc), ss);
}

static void detour(int sig, siginfo_t *info, ucontext_t *uc)
{
	struct sigaction off = copymc_ours[sig_index(sig)];

	off.sa_flags &= ~SA_ONSTACK;
	atomic_store_explicit(&copymc_detour[sig_index(sig)], 1, memory_order_release);
	kernel_sigaction(sig, &off, NULL);
	deliver_again(sig, info, uc);
}

COPYMC_SIGNAL_ENTRY static void copymc_handler(int sig, siginfo_t *info, void *ucontext);

static int is_ours(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == copymc_handler;
}

/*
 * The first of our deliveries after a detour puts SA_ONSTACK back, unless
 * the program has installed a handler of its own since.  Out of line: a
 * recovered fault's stack use stays that of the check alone.
 */
__attribute__((noinline)) static void end_detour_slow(int sig)
{
	struct sigaction cur;

	if (!atomic_exchange(&copymc_detour[sig_index(sig)], 0))
		return;
	if (kernel_sigaction(sig, NULL, &cur) == 0 && is_ours(&cur))
		kernel_sigaction(sig, &copymc_ours[sig_index(sig)], NULL);
}

static inline void end_detour(int sig)
{
	if (atomic_load_explicit(&copymc_detour[sig_index(sig)], memory_order_acquire))
		end_detour_slow(sig);
}

struct handler_call {
	int sig;
	const struct sigaction *prev;
	siginfo_t *info;
	ucontext_t *uc;
};

static void run_handler(void *arg)
{
	const struct handler_call *c = arg;

	if (c->prev->sa_flags & SA_SIGINFO)
		c->prev->sa_sigaction(c->sig, c->info, c->uc);
	else
		c->prev->sa_handler(c->sig);
}

/*
 * Call a previous handler as the kernel would have: its mask, its flags.
 * Not inlined: its frame must lie below pass_on's for
 * came_back().
 */
__attribute__((noinline)) static void call_handler(int sig, const struct sigaction *prev, siginfo_t *info,
			 ucontext_t *uc, int saved_errno)
{
	struct handler_call c = { sig, prev, info, uc };
	sigset_t mask = uc->uc_sigmask;
	long tid = current_tid();
	struct passon *p = passon_find(tid, sig);
	struct passon outer;
	char here;
	sigorset(&mask, &mask, &prev->sa_mask);
	if (prev->sa_flags & SA_NODEFER)
		sigdelset(&mask, sig);
	else
		sigaddset(&mask, sig);
	if (p == NULL)
		p = passon_claim(tid);
	if (p != NULL) {
		outer = *p;
		p->sig = sig;
		p->frame = (uintptr_t)&here;
		p->uc = uc;
		atomic_store_explicit(&p->tid, tid, memory_order_release);
	}
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	errno = saved_errno;
	run_handler(&c);
	/* errno stays as the handler left it; sigreturn restores the mask. */
	if (p != NULL) {
		p->sig = outer.sig;
		p->frame = outer.frame;
		p->uc = outer.uc;
		atomic_store_explicit(&p->tid, outer.tid == tid ? tid : 0, memory_order_release);
	}
}

static void pass_on(int sig, siginfo_t *info, ucontext_t *uc, int saved_errno)
{
	struct sigaction prev;
	char here;

	if (came_back(passon_find(current_tid(), sig), info, uc, (uintptr_t)&here)) {
		act_default(sig, info, uc);
		errno = saved_errno;
		return;
	}
	prev_read(sig, &prev);
	/* sa_handler decides first: SA_SIGINFO may be left set over SIG_DFL. */
	if (prev.sa_handler == SIG_IGN) {
		/* The kernel delivers a fault it forces on an instruction even
		   when ignored, as if SIG_DFL; anything else is dropped. */
		if (copymc_fault_repeats(sig, info->si_code))
			act_default(sig, info, uc);
	} else if (prev.sa_handler == SIG_DFL) {
		act_default(sig, info, uc);
	} else if (wants_interrupted_stack(&prev, uc, (uintptr_t)&here)) {
		detour(sig, info, uc);
	} else if ((prev.sa_flags & SA_RESETHAND) &&
		   atomic_exchange(&copymc_prev[sig_index(sig)].resethand_fired, 1)) {
		act_default(sig, info, uc);
	} else {
		call_handler(sig, &prev, info, uc, saved_errno);
		return;
	}
	errno = saved_errno;
}

COPYMC_SIGNAL_ENTRY static void copymc_handler(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;

	end_detour(sig);
	if (copymc_handle(sig, info, ucontext)) {
		errno = saved_errno;
		return;
	}
	pass_on(sig, info, ucontext, saved_errno);
}

/* Install ours for sig unless it is already there; called with the lock. */
static int install_one(int sig)
{
	struct sigaction cur, ours, raced;

	if (kernel_sigaction(sig, NULL, &cur) != 0)
		return -1;
	if (is_ours(&cur))
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

	for (;;) {
		/*
		 * Whether an interrupted system call restarts is decided by our
		 * flags now: the displaced handler's choice, and always for an
		 * ignored or default action, which never interrupted one.
		 */
		ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
		if ((cur.sa_flags & SA_RESTART) || cur.sa_handler == SIG_IGN ||
		    cur.sa_handler == SIG_DFL)
			ours.sa_flags |= SA_RESTART;
		prev_write(sig, &cur);
		copymc_ours[sig_index(sig)] = ours;
		if (kernel_sigaction(sig, &ours, &raced) != 0)
			return -1;
		/* Someone installed a handler between our two calls: chain to it. */
		if (is_ours(&raced) ||
		    (raced.sa_handler == cur.sa_handler && raced.sa_flags == cur.sa_flags))
			return 0;
		cur = raced;
	}
}

/*
 * Bind, before any handler can run, the libc functions the handler calls
 * that copy_mc_init() itself does not (it calls pthread_sigmask() and
 * sigaction() and reads errno).  libcopymc.so is linked with -z now, but
 * libcopymc.a goes into programs bound lazily, and there the first call
 * of each function runs the dynamic linker's resolver, which saves the
 * whole vector state on the stack (above 2 KB with 512-bit vectors): on an
 * alternate stack of AT_MINSIGSTKSZ + MINSIGSTKSZ bytes it overflows.
 * Each call here has no effect.
 */
static void bind_handler_calls(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigdelset(&set, SIGSEGV);
	sigorset(&set, &set, &set);
	kill(getpid(), 0);
	(void)current_tid();
}

int copymc_init(void)
{
	int r, saved_errno = errno;
	sigset_t all, old;

	/* No signal on this thread may read the saved actions half written. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_mutex_lock(&copymc_init_lock);
	if (copymc_pagesz == 0) {
		copymc_pagesz = (uintptr_t)sysconf(_SC_PAGESIZE);
		find_kernel_sigaction();
		bind_handler_calls();
	}
	r = install_one(SIGSEGV);
	if (r == 0)
		r = install_one(SIGBUS);
	if (r == 0)
		atomic_store_explicit(&copymc_handler_installed, 1, memory_order_release);
	/*
	 * A backend is chosen even when no handler could be installed: the
	 * copies then run without recovery and a fault crashes as in memcpy.
	 */
	copymc_backend_choose_initial();
	pthread_mutex_unlock(&copymc_init_lock);
	if (r != 0)
		saved_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved_errno;
	return r;
}

COPYMC_API int copy_mc_init(void)
{
	return copymc_init();
}

int copymc_installed(void)
{
	return atomic_load_explicit(&copymc_handler_installed, memory_order_acquire);
}
