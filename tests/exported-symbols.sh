#!/bin/sh
# exported-symbols.sh - the shared library exports exactly the public API
# (tests/api-symbols.txt), each symbol in the COPYMC_1.0 version node.
set -eu
lib="$top_builddir/.libs/libcopymc.so"
if [ ! -f "$lib" ]; then
	echo "SKIP: no shared library was built (--disable-shared)"
	exit 77
fi
want=$(sort "$top_srcdir/tests/api-symbols.txt")
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ { print $3 }' |
	grep -v '^COPYMC_' | sed 's/@.*//' | sort)
if [ "$want" != "$got" ]; then
	echo "FAIL: exported symbols differ from the API"
	printf 'expected:\n%s\ngot:\n%s\n' "$want" "$got"
	exit 1
fi
unversioned=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ && $3 !~ /^COPYMC_/ && $3 !~ /@@?COPYMC_1\.0$/ { print $3 }')
if [ -n "$unversioned" ]; then
	echo "FAIL: symbols outside the COPYMC_1.0 node: $unversioned"
	exit 1
fi
echo "PASS: $(echo "$got" | wc -l) symbols, all in COPYMC_1.0"
