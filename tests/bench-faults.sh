#!/bin/sh
# bench-faults.sh - copymc-bench's fault tables measure what they say:
# both tables (page fault, memory error) are printed, every row of every
# backend built has a time and no WRONG COUNT (the bench exits 1 on one),
# the memory-error table names its source, throughput measured in fresh
# processes has every row and a backend, a bad --fault-kinds or
# --versus is refused with exit 2, and on glibc --versus glibc-sse2 runs
# the bench again with the tunables it prints.  Run by make check from the
# top of the build tree.
set -eu
: "${top_builddir:?}"
bench=$top_builddir/bench/copymc-bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/copymc-benchf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out" 2>/dev/null; exit 1; }

"$bench" --faults-only --quick >"$tmp/out" 2>&1 || fail "copymc-bench --faults-only exited $?"
grep -q '^# recovered page fault' "$tmp/out" || fail "no page-fault table"
if grep -q '^# memory errors not measured' "$tmp/out"; then
	echo "note: $(grep '^# memory errors not measured' "$tmp/out")"
else
	grep -q '^# recovered memory error: \(real poison\|the page fault rewritten\)' "$tmp/out" ||
		fail "no memory-error table naming its source"
fi
grep -q 'WRONG COUNT' "$tmp/out" && fail "a faulting copy returned the wrong count"
# Every backend has a row in each table printed.
tables=$(grep -c '^variant ' "$tmp/out")
awk '/^variant /{on=1; next} on && !/^[a-z]/{exit} on{sub(/\*$/, "", $1); print $1}' \
	"$tmp/out" >"$tmp/names"
[ -s "$tmp/names" ] || fail "no rows in the first table"
while read -r b; do
	n=$(grep -cE "^$b\*? +[0-9.]+ us" "$tmp/out") || true
	[ "$n" -eq "$tables" ] || fail "$b: $n rows in $tables tables"
done <"$tmp/names"

for bad in "--fault-kinds pages" "--versus glibc-avx3"; do
	st=0
	# shellcheck disable=SC2086
	"$bench" $bad >"$tmp/err" 2>&1 || st=$?
	[ "$st" -eq 2 ] && grep -q "copymc-bench: --" "$tmp/err" || fail "$bad: exit $st, $(cat "$tmp/err")"
done

# Throughput in fresh copies of the bench, which write a line per round
# for the parent to pair: every variant (memcpy and at least one backend)
# has both placements, each with a time and a ratio.
"$bench" --no-faults --quick --size 64 --reps 2 --processes 2 --csv >"$tmp/out" 2>&1 ||
	fail "throughput in 2 processes exited $?"
rows=$(grep -c '^64,' "$tmp/out") || true
good=$(grep -cE '^64,(aligned|misaligned),[a-z0-9*]+,[0-9]+\.[0-9]+,[0-9]+\.[0-9]+,[0-9]+\.[0-9]{4}$' \
	"$tmp/out") || true
[ "$rows" -ge 4 ] && [ "$good" -eq "$rows" ] && [ $((rows % 2)) -eq 0 ] ||
	fail "throughput: $good of $rows rows complete"
grep -qE '^64,aligned,[a-z0-9]+\*?,' "$tmp/out" &&
	grep -E '^64,aligned,' "$tmp/out" | grep -qvE '^64,aligned,(memcpy|guarded),' ||
	fail "throughput: no backend's row"
if grep -q 'cannot run a fresh copy of myself' "$tmp/out"; then
	echo "note: throughput measured in one process: $(grep 'cannot run' "$tmp/out")"
else
	grep -q '^# .*median of 2 in 2 processes' "$tmp/out" ||
		fail "throughput: not measured in 2 processes"
fi

if "$bench" --versus glibc-sse2 --no-faults --quick --size 64 --only memcpy >"$tmp/out" 2>&1; then
	grep -q '^# memcpy: glibc.s SSE2 variant.*GLIBC_TUNABLES=.*-SSSE3' "$tmp/out" ||
		fail "--versus glibc-sse2 did not say what it set"
elif grep -q 'not glibc on x86_64' "$tmp/out"; then
	echo "note: --versus: $(cat "$tmp/out")"
else
	fail "--versus glibc-sse2 failed"
fi
echo "PASS: $tables fault tables, every backend's rows timed"
