# Plots the scaling results of bench/compare.sh: decisions/s against N (statements or Cedar
# policies), log-log, one line per engine; left panel the request matching the last statement,
# right panel the request matching none.
# Usage: gnuplot -e "datafile='scaling.dat'; outfile='scaling.svg'" bench/plot.gnuplot
# Data columns (bench/peers/report.mjs): N, then for "last" and then "none":
#   policysim in-process, policysim batch end to end, iam-simulate, cedar-wasm ("?" = n/a).

if (!exists("datafile")) datafile = 'bench/results/scaling.dat'
if (!exists("outfile")) outfile = 'bench/results/scaling.svg'

set terminal svg size 1100,480 dynamic enhanced font 'sans,12' background rgb 'white'
set output outfile
set datafile missing '?'
set logscale xy 10
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [5:200000]
set yrange [0.01:1e9]
set xlabel 'N (statements / policies)'
set ylabel 'decisions per second (one core)'
set grid xtics ytics lc rgb '#dddddd'
set key top right box opaque font ',10'
set style line 1 lc rgb '#1b9e77' lw 2.5 pt 7 ps 0.8
set style line 2 lc rgb '#1b9e77' lw 2 dt 2 pt 6 ps 0.8
set style line 3 lc rgb '#d95f02' lw 2 pt 5 ps 0.8
set style line 4 lc rgb '#7570b3' lw 2 pt 9 ps 0.9

set multiplot layout 1,2 title 'policysim vs peers: decisions/s against policy size (log-log)'
set title 'request matching the last statement'
plot datafile using 1:2 with linespoints ls 1 title 'policysim (in-process)', \
     '' using 1:3 with linespoints ls 2 title 'policysim batch (end to end)', \
     '' using 1:4 with linespoints ls 3 title 'iam-simulate', \
     '' using 1:5 with linespoints ls 4 title 'cedar-wasm'
set title 'request matching no statement'
plot datafile using 1:6 with linespoints ls 1 title 'policysim (in-process)', \
     '' using 1:7 with linespoints ls 2 title 'policysim batch (end to end)', \
     '' using 1:8 with linespoints ls 3 title 'iam-simulate', \
     '' using 1:9 with linespoints ls 4 title 'cedar-wasm'
unset multiplot
