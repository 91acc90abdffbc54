/*
 * check_classify.c - "Which signals are recovered" (contract.md, rules
 * 1-5): every row of the classification table through copymc_classify(),
 * the page-granular range check, and copy_mc_handle_signal() on synthetic
 * siginfo with a real ucontext.
 */
#include "check_tests.h"
#include "arch_ucontext.h"		/* the library's per-arch accessor (generic/) */

#include <string.h>

/* Linux's values, for libc headers that lack them. */
#ifndef SEGV_BNDERR
# define SEGV_BNDERR 3
#endif
#ifndef SEGV_PKUERR
# define SEGV_PKUERR 4
#endif
#ifndef SEGV_ACCADI
# define SEGV_ACCADI 5
#endif
#ifndef SEGV_ADIDERR
# define SEGV_ADIDERR 6
#endif
#ifndef SEGV_ADIPERR
# define SEGV_ADIPERR 7
#endif
#ifndef SEGV_MTEAERR
# define SEGV_MTEAERR 8
#endif
#ifndef SEGV_MTESERR
# define SEGV_MTESERR 9
#endif
#ifndef SEGV_CPERR
# define SEGV_CPERR 10
#endif
#ifndef BUS_MCEERR_AR
# define BUS_MCEERR_AR 4
#endif
#ifndef BUS_MCEERR_AO
# define BUS_MCEERR_AO 5
#endif

/* The recovered rows of the table, and only those. */
static const struct row {
	int sig, code;
	const char *what;
} recovered_rows[] = {
	{ SIGSEGV, SEGV_MAPERR, "SIGSEGV SEGV_MAPERR" },
	{ SIGSEGV, SEGV_ACCERR, "SIGSEGV SEGV_ACCERR" },
	{ SIGSEGV, SEGV_PKUERR, "SIGSEGV SEGV_PKUERR" },
	{ SIGBUS, BUS_ADRERR, "SIGBUS BUS_ADRERR" },
	{ SIGBUS, BUS_MCEERR_AR, "SIGBUS BUS_MCEERR_AR" },
	{ SIGBUS, BUS_OBJERR, "SIGBUS BUS_OBJERR" },
};
#define NROWS (sizeof recovered_rows / sizeof recovered_rows[0])

static int is_recovered_row(int sig, int code)
{
	for (size_t i = 0; i < NROWS; i++)
		if (recovered_rows[i].sig == sig && recovered_rows[i].code == code)
			return 1;
	return 0;
}

