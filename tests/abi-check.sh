#!/bin/sh
# abi-check.sh - the built libcopymc.so has the ABI of abi/libcopymc.abi,
# or libtool-version declares the difference: an interface added needs
# current and age raised together (revision 0), one removed or changed
# needs current raised and age 0 (libtool's rules 2-4, docs/abi.md).  The
# baseline's own version is in abi/libcopymc.abi.version.  Compared with
# libabigail's abidiff; run by make check.  Skipped (77) without abidiff,
# in a static-only build, on a host other than x86_64 (the baseline is
# x86_64's) and for a library built without debug information.
set -eu
srcdir=${top_srcdir:-$(dirname "$0")/..}
builddir=${top_builddir:-.}
lib="$builddir/.libs/libcopymc.so"
base="$srcdir/abi/libcopymc.abi"

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

command -v abidiff >/dev/null 2>&1 ||
	skip "abidiff not found (Debian package abigail-tools)"
[ -f "$lib" ] || skip "no shared library was built (--disable-shared)"
case "${host_cpu:-$(uname -m)}" in
x86_64) ;;
*) skip "the ABI baseline is x86_64's; this host is ${host_cpu:-$(uname -m)}" ;;
esac
readelf -S "$lib" | grep -q '[.]debug_info' ||
	skip "$lib has no debug information (built without -g): abidiff would see no types"

version() {
	sed -n 's/^\([0-9][0-9]*\):\([0-9][0-9]*\):\([0-9][0-9]*\)$/\1 \2 \3/p' "$1"
}
set -- $(version "$srcdir/abi/libcopymc.abi.version")
[ $# -eq 3 ] || fail "no current:revision:age in abi/libcopymc.abi.version"
c0=$1 r0=$2 a0=$3
set -- $(version "$srcdir/libtool-version")
[ $# -eq 3 ] || fail "no current:revision:age in libtool-version"
c1=$1 r1=$2 a1=$3

# Entry points the arch defines in assembly (x86_64's) have no prototype
# in their DWARF.
suppr=
if [ "${COPYMC_ARCH_ENTRY:-}" = entry ]; then
	suppr="--suppressions $srcdir/abi/asm-entry-points.suppr"
	echo "note: copy_mc_to_kernel and copy_mc_to_user are assembly in this build;" \
		"their signatures are compared by --disable-asm builds only"
fi

rc=0
# shellcheck disable=SC2086
abidiff --drop-private-types --headers-dir2 "$srcdir/include" $suppr \
	"$base" "$lib" >abi-check.diff 2>&1 || rc=$?
cat abi-check.diff
# abidiff's status is a bit set: 1 error, 2 usage, 4 a change, 8 an
# incompatible one.
[ $((rc & 3)) -eq 0 ] || fail "abidiff could not compare (status $rc)"

# The summaries' counts: "N Removed, N Changed[ (N filtered out)], N Added".
count() {	# count WORD: the sum of the numbers before WORD in the summaries
	sed -n 's/.*changes summary: //p' abi-check.diff |
		tr ',' '\n' | sed -n "s/^ *\([0-9][0-9]*\) $1.*/\1/p" |
		awk '{ n += $1 } END { print n + 0 }'
}
removed=$(count Removed) changed=$(count Changed) added=$(count Added)
rm -f abi-check.diff

if [ $rc -eq 0 ]; then
	kind=none
elif [ $((rc & 8)) -eq 0 ] && [ "$removed" -eq 0 ] && [ "$changed" -eq 0 ] &&
	[ "$added" -gt 0 ]; then
	kind=added
else
	kind=incompatible
fi
declared="libtool-version $c1:$r1:$a1, baseline $c0:$r0:$a0"
case $kind in
none)
	[ "$c1" -eq "$c0" ] && [ "$a1" -eq "$a0" ] ||
		fail "no interface changed, yet $declared changes current or age"
	echo "PASS: the ABI is the baseline's ($declared)" ;;
added)
	[ "$c1" -gt "$c0" ] && [ $((a1 - a0)) -eq $((c1 - c0)) ] && [ "$r1" -eq 0 ] ||
		fail "$added interfaces added: current and age must rise together, revision 0 ($declared); see docs/abi.md"
	echo "PASS: $added interfaces added, declared by $declared" ;;
incompatible)
	[ "$c1" -gt "$c0" ] && [ "$a1" -eq 0 ] && [ "$r1" -eq 0 ] ||
		fail "interfaces removed ($removed) or changed ($changed): current must rise, age and revision be 0 ($declared); see docs/abi.md"
	echo "PASS: an incompatible change ($removed removed, $changed changed), declared by $declared" ;;
esac
