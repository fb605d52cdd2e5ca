#!/usr/bin/env bash
# Side-by-side benchmark of the foundation tools against Debian's LXC, in one
# run on one machine, reported as ratios (ours / LXC; lower is better):
#   lxc-create -t busybox      median of N creates        target: <= 1/20
#   lxc-destroy                median of N destroys       (reported)
#   lxc-ls -f, 100 stopped     mean of R runs (hyperfine)  target: <= 1/3
#   lxc-ls -f peak RSS         max resident set size      (reported)
#
# Usage: bench/bench-foundation.sh [-n CREATES] [-r RUNS]
# Needs root, Debian's lxc and hyperfine (scripts/install-deps --test)
# and a build in _build. Everything it makes lives in one temporary directory.
set -eu
creates=10
runs=100
while getopts n:r: opt; do
	case $opt in
	n) creates=$OPTARG ;;
	r) runs=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
. "$(dirname "$0")/lib.sh"
bench_need lxc-create /usr/bin/lxc-create hyperfine
bench_setup

# time_loop COUNT CMD-TEMPLATE: the median time of COUNT runs of CMD (%i is
# the iteration), in ms. The median, not the mean: a disk flush landing on
# one run of either side says nothing about the tools.
time_loop() {
	local count=$1 cmd=$2 i start end
	for i in $(seq "$count"); do
		start=$(now_ns)
		eval "${cmd//%i/$i}" > /dev/null 2>&1 || { echo "bench: failed: ${cmd//%i/$i}" >&2; exit 1; }
		end=$(now_ns)
		echo $(( end - start ))
	done | median
}

echo "lxcmgr foundation benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
echo "LXC: $(/usr/bin/lxc-create --version 2>/dev/null || echo '?'), ours: $("$ours/lxc-create" --version)"
row_header

lxc_create=$(time_loop "$creates" "/usr/bin/lxc-create -P $work/lxc -n c%i -t busybox")
our_create=$(time_loop "$creates" "$ours/lxc-create -P $work/ours -n c%i -t busybox")
row "lxc-create -t busybox" "$lxc_create" "$our_create" "<= 0.05"

# 100 stopped containers per side: copies of one real container of each.
for side in lxc ours; do
	for i in $(seq 1 100); do
		d=$work/$side-ls/b$i
		mkdir -p "$d/rootfs"
		sed "s/c1/b$i/g" "$work/$side/c1/config" > "$d/config"
	done
done
# hyperfine runs the two alternately and without a shell, so the few
# milliseconds being compared are the tools' own.
hyperfine -N -w 5 -r "$runs" --export-json "$work/ls.json" \
	"/usr/bin/lxc-ls -f -P $work/lxc-ls" "$ours/lxc-ls -f -P $work/ours-ls" > /dev/null
lxc_ls=$(mean_ms "$work/ls.json" 0)
our_ls=$(mean_ms "$work/ls.json" 1)
row "lxc-ls -f, 100 stopped" "$lxc_ls" "$our_ls" "<= 0.33"

lxc_rss=$(/usr/bin/time -f %M /usr/bin/lxc-ls -f -P "$work/lxc-ls" 2>&1 >/dev/null | tail -n1)
our_rss=$(/usr/bin/time -f %M "$ours/lxc-ls" -f -P "$work/ours-ls" 2>&1 >/dev/null | tail -n1)
printf '%-34s %10s %10s %8s   %s\n' "lxc-ls -f peak RSS (KiB)" "$lxc_rss" "$our_rss" \
	"$(echo "scale=3; $our_rss / $lxc_rss" | bc)" "(reported)"

lxc_destroy=$(time_loop "$creates" "/usr/bin/lxc-destroy -P $work/lxc -n c%i")
our_destroy=$(time_loop "$creates" "$ours/lxc-destroy -P $work/ours -n c%i")
row "lxc-destroy" "$lxc_destroy" "$our_destroy" "(reported)"