#define RECOVERED_ROW(name, sig, code)						\
	START_TEST(name)							\
	{									\
		ck_assert_msg(copymc_classify(sig, code) == 1,			\
			      #sig " " #code " must be recovered");		\
	}									\
	END_TEST

#define REJECTED_ROW(name, sig, code)						\
	START_TEST(name)							\
	{									\
		ck_assert_msg(copymc_classify(sig, code) == 0,			\
			      #sig " " #code " (%d) must NOT be recovered", code);	\
	}									\
	END_TEST

/* Rule 3, the "yes" rows. */
RECOVERED_ROW(sigsegv_segv_maperr_page_not_mapped_is_recovered, SIGSEGV, SEGV_MAPERR)
RECOVERED_ROW(sigsegv_segv_accerr_page_protection_is_recovered, SIGSEGV, SEGV_ACCERR)
RECOVERED_ROW(sigsegv_segv_pkuerr_protection_key_is_recovered, SIGSEGV, SEGV_PKUERR)
RECOVERED_ROW(sigbus_bus_adrerr_file_mapping_beyond_eof_or_io_error_is_recovered,
	      SIGBUS, BUS_ADRERR)
RECOVERED_ROW(sigbus_bus_mceerr_ar_poison_consumed_by_this_access_is_recovered,
	      SIGBUS, BUS_MCEERR_AR)
RECOVERED_ROW(sigbus_bus_objerr_arm64_synchronous_external_abort_is_recovered,
	      SIGBUS, BUS_OBJERR)

/* Rule 3, the "NO" rows. */
REJECTED_ROW(sigbus_bus_adraln_alignment_check_is_not_recovered, SIGBUS, BUS_ADRALN)
REJECTED_ROW(sigbus_bus_mceerr_ao_asynchronous_poison_report_not_this_access_is_not_recovered,
	     SIGBUS, BUS_MCEERR_AO)
REJECTED_ROW(sigsegv_si_kernel_x86_gp_non_canonical_address_is_not_recovered,
	     SIGSEGV, SI_KERNEL)
REJECTED_ROW(sigsegv_segv_mteserr_arm64_mte_tag_check_is_not_recovered, SIGSEGV, SEGV_MTESERR)
REJECTED_ROW(sigsegv_segv_mteaerr_arm64_mte_tag_check_is_not_recovered, SIGSEGV, SEGV_MTEAERR)
REJECTED_ROW(sigsegv_segv_bnderr_bounds_is_not_recovered, SIGSEGV, SEGV_BNDERR)
REJECTED_ROW(sigsegv_segv_cperr_shadow_stack_is_not_recovered, SIGSEGV, SEGV_CPERR)
REJECTED_ROW(sigsegv_segv_accadi_sparc_adi_is_not_recovered, SIGSEGV, SEGV_ACCADI)
REJECTED_ROW(sigsegv_segv_adiderr_sparc_adi_is_not_recovered, SIGSEGV, SEGV_ADIDERR)
REJECTED_ROW(sigsegv_segv_adiperr_sparc_adi_is_not_recovered, SIGSEGV, SEGV_ADIPERR)

/* Rule 2: SI_KERNEL is excluded whatever the signal. */
REJECTED_ROW(sigbus_si_kernel_is_not_recovered, SIGBUS, SI_KERNEL)

/* Rule 2: every software origin, for both signals. */
static const struct {
	int code;
	const char *name;
} software_codes[] = {
	{ SI_USER, "SI_USER" },     { SI_TKILL, "SI_TKILL" }, { SI_QUEUE, "SI_QUEUE" },
	{ SI_TIMER, "SI_TIMER" },   { SI_MESGQ, "SI_MESGQ" }, { SI_ASYNCIO, "SI_ASYNCIO" },
	{ SI_SIGIO, "SI_SIGIO" },
};

START_TEST(signal_sent_by_software_si_code_le_0_is_not_recovered)
{
	static const int sigs[] = { SIGSEGV, SIGBUS };

	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < sizeof software_codes / sizeof software_codes[0]; i++)
			ck_assert_msg(copymc_classify(sigs[s], software_codes[i].code) == 0,
				      "%s with %s must NOT be recovered", strsignal(sigs[s]),
				      software_codes[i].name);
		for (int code = -64; code <= 0; code++)
			ck_assert_msg(copymc_classify(sigs[s], code) == 0,
				      "%s with si_code %d <= 0 must NOT be recovered",
				      strsignal(sigs[s]), code);
	}
}
END_TEST

/* Rule 1: any other signal, even with what would be a fault code. */
START_TEST(any_other_signal_is_not_recovered)
{
	static const struct {
		int sig, code;
		const char *what;
	} faults[] = {
		{ SIGILL, ILL_ILLOPC, "SIGILL ILL_ILLOPC" },
		{ SIGILL, ILL_PRVOPC, "SIGILL ILL_PRVOPC" },
		{ SIGILL, ILL_BADSTK, "SIGILL ILL_BADSTK" },
		{ SIGFPE, FPE_INTDIV, "SIGFPE FPE_INTDIV" },
		{ SIGFPE, FPE_FLTINV, "SIGFPE FPE_FLTINV" },
		{ SIGTRAP, TRAP_BRKPT, "SIGTRAP TRAP_BRKPT" },
		{ SIGTRAP, TRAP_TRACE, "SIGTRAP TRAP_TRACE" },
	};
	static const int others[] = { SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT, SIGUSR1 };

	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		ck_assert_msg(copymc_classify(faults[i].sig, faults[i].code) == 0,
			      "%s must NOT be recovered", faults[i].what);
	/* Not even with the numeric value of a recovered SIGSEGV/SIGBUS code. */
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		for (int code = -8; code <= 16; code++)
			ck_assert_msg(copymc_classify(others[i], code) == 0,
				      "%s with si_code %d must NOT be recovered",
				      strsignal(others[i]), code);
}
END_TEST

