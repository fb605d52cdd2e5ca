#!/usr/bin/env bash
# Side-by-side benchmark of starting and stopping busybox containers (no
# network device) against Debian's LXC, in one run, as ratios (ours / LXC):
#   lxc-start returns            median of N starts                target <= 1/3
#   lxc-info -s (running)        hyperfine                         target <= 1/3
#   50 starts in sequence        total                             target <= 1/3
#   monitor RSS                  VmRSS of the monitor process      target <= 1 MiB
#   lxc-stop (default)           median of N stops                 target < 1 s (ours)
#
# Usage: bench/bench-runtime.sh [-n N]
# Root, Debian's lxc and hyperfine (scripts/install-deps --test), a build in _build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=10
while getopts n: opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
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
	rm -rf "$work" "$run" "/run/lxc/lock$work"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{ t[NR] = $1 } END { printf "%.2f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) / 1e6 }'; }
row() { printf '%-30s %10s %10s %8s   %s\n' "$1" "$2" "$3" "$(echo "scale=3; $3 / $2" | bc)" "$4"; }

# One busybox container per side, made by its own tools; LXC's gets the
# same "no network device" as ours (its default config wants lxcbr0).
mk() {
	"$ours/lxc-create" -P "$work/ours" -n "$1" -t busybox > /dev/null
	/usr/bin/lxc-create -P "$work/lxc" -n "$1" -t busybox > /dev/null 2>&1
	sed -i '/^lxc.net.0/d' "$work/lxc/$1/config"
	echo "lxc.net.0.type = empty" >> "$work/lxc/$1/config"
}

echo "lxcmgr runtime benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
printf '%-30s %10s %10s %8s   %s\n' "operation" "LXC ms" "ours ms" "ratio" "target"
mk b1

# lxc-start returns / lxc-stop (default signal and timeout), N rounds each.
start_stop() { # START-CMD STOP-CMD: prints "start-median stop-median"
	local i s e starts="" stops=""
	for i in $(seq "$n"); do
		s=$(now_ns); eval "$1" > /dev/null 2>&1; e=$(now_ns); starts="$starts $((e - s))"
		sleep 0.3 # let init finish booting before asking it to halt
		s=$(now_ns); eval "$2" > /dev/null 2>&1; e=$(now_ns); stops="$stops $((e - s))"
	done
	echo "$(echo $starts | tr ' ' '\n' | median) $(echo $stops | tr ' ' '\n' | median)"
}
read -r lxc_start lxc_stop < <(start_stop "/usr/bin/lxc-start -P $work/lxc -n b1" "/usr/bin/lxc-stop -P $work/lxc -n b1 -t 70")
read -r our_start our_stop < <(start_stop "$ours/lxc-start -P $work/ours -n b1" "$ours/lxc-stop -P $work/ours -n b1")
row "lxc-start returns" "$lxc_start" "$our_start" "<= 0.33"

# lxc-info -s of a running container, and the monitor's memory.
/usr/bin/lxc-start -P "$work/lxc" -n b1
"$ours/lxc-start" -P "$work/ours" -n b1
hyperfine -N -w 5 -r 100 --export-json "$work/info.json" \
	"/usr/bin/lxc-info -s -P $work/lxc -n b1" "$ours/lxc-info -s -P $work/ours -n b1" > /dev/null 2>&1
mean_ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000))" "$work/info.json" "$1"; }
row "lxc-info -s (running)" "$(mean_ms 0)" "$(mean_ms 1)" "<= 0.33"
rss() { # INIT-PID: VmRSS in KiB of its parent, the monitor
	awk '/^VmRSS/ { print $2 }' "/proc/$(ps -o ppid= -p "$1" | tr -d ' ')/status"
}
lxc_rss=$(rss "$(/usr/bin/lxc-info -p -P "$work/lxc" -n b1 | awk '{print $2}')")
our_rss=$(rss "$("$ours/lxc-info" -p -P "$work/ours" -n b1 | awk '{print $2}')")
printf '%-30s %10s %10s %8s   %s\n' "monitor RSS (KiB)" "$lxc_rss" "$our_rss" \
	"$(echo "scale=3; $our_rss / $lxc_rss" | bc)" "<= 1024 KiB"
/usr/bin/lxc-stop -P "$work/lxc" -n b1 -k
"$ours/lxc-stop" -P "$work/ours" -n b1 -k

# 50 containers started one after the other.
for i in $(seq 2 50); do
	cp -a "$work/ours/b1" "$work/ours/b$i"; sed -i "s/b1/b$i/g" "$work/ours/b$i/config"
	cp -a "$work/lxc/b1" "$work/lxc/b$i"; sed -i "s/b1/b$i/g" "$work/lxc/b$i/config"
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
row "50 starts in sequence" "$lxc_50" "$our_50" "<= 0.33"
[ "$lxc_up" = 50 ] && [ "$our_up" = 50 ] ||
	echo "   (running after the 50 starts: LXC $lxc_up, ours $our_up: the figures above do not compare)"
row "lxc-stop (default), busybox" "$lxc_stop" "$our_stop" "ours < 1000 ms"
