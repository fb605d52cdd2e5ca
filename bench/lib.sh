# Shared by the side-by-side benchmarks (bench/bench-*.sh): sourced after
# their option parsing. Ours run from _build/tools (the real ELF files, with
# the library linked in), LXC's from /usr/bin; each side has its own lxcpath
# in one temporary directory, removed on exit with every container of both
# sides stopped.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ours=$top/_build/tools

# bench_need OUR-TOOL LXC-FILE [hyperfine]: what the benchmark runs is there.
bench_need() {
	[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
	[ -x "$2" ] || { echo "bench: $2 missing (scripts/install-deps --test)" >&2; exit 1; }
	[ -z "${3:-}" ] || command -v hyperfine > /dev/null ||
		{ echo "bench: hyperfine missing (scripts/install-deps --test)" >&2; exit 1; }
	[ -x "$ours/$1" ] || { echo "bench: no $ours/$1: build first (tests/run --quick)" >&2; exit 1; }
}

# Directories of $work holding our containers, stopped on exit (bench-debian
# has a second one).
our_sides=ours

# bench_setup [WORK-PARENT]: $work (in /tmp unless told) with etc/, ours/
# and lxc/; the runtime state in /run, as LXC's (/run/lxc) and as ours
# installed (/run/lxcmgr); a default.conf with loopback only, not the
# managed bridge (not every host runs it; LXC's side gets the same).
bench_setup() {
	work=$(mktemp -d "${1:-/tmp}/lxcmgr-bench.XXXXXX")
	run=$(mktemp -d /run/lxcmgr-bench.XXXXXX)
	export LXCMGR_TEMPLATE_PATH=$top/templates LXCMGR_CONFIG_PATH=$work/etc LXCMGR_RUNTIME_PATH=$run
	mkdir -p "$work/etc" "$work/ours" "$work/lxc"
	sed '/^lxc\.net\./d' "$top/config/default.conf" > "$work/etc/default.conf"
	echo 'lxc.net.0.type = empty' >> "$work/etc/default.conf"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# Every container of both sides is stopped, whatever failed; a failing
# lxc-stop must not end the trap (set -e) before the files are removed.
# A benchmark with more to undo defines bench_cleanup_more, run after.
bench_cleanup() {
	set +e
	local p d
	for p in $our_sides; do
		for d in "$work/$p"/*/; do [ -d "$d" ] && "$ours/lxc-stop" -P "$work/$p" -n "$(basename "$d")" -k > /dev/null 2>&1; done
	done
	for d in "$work"/lxc/*/; do [ -d "$d" ] && /usr/bin/lxc-stop -P "$work/lxc" -n "$(basename "$d")" -k > /dev/null 2>&1; done
	declare -F bench_cleanup_more > /dev/null && bench_cleanup_more
	rm -rf "$work" "$run" "/run/lxc/lock$work"
}

# lxc_no_net CONFIG: LXC's container gets the same "no network device" as
# ours (its default config wants lxcbr0).
lxc_no_net() {
	sed -i '/^lxc.net.0/d' "$1"
	echo "lxc.net.0.type = empty" >> "$1"
}

# mk_busybox NAME: one busybox container per side, made by its own tools.
mk_busybox() {
	"$ours/lxc-create" -P "$work/ours" -n "$1" -t busybox > /dev/null
	/usr/bin/lxc-create -P "$work/lxc" -n "$1" -t busybox > /dev/null 2>&1
	lxc_no_net "$work/lxc/$1/config"
}

# copy_busybox COUNT: b2 .. bCOUNT on each side, copies of b1.
copy_busybox() {
	local i side
	for i in $(seq 2 "$1"); do
		for side in ours lxc; do
			cp -a "$work/$side/b1" "$work/$side/b$i"; sed -i "s/b1/b$i/g" "$work/$side/b$i/config"
		done
	done
}

now_ns() { date +%s%N; }
# Nanoseconds in, one a line; their median in ms out.
median() { sort -n | awk '{ t[NR] = $1 } END { printf "%.2f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) / 1e6 }'; }

# The rows of the table: NAME LXC OURS TARGET, with the ratio ours / LXC.
row_width=34
row_header() { printf "%-${row_width}s %10s %10s %8s   %s\n" "${1:-operation}" "LXC ms" "ours ms" "ratio" "target"; }
row() { printf "%-${row_width}s %10s %10s %8s   %s\n" "$1" "$2" "$3" "$(echo "scale=3; $3 / $2" | bc)" "$4"; }

# mean_ms / cpu_ms HYPERFINE-JSON INDEX: the mean wall time / CPU time (user
# + system) of a command, in ms.
mean_ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean']*1000))" "$1" "$2"; }
cpu_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]; print('%.2f' % ((r['user']+r['system'])*1000))" "$1" "$2"; }