/* The whole table at once: exactly the "yes" rows, nothing else. */
START_TEST(only_the_permitted_memory_access_faults_are_recovered)
{
	static const int sigs[] = { SIGSEGV, SIGBUS };

	for (size_t s = 0; s < 2; s++)
		for (int code = -256; code <= 512; code++)
			ck_assert_msg(copymc_classify(sigs[s], code) ==
				      is_recovered_row(sigs[s], code),
				      "%s si_code %d: classify says %d, the table %d",
				      strsignal(sigs[s]), code, copymc_classify(sigs[s], code),
				      is_recovered_row(sigs[s], code));
}
END_TEST

/* Rule 5: "compared at page granularity (s390x reports only the page)". */
/*
 * "a fault that repeats (a synchronous fault of the instruction: si_code >
 * 0, except the asynchronous reports BUS_MCEERR_AO and SEGV_MTEAERR)"
 */
START_TEST(only_synchronous_faults_repeat_and_are_left_to_fault_again)
{
	static const int codes[] = { -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, SI_KERNEL };

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		int c = codes[i];

		ck_assert_int_eq(copymc_fault_repeats(SIGSEGV, c), c > 0 && c != SEGV_MTEAERR);
		ck_assert_int_eq(copymc_fault_repeats(SIGBUS, c), c > 0 && c != BUS_MCEERR_AO);
	}
}
END_TEST

START_TEST(faulting_address_inside_the_range_compared_at_page_granularity)
{
	const uintptr_t pg = 4096;
	const uintptr_t base = 0x10000000;		/* page 0 of the test */
	uintptr_t start = base + pg + 100;		/* in page 1 */
	size_t len = 2 * pg;				/* ends in page 3 */
	uintptr_t last = start + len - 1;

	/* The first page, all of it, even the bytes before start. */
	ck_assert_int_eq(copymc_in_range(base + pg, start, len, pg), 1);
	ck_assert_int_eq(copymc_in_range(start - 1, start, len, pg), 1);
	ck_assert_int_eq(copymc_in_range(start, start, len, pg), 1);
	/* The last page, all of it, even the bytes after the end. */
	ck_assert_int_eq(copymc_in_range(last, start, len, pg), 1);
	ck_assert_int_eq(copymc_in_range(last + 1, start, len, pg), 1);
	ck_assert_int_eq(copymc_in_range(base + 4 * pg - 1, start, len, pg), 1);
	/* A page in between. */
	ck_assert_int_eq(copymc_in_range(base + 2 * pg + 7, start, len, pg), 1);
	/* One page before the first, one after the last. */
	ck_assert_int_eq(copymc_in_range(base + pg - 1, start, len, pg), 0);
	ck_assert_int_eq(copymc_in_range(base, start, len, pg), 0);
	ck_assert_int_eq(copymc_in_range(base + 4 * pg, start, len, pg), 0);
	ck_assert_int_eq(copymc_in_range(base + 5 * pg - 1, start, len, pg), 0);

	/* A range that ends exactly at a page boundary does not own the next page. */
	ck_assert_int_eq(copymc_in_range(base + 2 * pg - 1, base + pg, pg, pg), 1);
	ck_assert_int_eq(copymc_in_range(base + 2 * pg, base + pg, pg, pg), 0);
	ck_assert_int_eq(copymc_in_range(base + pg - 1, base + pg, pg, pg), 0);
	/* One byte at the last byte of a page: that page only. */
	ck_assert_int_eq(copymc_in_range(base + pg, base + 2 * pg - 1, 1, pg), 1);
	ck_assert_int_eq(copymc_in_range(base + 2 * pg, base + 2 * pg - 1, 1, pg), 0);
	ck_assert_int_eq(copymc_in_range(base + pg - 1, base + 2 * pg - 1, 1, pg), 0);
	/* Other page sizes (64 KiB on some arm64 and ppc64 kernels). */
	ck_assert_int_eq(copymc_in_range(0x20000, 0x2ffff, 1, 0x10000), 1);
	ck_assert_int_eq(copymc_in_range(0x30000, 0x2ffff, 1, 0x10000), 0);
	ck_assert_int_eq(copymc_in_range(0x1ffff, 0x2ffff, 1, 0x10000), 0);
}
END_TEST

