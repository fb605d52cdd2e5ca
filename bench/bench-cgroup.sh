#!/usr/bin/env bash
# Side-by-side benchmark of the statistics tools with 50 running busybox
# containers (no network device) against Debian's LXC 5.0.2, as ratios
# (ours / LXC):
#   lxc-info -S of one container     hyperfine, mean              target <= 1/3
#   lxc-top -b, one refresh          median of N, 50 rows out     target <= 1/3
# Beside lxc-info -S, the floors of bench/floor.c in the same hyperfine run:
# a static program that does nothing, and one asking a server one question.
#
# LXC's lxc-top wants a terminal even with -b, prints no more rows than the
# terminal has lines, and refreshes for ever: both run in a pty of 200 lines,
# LXC's timed until its 50th row is out (its exit is not waited for: that
# flatters LXC), ours until it exits after its one refresh (-n 1).
#
# Usage: bench/bench-cgroup.sh [-n N]
# Root, Debian's lxc and hyperfine (scripts/install-deps --test), a build in _build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=20
count=50
while getopts n: opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x /usr/bin/lxc-top ] || { echo "bench: /usr/bin/lxc-top missing (scripts/install-deps --test)" >&2; exit 1; }
command -v hyperfine > /dev/null || { echo "bench: hyperfine missing" >&2; exit 1; }
[ -x "$top/_build/tools/lxc-top" ] || { echo "bench: build first, with ncurses (tests/run --quick)" >&2; exit 1; }

work=$(mktemp -d /tmp/lxcmgr-bench.XXXXXX)
run=$(mktemp -d /run/lxcmgr-bench.XXXXXX) # runtime state on tmpfs, as LXC's /run/lxc
ours=$top/_build/tools
. "$top/bench/floor.sh"
export LXCMGR_TEMPLATE_PATH=$top/templates LXCMGR_CONFIG_PATH=$work/etc LXCMGR_RUNTIME_PATH=$run
mkdir -p "$work/etc" "$work/ours" "$work/lxc"
# Loopback only, not the managed bridge (not every host runs it).
sed '/^lxc\.net\./d' "$top/config/default.conf" > "$work/etc/default.conf"
echo 'lxc.net.0.type = empty' >> "$work/etc/default.conf"

# Every container of both sides is stopped, whatever failed; a failing
# lxc-stop must not end the trap (set -e) before the files are removed.
cleanup() {
	set +e
	local d
	for d in "$work"/ours/*/; do [ -d "$d" ] && "$ours/lxc-stop" -P "$work/ours" -n "$(basename "$d")" -k > /dev/null 2>&1; done
	for d in "$work"/lxc/*/; do [ -d "$d" ] && /usr/bin/lxc-stop -P "$work/lxc" -n "$(basename "$d")" -k > /dev/null 2>&1; done
	[ -n "${floor_server:-}" ] && kill "$floor_server" 2> /dev/null
	rm -rf "$work" "$run" "/run/lxc/lock$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


echo "lxcmgr cgroup tools benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)," \
	"cgroups $(stat -f -c %T /sys/fs/cgroup)"

# One busybox container per side, made by its own tools, then copied.
"$ours/lxc-create" -P "$work/ours" -n b1 -t busybox > /dev/null
/usr/bin/lxc-create -P "$work/lxc" -n b1 -t busybox > /dev/null 2>&1
sed -i '/^lxc.net.0/d' "$work/lxc/b1/config"
echo "lxc.net.0.type = empty" >> "$work/lxc/b1/config"
for i in $(seq 2 $count); do
	cp -a "$work/ours/b1" "$work/ours/b$i"; sed -i "s/b1/b$i/g" "$work/ours/b$i/config"
	cp -a "$work/lxc/b1" "$work/lxc/b$i"; sed -i "s/b1/b$i/g" "$work/lxc/b$i/config"
done
for i in $(seq $count); do
	"$ours/lxc-start" -P "$work/ours" -n "b$i"
	/usr/bin/lxc-start -P "$work/lxc" -n "b$i"
done
up_ours=$("$ours/lxc-ls" -P "$work/ours" --running -1 | wc -l)
up_lxc=$(/usr/bin/lxc-ls -P "$work/lxc" --running -1 | wc -l)
[ "$up_ours" = $count ] && [ "$up_lxc" = $count ] ||
	{ echo "bench: running: ours $up_ours, LXC $up_lxc, of $count each" >&2; exit 1; }
sleep 1 # let the inits finish booting

echo "($count running each)"
floor_header

# lxc-info -S of one container, and the floors.
floor_build
floor_server=$("$floor" serve "$work/floor.sock")
hyperfine -N -w 5 -r 100 --export-json "$work/info.json" \
	"/usr/bin/lxc-info -S -P $work/lxc -n b25" "$ours/lxc-info -S -P $work/ours -n b25" \
	"$floor exec" "$floor info $work/floor.sock" > /dev/null 2>&1
kill "$floor_server"; floor_server=
mean_ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000))" "$work/info.json" "$1"; }
floor_row "lxc-info -S" "$(mean_ms 0)" "$(mean_ms 1)" "$(mean_ms 2)" "<= 0.33"
floor_row "  floor: one request (info)" "$(mean_ms 0)" "$(mean_ms 1)" "$(mean_ms 3)" ""
# CPU time (user + system) says the same with less of the machine's load in it.
cpu_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]; print('%.2f' % ((r['user']+r['system'])*1000))" "$work/info.json" "$1"; }
floor_row "lxc-info -S, CPU time" "$(cpu_ms 0)" "$(cpu_ms 1)" "$(cpu_ms 2)" "(reported)"

# lxc-top -b, one refresh: the time until ROWS container rows are out (or
# the program ended), in a pty of 200 lines; median of N.
lxc_top=$(python3 "$top/bench/pty-time.py" rows $count "$n" /usr/bin/lxc-top -b -P "$work/lxc")
our_top=$(python3 "$top/bench/pty-time.py" exit $count "$n" "$ours/lxc-top" -b -n 1 -P "$work/ours")
floor_row "lxc-top -b, one refresh" "$lxc_top" "$our_top" - "<= 0.33"
