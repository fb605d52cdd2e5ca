#!/usr/bin/env bash
# Side-by-side benchmark of starting and stopping busybox containers (no
# network device) against Debian's LXC, in one run, as ratios (ours / LXC):
#   lxc-start returns            median of N starts                target <= 1/3
#   lxc-info -s (running)        hyperfine                         target <= 1/3
#   50 starts in sequence        total                             target <= 1/3
#   monitor RSS                  VmRSS of the monitor process      target <= 1 MiB
#   lxc-stop (default)           median of N stops                 target < 1 s (ours)
# Beside each timed row, the floor (bench/floor.c, timed the same way in the
# same run): the least work any implementation must do for it.
#
# Usage: bench/bench-runtime.sh [-n N]
# Root, Debian's lxc and hyperfine (scripts/install-deps --test), a build in _build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=10
while getopts n: opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x /usr/bin/lxc-start ] || { echo "bench: /usr/bin/lxc-start missing (scripts/install-deps --test)" >&2; exit 1; }
command -v hyperfine > /dev/null || { echo "bench: hyperfine missing" >&2; exit 1; }
[ -x "$top/_build/tools/lxc-start" ] || { echo "bench: build first (tests/run --quick)" >&2; exit 1; }

work=$(mktemp -d /tmp/lxcmgr-bench.XXXXXX)
# Runtime state on tmpfs, as LXC's (/run/lxc) and as ours installed (/run/lxcmgr).
run=$(mktemp -d /run/lxcmgr-bench.XXXXXX)
ours=$top/_build/tools
. "$top/bench/floor.sh"
export LXCMGR_TEMPLATE_PATH=$top/templates LXCMGR_CONFIG_PATH=$work/etc LXCMGR_RUNTIME_PATH=$run
mkdir -p "$work/etc" "$work/ours" "$work/lxc"
# Loopback only, not the managed bridge (not every host runs it).
sed '/^lxc\.net\./d' "$top/config/default.conf" > "$work/etc/default.conf"
echo 'lxc.net.0.type = empty' >> "$work/etc/default.conf"