/* A real ucontext of this thread: its pc is in this file, in no table. */
#ifdef __GLIBC__
static void real_ucontext(ucontext_t *uc)
{
	ck_assert_int_eq(getcontext(uc), 0);
}
#else
/* musl has no getcontext(): take the context a real signal delivers. */
static ucontext_t captured_uc;

static void capture_uc(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)info;
	captured_uc = *(ucontext_t *)ucontext;
}

static void real_ucontext(ucontext_t *uc)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = capture_uc;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
	raise(SIGUSR1);
	sigaction(SIGUSR1, &old, NULL);
	*uc = captured_uc;
}
#endif

static siginfo_t synthetic_siginfo(int sig, int code, void *addr)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	si.si_signo = sig;
	si.si_code = code;
	si.si_addr = addr;
	return si;
}

/* Rule 4: "EXACTLY on an instruction listed in the library's exception table". */
START_TEST(handle_signal_returns_0_when_the_pc_is_on_no_exception_table_instruction)
{
	static unsigned char buf[256];
	ucontext_t uc, before;

	ck_assert_int_eq(copy_mc_init(), 0);	/* so the handler is really asked */
	real_ucontext(&uc);
	before = uc;
	for (size_t i = 0; i < NROWS; i++) {
		void *addrs[] = { buf, buf + 100, NULL };

		for (size_t a = 0; a < 3; a++) {
			siginfo_t si = synthetic_siginfo(recovered_rows[i].sig,
							 recovered_rows[i].code, addrs[a]);

			ck_assert_msg(copy_mc_handle_signal(recovered_rows[i].sig, &si, &uc) == 0,
				      "%s at si_addr %p with a pc in no table was taken",
				      recovered_rows[i].what, addrs[a]);
			ck_assert_msg(memcmp(&uc.uc_mcontext, &before.uc_mcontext,
					     sizeof uc.uc_mcontext) == 0,
				      "%s: the context was changed though not ours",
				      recovered_rows[i].what);
		}
	}
	/* And no siginfo or no context at all is never ours. */
	{
		siginfo_t si = synthetic_siginfo(SIGSEGV, SEGV_MAPERR, buf);

		ck_assert_int_eq(copy_mc_handle_signal(SIGSEGV, NULL, &uc), 0);
		ck_assert_int_eq(copy_mc_handle_signal(SIGSEGV, &si, NULL), 0);
	}
}
END_TEST

/*
 * The generic backend: a pc inside its text but no armed copy on the stack
 * ("the range check plus an armed-copy marker instead of rule 4").
 */
extern const char __start_copymc_generic_text[] COPYMC_HIDDEN;

START_TEST(handle_signal_returns_0_in_the_generic_copy_when_no_copy_is_armed)
{
	static unsigned char buf[256];
	ucontext_t uc;

	ck_assert_int_eq(copy_mc_init(), 0);
	real_ucontext(&uc);
	copymc_uc_set_pc(&uc, (uintptr_t)__start_copymc_generic_text);
	for (size_t i = 0; i < NROWS; i++) {
		siginfo_t si = synthetic_siginfo(recovered_rows[i].sig,
						 recovered_rows[i].code, buf);

		ck_assert_msg(copy_mc_handle_signal(recovered_rows[i].sig, &si, &uc) == 0,
			      "%s in generic text with no armed copy was taken",
			      recovered_rows[i].what);
	}
}
END_TEST

