#!/bin/sh
# entry-binding.sh - with IFUNC (x86_64, glibc), copy_mc_to_kernel and
# copy_mc_to_user are bound at load time to the entry point of the backend
# the first copy selects (COPYMC_BACKEND if this CPU runs it, else the
# default): avx2 and sse2 have their own, avx512, erms, fragile and
# generic share one.  Bound while the program is relocated (linked) and
# while it runs (dlopen), the same offsets.
set -eu
if ! grep -q '^#define COPYMC_HAVE_IFUNC 1' "$top_builddir/config.h"; then
	echo "SKIP: no IFUNC in this build (not x86_64 with glibc, or --disable-ifunc)"
	exit 77
fi
lib="$top_builddir/.libs/libcopymc.so"
fail() { echo "FAIL: $*" >&2; exit 1; }

# run HOW ENV: "backend kernel-offset user-offset" under COPYMC_BACKEND=ENV;
# exits the test on a failure, or with 77 for a program built without PIE
run() {
	if [ "$1" = linked ]; then set -- "$top_builddir/tests/entry-binding" "$2"
	else set -- "$top_builddir/tests/entry-binding-dl" "$2" "$lib"; fi
	prog=$1 env=$2; shift 2
	rc=0
	if [ "$env" = unset ]; then
		env -u COPYMC_BACKEND "$prog" "$@" || rc=$?
	else
		COPYMC_BACKEND=$env "$prog" "$@" || rc=$?
	fi
	[ $rc -ne 77 ] || { echo "SKIP: $prog: built without PIE" >&2; exit 77; }
	[ $rc -eq 0 ] || fail "$prog under COPYMC_BACKEND=$env (exit status $rc)"
}

for how in linked dlopen; do
	for env in unset sse2 erms fragile generic avx2 avx512; do
		out=$(run "$how" "$env") || exit $?
		set -- $out
		eval "b_$env=$1 k_$env=$2 u_$env=$3"
		echo "# $how, COPYMC_BACKEND=$env: $1, copy_mc_to_kernel at $2, copy_mc_to_user at $3"
		eval "[ \"\${seen_k_$env:-$2}\" = $2 ] && [ \"\${seen_u_$env:-$3}\" = $3 ]" ||
			fail "COPYMC_BACKEND=$env: bound elsewhere when $how than before"
		eval "seen_k_$env=$2 seen_u_$env=$3"
	done
	[ "$k_erms $u_erms" = "$k_fragile $u_fragile" ] && [ "$k_erms $u_erms" = "$k_generic $u_generic" ] ||
		fail "$how: erms, fragile and generic are not bound to one entry point"
	[ "$k_sse2" != "$k_erms" ] && [ "$u_sse2" != "$u_erms" ] ||
		fail "$how: sse2 is bound to the shared entry point, not its own"
	if [ "$b_avx2" = avx2 ]; then
		[ "$k_avx2" != "$k_erms" ] && [ "$k_avx2" != "$k_sse2" ] &&
		[ "$u_avx2" != "$u_erms" ] && [ "$u_avx2" != "$u_sse2" ] ||
			fail "$how: avx2 is not bound to an entry point of its own"
	else
		echo "# this CPU does not run avx2 (selected: $b_avx2)"
	fi
	[ "$b_avx512" != avx512 ] || [ "$k_avx512 $u_avx512" = "$k_erms $u_erms" ] ||
		fail "$how: avx512 is not bound to the shared entry point"
	eval "dk=\$k_$b_unset du=\$u_$b_unset"
	[ "$k_unset $u_unset" = "$dk $du" ] ||
		fail "$how: without COPYMC_BACKEND the default ($b_unset) is bound elsewhere than with it named"
done
echo "PASS: the entry points bound by COPYMC_BACKEND and the CPU, at load time and by dlopen"
