# Scaling plot of bench/compare.sh: mean time per decision against N, log-log, one panel per
# scenario (the scaling scenario, then the shapes of issue 17), one line per engine and request.
# Input: scaling.dat written by bench/peers/report.mjs; block 0 (index 0) the scaling scenario,
# blocks 1-5 the shapes literal, prefix, resources, tags, mixed. Columns: N, then for the request
# matching the last statement policysim in-process, policysim batch, iam-simulate, cedar-wasm,
# then the same four for the request matching none (microseconds per decision, "?" = n/a).
# Usage: gnuplot -e "datafile='scaling.dat'; outfile='scaling.svg'" bench/plot.gnuplot

if (!exists("datafile")) datafile = 'bench/results/scaling.dat'
if (!exists("outfile")) outfile = 'bench/results/scaling.svg'

set terminal svg size 1500,950 dynamic enhanced font 'sans,12' background rgb 'white'
set output outfile
set datafile missing '?'
set logscale xy 10
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [5:200000]
set yrange [0.01:1e8]
set xlabel 'N (statements / policies)'
set ylabel 'time per decision (µs)'
set grid xtics ytics lc rgb '#dddddd'
# Colour = engine; solid line = request matching the last statement, dashed = matching none.
set style line 1 lc rgb '#1b9e77' lw 2.5 pt 7 ps 0.7
set style line 2 lc rgb '#66a61e' lw 2 pt 6 ps 0.7
set style line 3 lc rgb '#d95f02' lw 2 pt 5 ps 0.7
set style line 4 lc rgb '#7570b3' lw 2 pt 9 ps 0.8
set style line 11 lc rgb '#1b9e77' lw 2 dt 2 pt 7 ps 0.5
set style line 12 lc rgb '#66a61e' lw 1.5 dt 2 pt 6 ps 0.5
set style line 13 lc rgb '#d95f02' lw 1.5 dt 2 pt 5 ps 0.5
set style line 14 lc rgb '#7570b3' lw 1.5 dt 2 pt 9 ps 0.6

panel(i) = (i == 0 ? 'scaling: distinct actions, every 10th a wildcard, a tag condition each' : \
            i == 1 ? 'literal actions (ec2:Op<i>)' : \
            i == 2 ? 'prefix-wildcard actions (ec2:Op<i>*)' : \
            i == 3 ? 'one action, a resource prefix per tenant (tenant-<i>/*)' : \
            i == 4 ? 'one action and resource, a tag value each (ABAC)' : \
                     'mixed: every 7th a wildcard, own ARN, tag condition')

set multiplot layout 2,3 title 'policysim vs peers: time per decision against N (log-log; solid: request matching the last statement, dashed: matching none)'
do for [i=0:5] {
  set title panel(i) font ',11'
  if (i == 0) { set key top left box opaque font ',9' } else { unset key }
  plot datafile index i using 1:2 with linespoints ls 1 title 'policysim in-process', \
       '' index i using 1:3 with linespoints ls 2 title 'policysim batch (per line)', \
       '' index i using 1:4 with linespoints ls 3 title 'iam-simulate', \
       '' index i using 1:5 with linespoints ls 4 title 'cedar-wasm', \
       '' index i using 1:6 with linespoints ls 11 notitle, \
       '' index i using 1:7 with linespoints ls 12 notitle, \
       '' index i using 1:8 with linespoints ls 13 notitle, \
       '' index i using 1:9 with linespoints ls 14 notitle
}
unset multiplot