#if defined(__x86_64__) && defined(COPYMC_HAVE_EXTABLE)
/*
 * White-box rules 4 and 5 on x86_64: a ucontext whose pc is put on each
 * entry of the library's own table, with the copy's arguments in the
 * registers the assembly keeps them in (r8 = dst, r9 = src, rdx = len).
 */
extern const struct copymc_extable_entry __start_copymc_extable[] COPYMC_HIDDEN;
extern const struct copymc_extable_entry __stop_copymc_extable[] COPYMC_HIDDEN;

static void at_entry(ucontext_t *uc, uintptr_t pc, const void *dst, const void *src,
		     size_t len)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)pc;
	uc->uc_mcontext.gregs[REG_R8] = (greg_t)(uintptr_t)dst;
	uc->uc_mcontext.gregs[REG_R9] = (greg_t)(uintptr_t)src;
	uc->uc_mcontext.gregs[REG_RDX] = (greg_t)len;
}

/* Returns copy_mc_handle_signal's answer, and checks what it did to the pc. */
static int ask(const struct copymc_extable_entry *e, uintptr_t pc, int sig, int code,
	       void *addr, const void *dst, const void *src, size_t len)
{
	ucontext_t uc;
	siginfo_t si = synthetic_siginfo(sig, code, addr);
	int r;

	real_ucontext(&uc);
	at_entry(&uc, pc, dst, src, len);
	r = copy_mc_handle_signal(sig, &si, &uc);
	if (r)
		ck_assert_msg((uintptr_t)uc.uc_mcontext.gregs[REG_RIP] ==
			      copymc_extable_fixup(e),
			      "recovered but the pc is not the entry's fixup");
	else
		ck_assert_msg((uintptr_t)uc.uc_mcontext.gregs[REG_RIP] == pc,
			      "not ours but the pc was changed");
	return r;
}

START_TEST(handle_signal_recovers_only_on_a_table_instruction_of_a_fitting_kind_and_range)
{
	size_t pg = test_pagesz();
	unsigned char *src = test_map(8), *dst = src + 4 * pg;
	size_t len = 2 * pg, n = 0;

	ck_assert_int_eq(copy_mc_init(), 0);
	for (const struct copymc_extable_entry *e = __start_copymc_extable;
	     e < __stop_copymc_extable; e++, n++) {
		uintptr_t pc = copymc_extable_insn(e);
		int rd = (e->kind & COPYMC_EX_READ) != 0, wr = (e->kind & COPYMC_EX_WRITE) != 0;

		for (size_t i = 0; i < NROWS; i++) {
			int sig = recovered_rows[i].sig, code = recovered_rows[i].code;
			const char *w = recovered_rows[i].what;

			/* In src: a READ entry recovers it. */
			ck_assert_msg(ask(e, pc, sig, code, src + pg + 5, dst, src, len) == rd,
				      "entry %zu (kind %d) %s in src", n, e->kind, w);
			/* In dst: only a WRITE entry (the copy_mc_to_user bodies). */
			ck_assert_msg(ask(e, pc, sig, code, dst + 3, dst, src, len) == wr,
				      "entry %zu (kind %d) %s in dst", n, e->kind, w);
			/* In neither range: never. */
			ck_assert_msg(ask(e, pc, sig, code, src + 3 * pg, dst, src, len) == 0,
				      "entry %zu (kind %d) %s outside both ranges", n, e->kind, w);
			ck_assert_msg(ask(e, pc, sig, code, src - 1, dst, src, len) == 0,
				      "entry %zu (kind %d) %s one byte before src", n, e->kind, w);
			/* Not merely inside a copy function: the very instruction. */
			ck_assert_msg(ask(e, pc + 1, sig, code, src + 5, dst, src, len) == 0 ||
				      copymc_extable_find(pc + 1) != NULL,
				      "entry %zu: pc + 1 was taken", n);
		}
		/* Rejected types stay rejected on a table instruction. */
		ck_assert_int_eq(ask(e, pc, SIGBUS, BUS_ADRALN, src + 5, dst, src, len), 0);
		ck_assert_int_eq(ask(e, pc, SIGBUS, BUS_MCEERR_AO, src + 5, dst, src, len), 0);
		ck_assert_int_eq(ask(e, pc, SIGSEGV, SI_KERNEL, NULL, dst, src, len), 0);
		ck_assert_int_eq(ask(e, pc, SIGSEGV, SI_USER, src + 5, dst, src, len), 0);
		ck_assert_int_eq(ask(e, pc, SIGSEGV, SEGV_MTESERR, src + 5, dst, src, len), 0);
		ck_assert_int_eq(ask(e, pc, SIGILL, ILL_ILLOPC, src + 5, dst, src, len), 0);
	}
	ck_assert_msg(n > 0, "the library's exception table is empty");
}
END_TEST

