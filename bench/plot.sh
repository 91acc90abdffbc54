#!/bin/sh
# plot.sh - run the benchmark once, keep its tables, and draw the plot.
#
#   bench/plot.sh BENCH PLOT.gp OUT.png [RESULTS-PREFIX] [BENCH-OPTIONS...]
#
# Writes RESULTS-PREFIX.csv (machine-readable), RESULTS-PREFIX.md (the
# tables for docs/performance.md) and RESULTS-PREFIX.dat (the CSV regrouped
# for gnuplot), default prefix ./bench-results, then OUT.png with gnuplot
# (Debian: gnuplot-nox, installed by scripts/install-deps plot).
set -eu
if [ $# -lt 3 ]; then
	echo "usage: $0 BENCH PLOT.gp OUT.png [RESULTS-PREFIX] [BENCH-OPTIONS...]" >&2
	exit 2
fi
bench=$1 gp=$2 png=$3 prefix=${4:-bench-results}
shift 3
[ $# -gt 0 ] && shift
# In a source tree or release tarball, install-deps brings gnuplot.
deps=$(dirname "$0")/../scripts/install-deps
if [ -x "$deps" ]; then
	echo "plot.sh: scripts/install-deps plot (gnuplot)"
	"$deps" plot
fi
command -v gnuplot >/dev/null 2>&1 || {
	echo "plot.sh: gnuplot not found (Debian package gnuplot-nox: scripts/install-deps plot)" >&2
	exit 1
}

echo "plot.sh: running $bench; best on an otherwise idle machine"
"$bench" --md --csv-file "$prefix.csv" "$@" >"$prefix.md"

echo "plot.sh: regrouping $prefix.csv into $prefix.dat"
machine=$(sed -n '1s/^# \([^;]*\);.*/\1/p' "$prefix.csv" | tr -d "'\"")
variants=$(awk -F, '$1 ~ /^[0-9]+$/ && NF == 6 && !seen[$3]++ { printf "%s ", $3 }' \
	"$prefix.csv")
# One block per placement and variant, in the order of $variants:
# size, GB/s, ratio to memcpy.
awk -F, -v vars="$variants" '
	BEGIN { n = split(vars, v, " ") }
	$1 ~ /^[0-9]+$/ && NF == 6 { d[$2, $3] = d[$2, $3] $1 " " $5 " " $6 "\n" }
	END {
		split("aligned misaligned", p, " ")
		for (i = 1; i <= 2; i++)
			for (j = 1; j <= n; j++)
				printf "# %s %s\n%s\n\n", p[i], v[j], d[p[i], v[j]]
	}' "$prefix.csv" >"$prefix.dat"

echo "plot.sh: drawing $png"
gnuplot -e "datafile='$prefix.dat'; outfile='$png'; variants='$variants'; machine='$machine'" \
	"$gp"
echo "plot.sh: tables in $prefix.md"
