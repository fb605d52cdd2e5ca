#!/usr/bin/env bash
# Side-by-side benchmark of lxc-attach against Debian's LXC, busybox
# containers without a network device, as ratios (ours / LXC):
#   lxc-attach -- true                       hyperfine, R runs       target <= 1/4
#   100 MiB out through a pipe (cat FILE)    hyperfine, 10 runs      reported
#   start until "lxc-attach -- true" works   median of N             target <= 1/3
# Beside each, the floor (bench/floor.c, timed the same way in the same run):
# the least work any implementation must do for it.
#
# Usage: bench/bench-attach.sh [-n N] [-r R]
# Root, Debian's lxc and hyperfine (scripts/install-deps --test), a build in _build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=10 r=200
while getopts n:r: opt; do
	case $opt in
	n) n=$OPTARG ;;
	r) r=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x /usr/bin/lxc-attach ] || { echo "bench: /usr/bin/lxc-attach missing (scripts/install-deps --test)" >&2; exit 1; }
command -v hyperfine > /dev/null || { echo "bench: hyperfine missing" >&2; exit 1; }
[ -x "$top/_build/tools/lxc-attach" ] || { echo "bench: build first (tests/run --quick)" >&2; exit 1; }

work=$(mktemp -d /tmp/lxcmgr-bench.XXXXXX)
# Runtime state on tmpfs, as LXC's (/run/lxc) and as ours installed (/run/lxcmgr).
run=$(mktemp -d /run/lxcmgr-bench.XXXXXX)
ours=$top/_build/tools # plain ELF files: the library's code is linked in
. "$top/bench/floor.sh"
export LXCMGR_TEMPLATE_PATH=$top/templates LXCMGR_CONFIG_PATH=$work/etc LXCMGR_RUNTIME_PATH=$run
export LXCMGR_EXEC_PATH=$top/_build/tools/lxcmgr-exec
export LXCMGR_ATTACHD_PATH=$top/_build/tools/lxcmgr-attachd
mkdir -p "$work/etc" "$work/ours" "$work/lxc"
# Loopback only, not the managed bridge (not every host runs it).
sed '/^lxc\.net\./d' "$top/config/default.conf" > "$work/etc/default.conf"
echo 'lxc.net.0.type = empty' >> "$work/etc/default.conf"

cleanup() {
	"$ours/lxc-stop" -P "$work/ours" -n a1 -k > /dev/null 2>&1 || true
	/usr/bin/lxc-stop -P "$work/lxc" -n a1 -k > /dev/null 2>&1 || true
	[ -n "${floor:-}" ] && floor_stop_all "$run/floor"
	rm -rf "$work" "$run" "/run/lxc/lock$work"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{ t[NR] = $1 } END { printf "%.2f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) / 1e6 }'; }
mean_ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000))" "$1" "$2"; }

# One busybox container per side, made by its own tools; LXC's gets the
# same "no network device" as ours (its default config wants lxcbr0).
"$ours/lxc-create" -P "$work/ours" -n a1 -t busybox > /dev/null
/usr/bin/lxc-create -P "$work/lxc" -n a1 -t busybox > /dev/null 2>&1
sed -i '/^lxc.net.0/d' "$work/lxc/a1/config"
echo "lxc.net.0.type = empty" >> "$work/lxc/a1/config"
L="/usr/bin/lxc-attach -P $work/lxc -n a1"
O="$ours/lxc-attach -P $work/ours -n a1"
# The floor: a copy of our container's rootfs, booting busybox's init as
# ours does (floor start -b); its attach joins init's namespaces and runs
# the command in a vfork child.
floor_build
floor_rootfs "$work/ours/a1/rootfs" "$work/floor-rootfs"
mkdir -p "$run/floor"
F="$floor attach $run/floor"

echo "lxcmgr attach benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
floor_header

# Start, then "lxc-attach -- true" until it works (LXC's start returns
# once RUNNING; so does ours: the loop seldom turns).
start_attach() { # START-CMD ATTACH-CMD STOP-CMD: the median in ms
	local i s e all=""
	for i in $(seq "$n"); do
		s=$(now_ns)
		eval "$1" > /dev/null 2>&1
		until eval "$2 -- true" < /dev/null > /dev/null 2>&1; do :; done
		e=$(now_ns); all="$all $((e - s))"
		eval "$3" > /dev/null 2>&1
	done
	echo $all | tr ' ' '\n' | median
}
lxc_sa=$(start_attach "/usr/bin/lxc-start -P $work/lxc -n a1" "$L" "/usr/bin/lxc-stop -P $work/lxc -n a1 -k")
our_sa=$(start_attach "$ours/lxc-start -P $work/ours -n a1" "$O" "$ours/lxc-stop -P $work/ours -n a1 -k")
floor_sa=$(start_attach "$floor start -b $run/floor $work/floor-rootfs" "$F" "$floor stop $run/floor")

/usr/bin/lxc-start -P "$work/lxc" -n a1
"$ours/lxc-start" -P "$work/ours" -n a1
"$floor" start -b "$run/floor" "$work/floor-rootfs"
hyperfine -N -w 10 -r "$r" --export-json "$work/true.json" "$L -- true" "$O -- true" "$F true" \
	> /dev/null 2>&1
floor_row "lxc-attach -- true" "$(mean_ms "$work/true.json" 0)" "$(mean_ms "$work/true.json" 1)" \
	"$(mean_ms "$work/true.json" 2)" "<= 0.25"

# 100 MiB from a file in each rootfs, out through a pipe on the host.
for rootfs in "$work/lxc/a1/rootfs" "$work/ours/a1/rootfs" "$work/floor-rootfs"; do
	head -c $((100 << 20)) /dev/urandom > "$rootfs/big"
done
hyperfine -w 2 -r 10 --export-json "$work/cat.json" "$L -- cat /big | cat > /dev/null" \
	"$O -- cat /big | cat > /dev/null" "$F cat /big | cat > /dev/null" > /dev/null 2>&1
floor_row "100 MiB out through a pipe (cat)" "$(mean_ms "$work/cat.json" 0)" \
	"$(mean_ms "$work/cat.json" 1)" "$(mean_ms "$work/cat.json" 2)" "(reported)"
floor_row "start until attach -- true works" "$lxc_sa" "$our_sa" "$floor_sa" "<= 0.33"