/* Rule 5: "For BUS_MCEERR_AR with a NULL si_addr (old kernels) the PC check alone decides." */
START_TEST(bus_mceerr_ar_with_null_si_addr_the_pc_check_alone_decides)
{
	size_t pg = test_pagesz();
	unsigned char *src = test_map(4), *dst = src + 2 * pg;
	size_t n = 0;

	ck_assert_int_eq(copy_mc_init(), 0);
	for (const struct copymc_extable_entry *e = __start_copymc_extable;
	     e < __stop_copymc_extable; e++, n++) {
		uintptr_t pc = copymc_extable_insn(e);

		ck_assert_msg(ask(e, pc, SIGBUS, BUS_MCEERR_AR, NULL, dst, src, pg) == 1,
			      "entry %zu: BUS_MCEERR_AR with NULL si_addr not taken", n);
		ck_assert_msg(ask(e, pc + 1, SIGBUS, BUS_MCEERR_AR, NULL, dst, src, pg) == 0 ||
			      copymc_extable_find(pc + 1) != NULL,
			      "entry %zu: BUS_MCEERR_AR with NULL si_addr off the table taken", n);
		/* NULL si_addr with another code is an address outside the range. */
		ck_assert_msg(ask(e, pc, SIGSEGV, SEGV_MAPERR, NULL, dst, src, pg) == 0,
			      "entry %zu: SEGV_MAPERR at NULL taken", n);
	}
}
END_TEST

/*
 * COPYMC_EX_REP: at a rep movsb, rcx = len - (rsi - src) in the context
 * that goes on, whatever the signal, recovered or not; other entries keep
 * their rcx.  Valgrind reports rcx one short at a fault of the rep.
 */
START_TEST(rep_entries_are_rep_movsb_and_their_count_is_restated_from_the_copy_registers)
{
	size_t pg = test_pagesz();
	unsigned char *src = test_map(4), *dst = src + 2 * pg;
	size_t len = pg, nrep = 0;
	static const struct { int sig, code; } sigs[] = {
		{ SIGSEGV, SEGV_ACCERR }, { SIGBUS, BUS_ADRALN }, { SIGSEGV, SI_KERNEL }, { SIGSEGV, SI_USER },
	};

	ck_assert_int_eq(copy_mc_init(), 0);
	for (const struct copymc_extable_entry *e = __start_copymc_extable;
	     e < __stop_copymc_extable; e++) {
		uintptr_t pc = copymc_extable_insn(e);
		const unsigned char *insn = (const unsigned char *)pc;
		int rep = (e->kind & COPYMC_EX_REP) != 0;

		ck_assert_msg(rep == (insn[0] == 0xf3 && insn[1] == 0xa4),
			      "entry at %p: kind %d but the instruction is %02x %02x", (void *)pc, e->kind,
			      insn[0], insn[1]);
		nrep += rep;
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
			/* rsi 100 bytes on: the rep has len - 100 bytes left; valgrind says one less. */
			siginfo_t si = synthetic_siginfo(sigs[i].sig, sigs[i].code, dst + 100);
			ucontext_t uc;
			greg_t stale = (greg_t)(len - 100 - 1);

			real_ucontext(&uc);
			at_entry(&uc, pc, dst, src, len);
			uc.uc_mcontext.gregs[REG_RSI] = (greg_t)(uintptr_t)(src + 100);
			uc.uc_mcontext.gregs[REG_RDI] = (greg_t)(uintptr_t)(dst + 100);
			uc.uc_mcontext.gregs[REG_RCX] = stale;
			copy_mc_handle_signal(sigs[i].sig, &si, &uc);
			ck_assert_msg(uc.uc_mcontext.gregs[REG_RCX] == (rep ? (greg_t)(len - 100) : stale),
				      "entry at %p (kind %d), signal %d code %d: rcx %lld after the handler",
				      (void *)pc, e->kind, sigs[i].sig, sigs[i].code,
				      (long long)uc.uc_mcontext.gregs[REG_RCX]);
		}
	}
	/* Both rep movsb of each erms body. */
	ck_assert_uint_eq(nrep, 4);
}
END_TEST
#endif

