#!/bin/sh
# man-lint.sh - the man pages pass `mandoc -T lint` with no message at all, and
# every name installed as a link (see MAN3_LINKS in Makefile.am) is named
# in the NAME section of the page it points to.  Run by make check; skipped
# (77) where mandoc (Debian package mandoc) is not installed.
#
# One kind of message is left out here: "referenced manual not found" for
# a cross-reference, because mandoc looks only in the installed manual and
# these pages are not installed yet.  scripts/deb-roundtrip lints the
# installed pages with nothing left out.
set -eu
srcdir=${top_srcdir:-$(dirname "$0")/..}
cd "$srcdir/man"

pages="man1/copymc-conformance.1
man3/copy_mc_backend.3
man3/copy_mc_handle_signal.3
man3/copy_mc_init.3
man3/copy_mc_to_kernel.3
man7/copymc.7"
# link name -> page it shows
links="copy_mc_to_user:man3/copy_mc_to_kernel.3
copy_mc_set_backend:man3/copy_mc_backend.3
copy_mc_backends:man3/copy_mc_backend.3"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed (Debian package mandoc)"
	exit 77
fi

status=0
echo "mandoc -T lint on $(echo "$pages" | wc -l) pages"
# Lint messages go to stdout; stderr only carries notes about the system's
# own manual database, which say nothing about these pages.
# shellcheck disable=SC2086
out=$(mandoc -T lint $pages 2>/dev/null |
	grep -v ': STYLE: referenced manual not found: ' || true)
if [ -n "$out" ]; then
	echo "FAIL: mandoc -T lint:"
	echo "$out"
	status=1
fi

for l in $links; do
	name=${l%%:*}
	page=${l#*:}
	if ! grep -qx "\.Nm $name\( ,\)\{0,1\}" "$page"; then
		echo "FAIL: $page does not name $name in its NAME section"
		status=1
	fi
done

[ $status -eq 0 ] && echo "PASS: no lint message; every link name is on its page"
exit $status
