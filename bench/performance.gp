# performance.gp - draw copymc-bench's results as docs/performance.png:
# throughput against copy size, and the ratio to memcpy, for both buffer
# placements.  bench/plot.sh prepares the data file (one block per
# placement and variant, in the order of `variants`) and passes:
#   gnuplot -e "datafile='x.dat'; outfile='x.png'; variants='memcpy avx512* ...'; \
#               machine='...'" bench/performance.gp

set terminal pngcairo size 1500,1100 font "sans,10"
set output outfile
set multiplot layout 2,2 title "copymc-bench on ".machine font "sans,12"

nv = words(variants)
# memcpy in black, the default backend (marked *) in red, both thick.
palette = "#1f77b4 #ff7f0e #2ca02c #9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f"
color(i) = word(variants, i) eq "memcpy" ? "black" : \
	   (strstrt(word(variants, i), "*") > 0 ? "#d62728" : word(palette, i))
width(i) = (word(variants, i) eq "memcpy" || strstrt(word(variants, i), "*") > 0) ? 2.5 : 1

set logscale x 2
set xtics ("8" 8, "64" 64, "512" 512, "4K" 4096, "32K" 32768, "256K" 262144, \
           "2M" 2097152, "16M" 16777216, "64M" 67108864)
set xlabel "copy size (bytes)"
set grid
set key outside right top

set ylabel "GB/s (median)"
set yrange [0:*]
do for [p = 0:1] {
	set title (p == 0 ? "aligned" : "misaligned")." src and dst: throughput"
	plot for [i = 1:nv] datafile index (p * nv + i - 1) using 1:2 with linespoints \
		pointsize 0.6 lw width(i) lc rgb color(i) title word(variants, i)
}

set ylabel "throughput / memcpy's"
set logscale y
set yrange [0.005:3]
set ytics (0.01, 0.03, 0.1, 0.3, 0.5, 1, 2)
do for [p = 0:1] {
	set title (p == 0 ? "aligned" : "misaligned")." src and dst: ratio to memcpy"
	plot for [i = 2:nv] datafile index (p * nv + i - 1) using 1:3 with linespoints \
		pointsize 0.6 lw width(i) lc rgb color(i) title word(variants, i), \
	     0.95 with lines dashtype 2 lc rgb "gray40" title "0.95", \
	     0.9 with lines dashtype 3 lc rgb "gray60" title "0.90"
}
unset multiplot