Suite *classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, sigsegv_segv_maperr_page_not_mapped_is_recovered);
	tcase_add_test(tc, sigsegv_segv_accerr_page_protection_is_recovered);
	tcase_add_test(tc, sigsegv_segv_pkuerr_protection_key_is_recovered);
	tcase_add_test(tc, sigbus_bus_adrerr_file_mapping_beyond_eof_or_io_error_is_recovered);
	tcase_add_test(tc, sigbus_bus_mceerr_ar_poison_consumed_by_this_access_is_recovered);
	tcase_add_test(tc, sigbus_bus_objerr_arm64_synchronous_external_abort_is_recovered);
	tcase_add_test(tc, sigbus_bus_adraln_alignment_check_is_not_recovered);
	tcase_add_test(tc,
		sigbus_bus_mceerr_ao_asynchronous_poison_report_not_this_access_is_not_recovered);
	tcase_add_test(tc, sigsegv_si_kernel_x86_gp_non_canonical_address_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_mteserr_arm64_mte_tag_check_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_mteaerr_arm64_mte_tag_check_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_bnderr_bounds_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_cperr_shadow_stack_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_accadi_sparc_adi_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_adiderr_sparc_adi_is_not_recovered);
	tcase_add_test(tc, sigsegv_segv_adiperr_sparc_adi_is_not_recovered);
	tcase_add_test(tc, sigbus_si_kernel_is_not_recovered);
	tcase_add_test(tc, signal_sent_by_software_si_code_le_0_is_not_recovered);
	tcase_add_test(tc, any_other_signal_is_not_recovered);
	tcase_add_test(tc, only_synchronous_faults_repeat_and_are_left_to_fault_again);
	tcase_add_test(tc, only_the_permitted_memory_access_faults_are_recovered);
	suite_add_tcase(s, tc);

	tc = tcase_create("range");
	tcase_add_test(tc, faulting_address_inside_the_range_compared_at_page_granularity);
	suite_add_tcase(s, tc);

	tc = tcase_create("handle_signal");
	tcase_add_test(tc, handle_signal_returns_0_when_the_pc_is_on_no_exception_table_instruction);
	tcase_add_test(tc, handle_signal_returns_0_in_the_generic_copy_when_no_copy_is_armed);
#if defined(__x86_64__) && defined(COPYMC_HAVE_EXTABLE)
	tcase_add_test(tc,
		handle_signal_recovers_only_on_a_table_instruction_of_a_fitting_kind_and_range);
	tcase_add_test(tc, bus_mceerr_ar_with_null_si_addr_the_pc_check_alone_decides);
	tcase_add_test(tc, rep_entries_are_rep_movsb_and_their_count_is_restated_from_the_copy_registers);
#endif
	suite_add_tcase(s, tc);
	return s;
}