# Most containers are stopped by then: a failing lxc-stop must not end the
# trap (set -e) before the files are removed.
cleanup() {
	local d
	for d in "$work"/ours/*/; do [ -d "$d" ] && "$ours/lxc-stop" -P "$work/ours" -n "$(basename "$d")" -k > /dev/null 2>&1 || true; done
	for d in "$work"/lxc/*/; do [ -d "$d" ] && /usr/bin/lxc-stop -P "$work/lxc" -n "$(basename "$d")" -k > /dev/null 2>&1 || true; done
	[ -n "${floor_server:-}" ] && kill "$floor_server" 2> /dev/null
	[ -n "${floor:-}" ] && floor_stop_all "$run"/floor/*
	rm -rf "$work" "$run" "/run/lxc/lock$work"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{ t[NR] = $1 } END { printf "%.2f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) / 1e6 }'; }

# One busybox container per side, made by its own tools; LXC's gets the
# same "no network device" as ours (its default config wants lxcbr0).
mk() {
	"$ours/lxc-create" -P "$work/ours" -n "$1" -t busybox > /dev/null
	/usr/bin/lxc-create -P "$work/lxc" -n "$1" -t busybox > /dev/null 2>&1
	sed -i '/^lxc.net.0/d' "$work/lxc/$1/config"
	echo "lxc.net.0.type = empty" >> "$work/lxc/$1/config"
}

echo "lxcmgr runtime benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
floor_header
mk b1
floor_build
mkdir -p "$work/floor" "$run/floor/b1"
floor_rootfs "$work/ours/b1/rootfs" "$work/floor/b1"

# lxc-start returns / lxc-stop (default signal and timeout), N rounds, the
# sides taking turns round by round. The floor boots nothing (its init is a
# pause); "floor -b" boots busybox's init with what its boot needs (/dev,
# five ptys, proc, sys, /run). Each start returns once init's execve is done.
declare -A start_cmd stop_cmd starts stops
start_cmd[lxc]="/usr/bin/lxc-start -P $work/lxc -n b1"
stop_cmd[lxc]="/usr/bin/lxc-stop -P $work/lxc -n b1 -t 70"
start_cmd[ours]="$ours/lxc-start -P $work/ours -n b1"
stop_cmd[ours]="$ours/lxc-stop -P $work/ours -n b1"
start_cmd[floor]="$floor start $run/floor/b1 $work/floor/b1"
stop_cmd[floor]="$floor stop $run/floor/b1"
start_cmd[floorb]="$floor start -b $run/floor/b1 $work/floor/b1"
stop_cmd[floorb]=${stop_cmd[floor]}
for i in $(seq "$n"); do
	for side in lxc ours floor floorb; do
		s=$(now_ns); ${start_cmd[$side]} > /dev/null 2>&1; e=$(now_ns)
		starts[$side]="${starts[$side]:-} $((e - s))"
		sleep 0.3 # let init finish booting before asking it to halt
		s=$(now_ns); ${stop_cmd[$side]} > /dev/null 2>&1; e=$(now_ns)
		stops[$side]="${stops[$side]:-} $((e - s))"
	done
done
med() { echo $1 | tr ' ' '\n' | median; }
floor_row "lxc-start returns" "$(med "${starts[lxc]}")" "$(med "${starts[ours]}")" \
	"$(med "${starts[floor]}")" "<= 0.33"
floor_row "  floor -b: what a boot needs" "$(med "${starts[lxc]}")" "$(med "${starts[ours]}")" \
	"$(med "${starts[floorb]}")" ""
lxc_stop=$(med "${stops[lxc]}") our_stop=$(med "${stops[ours]}")

# lxc-info -s of a running container, and the monitor's memory.
/usr/bin/lxc-start -P "$work/lxc" -n b1
"$ours/lxc-start" -P "$work/ours" -n b1
# Floors: a static program that does nothing, and one that asks a server
# (the probe's own, a socket on the same tmpfs) one question.
floor_server=$("$floor" serve "$run/floor/sock")
hyperfine -N -w 5 -r 100 --export-json "$work/info.json" \
	"/usr/bin/lxc-info -s -P $work/lxc -n b1" "$ours/lxc-info -s -P $work/ours -n b1" \
	"$floor exec" "$floor info $run/floor/sock" > /dev/null 2>&1
kill "$floor_server"; floor_server=
mean_ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000))" "$work/info.json" "$1"; }
floor_row "lxc-info -s (running)" "$(mean_ms 0)" "$(mean_ms 1)" "$(mean_ms 3)" "<= 0.33"
floor_row "  floor: exec only" "$(mean_ms 0)" "$(mean_ms 1)" "$(mean_ms 2)" ""
rss() { # INIT-PID: VmRSS in KiB of its parent, the monitor
	awk '/^VmRSS/ { print $2 }' "/proc/$(ps -o ppid= -p "$1" | tr -d ' ')/status"
}
lxc_rss=$(rss "$(/usr/bin/lxc-info -p -P "$work/lxc" -n b1 | awk '{print $2}')")
our_rss=$(rss "$("$ours/lxc-info" -p -P "$work/ours" -n b1 | awk '{print $2}')")
floor_row "monitor RSS (KiB)" "$lxc_rss" "$our_rss" - "<= 1024 KiB"
/usr/bin/lxc-stop -P "$work/lxc" -n b1 -k
"$ours/lxc-stop" -P "$work/ours" -n b1 -k

# 50 containers started one after the other.
for i in $(seq 2 50); do
	cp -a "$work/ours/b1" "$work/ours/b$i"; sed -i "s/b1/b$i/g" "$work/ours/b$i/config"
	cp -a "$work/lxc/b1" "$work/lxc/b$i"; sed -i "s/b1/b$i/g" "$work/lxc/b$i/config"
	cp -a "$work/floor/b1" "$work/floor/b$i"; mkdir -p "$run/floor/b$i"
done
# Each side starts its 50 with the other's stopped; a start that failed
# would make a side look fast, so the running ones are counted.
seq_start() { # TOOL-DIR LXCPATH: prints "ms running"
	local s e i up=0
	s=$(now_ns)
	for i in $(seq 1 50); do "$1/lxc-start" -P "$2" -n "b$i" > /dev/null 2>&1; done
	e=$(now_ns)
	for i in $(seq 1 50); do
		"$1/lxc-info" -s -P "$2" -n "b$i" 2>/dev/null | grep -q RUNNING && up=$((up + 1))
	done
	for i in $(seq 1 50); do "$1/lxc-stop" -P "$2" -n "b$i" -k > /dev/null 2>&1; done
	echo "$(echo "scale=2; ($e - $s) / 1000000" | bc) $up"
}
read -r lxc_50 lxc_up < <(seq_start /usr/bin "$work/lxc")
sleep 2 # the kernel tears the 50 network namespaces down in the background
read -r our_50 our_up < <(seq_start "$ours" "$work/ours")
# The floor's 50: OPTION -b boots busybox's init (its ttys, /dev, proc, sys,
# /run, as the boot needs), none boots nothing; counted as the others.
floor_seq() { # [-b]: prints "ms running"
	local s e i up=0
	sleep 2
	s=$(now_ns)
	for i in $(seq 1 50); do "$floor" start "$@" "$run/floor/b$i" "$work/floor/b$i" > /dev/null 2>&1; done
	e=$(now_ns)
	# A start that returned 0 has its init running; its stop waits for the
	# state file its monitor writes once the tool has returned.
	for i in $(seq 1 50); do
		"$floor" stop "$run/floor/b$i" 2> /dev/null && up=$((up + 1))
	done
	echo "$(echo "scale=2; ($e - $s) / 1000000" | bc) $up"
}
read -r floor_50 floor_up < <(floor_seq -b)
read -r floor_50n floor_upn < <(floor_seq)
floor_row "50 starts in sequence" "$lxc_50" "$our_50" "$floor_50" "<= 0.33"
floor_row "  floor: no boot (init a pause)" "$lxc_50" "$our_50" "$floor_50n" ""
[ "$lxc_up" = 50 ] && [ "$our_up" = 50 ] && [ "$floor_up" = 50 ] && [ "$floor_upn" = 50 ] ||
	echo "   (running after the 50 starts: LXC $lxc_up, ours $our_up, floor $floor_up and" \
		"$floor_upn: the figures above do not compare)"
floor_row "lxc-stop (default), busybox" "$lxc_stop" "$our_stop" - "ours < 1000 ms"
