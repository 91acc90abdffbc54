#!/bin/sh
# gc-sections.sh - the exception table survives garbage collection: with
# each of the linkers bfd, gold and lld and --gc-sections, link the shared
# library from the build's own objects and a consumer against it, and a
# static consumer of libcopymc.a; each consumer must get the exact count
# of bytes not copied from faulting copies with every backend
# (tests/gc-consumer.c).  A table the linker dropped makes such a copy
# crash, or the link itself fail (__start_copymc_extable undefined).
#
# A linker this toolchain cannot use is skipped with its reason, unless
# COPYMC_REQUIRE_LINKERS names it (tests/build-variants sets it): then
# that is a failure.  Run by make check from the top of the build tree.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${CC:=cc}" "${CFLAGS=}" "${LDFLAGS=}" "${LIBS=}"
linkers=${COPYMC_GC_LINKERS:-bfd gold lld}
required=${COPYMC_REQUIRE_LINKERS:-}

core=$top_builddir/.libs/libcopymc-core.a
static=$top_builddir/.libs/libcopymc.a
shared=no
[ -f "$top_builddir/.libs/libcopymc.so" ] && shared=yes
if [ "$shared" = no ] && [ ! -f "$static" ]; then
	echo "SKIP: neither a shared nor a static library was built"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/copymc-gc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0 ran=0

echo "== compiling tests/gc-consumer.c with one section per function and object"
# shellcheck disable=SC2086 # CFLAGS and friends are lists of words
$CC $CFLAGS -ffunction-sections -fdata-sections -I"$top_srcdir/include" \
	-c "$top_srcdir/tests/gc-consumer.c" -o "$tmp/consumer.o"
printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"

for ld in $linkers; do
	d=$tmp/$ld
	mkdir -p "$d"
	# shellcheck disable=SC2086
	# A program without the library must link and run: musl-gcc's static
	# links with lld, for one, give programs that crash at once.
	if ! { $CC $CFLAGS $LDFLAGS -fuse-ld="$ld" -Wl,--gc-sections -o "$d/probe" \
		"$tmp/probe.c" && "$d/probe"; } >"$d/probe.log" 2>&1; then
		case " $required " in
		*" $ld "*) echo "FAIL: $ld: $CC cannot link a working program with it:"; status=1 ;;
		*) echo "SKIP $ld: $CC cannot link a working program with it (without the library):" ;;
		esac
		sed 's/^/    /' "$d/probe.log"
		continue
	fi
	if [ "$shared" = yes ]; then
		echo "== $ld: libcopymc.so.0 from the build's PIC objects, --gc-sections"
		# The library's own link flags (Makefile.am): soname, version
		# script, -z nodelete, -z now.
		# shellcheck disable=SC2086
		if $CC $CFLAGS $LDFLAGS -fuse-ld="$ld" -Wl,--gc-sections -shared -fPIC \
			-Wl,-soname,libcopymc.so.0 -Wl,--version-script="$top_srcdir/copymc.map" \
			-Wl,-z,nodelete -Wl,-z,now -o "$d/libcopymc.so.0" \
			-Wl,--whole-archive "$core" -Wl,--no-whole-archive $LIBS &&
		   ln -s libcopymc.so.0 "$d/libcopymc.so" &&
		   $CC $CFLAGS $LDFLAGS -fuse-ld="$ld" -Wl,--gc-sections -o "$d/consumer-shared" \
			"$tmp/consumer.o" -L"$d" -lcopymc -Wl,-rpath,"$d" $LIBS; then
			if "$d/consumer-shared"; then
				ran=$((ran + 1))
			else
				echo "FAIL: $ld: the consumer of the shared library (exit $?)"
				status=1
			fi
		else
			echo "FAIL: $ld: linking the shared library or its consumer"
			status=1
		fi
	fi
	if [ -f "$static" ]; then
		echo "== $ld: a consumer of libcopymc.a, --gc-sections"
		# shellcheck disable=SC2086
		if $CC $CFLAGS $LDFLAGS -fuse-ld="$ld" -Wl,--gc-sections -o "$d/consumer-static" \
			"$tmp/consumer.o" "$static" $LIBS; then
			if "$d/consumer-static"; then
				ran=$((ran + 1))
			else
				echo "FAIL: $ld: the static consumer (exit $?)"
				status=1
			fi
		else
			echo "FAIL: $ld: linking the static consumer"
			status=1
		fi
	fi
done
if [ "$status" -eq 0 ] && [ "$ran" -eq 0 ]; then
	echo "SKIP: no linker of '$linkers' could be used"
	exit 77
fi
exit "$status"
