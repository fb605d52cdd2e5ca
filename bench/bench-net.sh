#!/usr/bin/env bash
# Side-by-side benchmark of networked busybox containers against Debian's
# LXC, as ratios (ours / LXC), each side on a bridge this script makes
# (removed on exit) with a static address per container:
#   start until lxc-attach works, veth on a bridge   median of N    target <= 1/3
#   lxc-ls -f with 50 running containers             hyperfine      target <= 1/3
# and on a second bridge with lxcmgr-net's dnsmasq (DHCP, no NAT), each
# side's busybox boot asking for its address (LXC's with its udhcpc line):
#   lxc-start returns until eth0 has the DHCP address   median of N  target < 1 s
# In the same rounds, two floors of the start on a bridge (bench/floor.c,
# bench/floor-net.c): floor start -b -n (what busybox's boot needs, the veth
# on the bridge with its address, in the monitor), floor attach until it
# works, floor stop, timed as ours, with the CPU of all its processes from a
# cpuacct cgroup of the run's own; and floor-net.c, the kernel's work alone
# (fork, clone3 with a new netns, the veth pair on the bridge, eth0's
# address, exec of /bin/true inside), built here with cc and libmnl. Their
# ratios are the lowest any implementation could reach.
#
# Usage: bench/bench-net.sh [-n N] [-b OTHER-BUILD] [-a] [-D|-d]
#   -b DIR   also time the tools of another build (DIR/tools, e.g. a copy of
#            _build from before a change) in the same rounds
#   -a       the starts only, not lxc-ls -f
#   -D       no DHCP rows
#   -d       the DHCP rows only
# The sides take turns round by round, so a change in the load hits each alike.
# Root, Debian's lxc, hyperfine and dnsmasq (scripts/install-deps --test), a
# build in _build.
set -eu
n=10
other=
attach_only=
no_dhcp=
dhcp_only=
while getopts n:b:aDd opt; do
	case $opt in
	n) n=$OPTARG ;;
	b) other=$(cd "$OPTARG" && pwd)/tools ;;
	a) attach_only=1 ;;
	D) no_dhcp=1 ;;
	d) dhcp_only=1 ;;
	*) sed -n '2,28p' "$0"; exit 2 ;;
	esac
done
[ -z "$other" ] || [ -x "$other/lxc-start" ] || { echo "bench: no $other/lxc-start" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
. "$top/bench/floor.sh"
bench_need lxc-start /usr/bin/lxc-start hyperfine
[ -n "$no_dhcp" ] || command -v dnsmasq > /dev/null ||
	{ echo "bench: dnsmasq missing (scripts/install-deps), or -D" >&2; exit 1; }
bench_setup
row_width=44
# A bridge and a subnet of this run's own.
br=lxcbn$(printf '%04x' $((RANDOM)))
net=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
# The floor's processes are counted in a cpuacct cgroup of the run's own.
cg=/sys/fs/cgroup/cpuacct/lxcmgr-bench-$$
bench_cleanup_more() {
	[ -n "${floor:-}" ] && floor_stop_all "$run/floor"
	ip link del "$br" 2> /dev/null
	[ -f "$work/net-dhcp.conf" ] && "$top/tools/lxcmgr-net" -c "$work/net-dhcp.conf" stop > /dev/null
	[ -d "$cg" ] && rmdir "$cg"
}
ip link add "$br" type bridge
ip link set "$br" up

# net CONFIG HOST-NUMBER: a veth on the bridge with a static address (LXC's
# busybox config has a veth on lxcbr0: replaced).
net() {
	sed -i '/^lxc.net.0/d' "$1"
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $br" "lxc.net.0.flags = up" \
		"lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" "lxc.net.0.ipv4.address = $net.$2/24" >> "$1"
}
mk() { # NAME HOST-NUMBER
	"$ours/lxc-create" -P "$work/ours" -n "$1" -t busybox > /dev/null
	/usr/bin/lxc-create -P "$work/lxc" -n "$1" -t busybox > /dev/null 2>&1
	net "$work/ours/$1/config" "$2"
	net "$work/lxc/$1/config" "$2"
	# LXC's busybox boot runs udhcpc, which would flush the static address
	# (ours leaves DHCP alone when eth0 has one): out, for the same setup.
	sed -i '/udhcpc/d' "$work/lxc/$1/rootfs/etc/init.d/rcS"
}

echo "lxcmgr network benchmark, $(date -u '+%Y-%m-%d %H:%M'), $(nproc) cores, kernel $(uname -r)," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
row_header
mk b1 1
floor_net=
if cc -O2 -o "$work/floor-net" "$top/bench/floor-net.c" -lmnl 2> "$work/cc.log"; then
	floor_net=$work/floor-net
else
	echo "(bench/floor-net.c did not build: $(head -n 1 "$work/cc.log"))"
fi
# The full floor boots a copy of our busybox rootfs (its rcS sees eth0's
# address and runs no udhcpc, as ours), from state in $run/floor.
floor_build
floor_rootfs "$work/ours/b1/rootfs" "$work/floor-rootfs"
mkdir -p "$run/floor" "$cg"

# Start until an attached command runs: one round, in ns.
until_attach() { # TOOL-DIR LXCPATH
	local s e
	s=$(now_ns)
	"$1/lxc-start" -P "$2" -n b1 > /dev/null 2>&1
	until "$1/lxc-attach" -P "$2" -n b1 -- true > /dev/null 2>&1; do :; done
	e=$(now_ns)
	echo $((e - s))
	"$1/lxc-stop" -P "$2" -n b1 -k > /dev/null 2>&1
	sleep 0.2 # the kernel dismantles the namespace in the background
}
# The same with the floor's start, attach and stop, in the run's cpuacct
# cgroup (the subshell moves there before the clock starts): prints the wall
# ns and the CPU ns of every process of the round from the start until the
# attach worked (the tools, the monitor, init's boot so far). [-w]: the
# first process waits for the network at its start, as ours does, rather
# than just before its execve.
floor_attach() {
	local s e u0 u1
	echo "$BASHPID" > "$cg/cgroup.procs"
	s=$(now_ns)
	read -r u0 < "$cg/cpuacct.usage"
	"$floor" start -b -n "$br" "$net.200/24" "$@" "$run/floor" "$work/floor-rootfs" > /dev/null 2>&1
	until "$floor" attach "$run/floor" true > /dev/null 2>&1; do :; done
	read -r u1 < "$cg/cpuacct.usage"
	e=$(now_ns)
	echo $((e - s)) $((u1 - u0))
	"$floor" stop "$run/floor" > /dev/null 2>&1
	sleep 0.2
}
# floor-net's round: prints its wall and CPU ns.
floor_net_round() {
	"$floor_net" "$br" "$net.201/24"
	sleep 0.2 # as after a stop
}
med() { echo $1 | tr ' ' '\n' | median; }
start_rows() {
	local lxc_all="" our_all="" other_all="" fa_all="" fa_cpu="" fw_all="" fw_cpu="" fn_all="" fn_cpu="" wall cpu
	for i in $(seq "$n"); do
		lxc_all="$lxc_all $(until_attach /usr/bin "$work/lxc")"
		our_all="$our_all $(until_attach "$ours" "$work/ours")"
		[ -z "$other" ] || other_all="$other_all $(until_attach "$other" "$work/ours")"
		read -r wall cpu < <(floor_attach)
		fa_all="$fa_all $wall" fa_cpu="$fa_cpu $cpu"
		read -r wall cpu < <(floor_attach -w)
		fw_all="$fw_all $wall" fw_cpu="$fw_cpu $cpu"
		if [ -n "$floor_net" ] && read -r wall cpu < <(floor_net_round); then
			fn_all="$fn_all $wall" fn_cpu="$fn_cpu $cpu"
		fi
	done
	lxc_attach=$(med "$lxc_all")
	our_attach=$(med "$our_all")
	row "start until attach, veth on a bridge" "$lxc_attach" "$our_attach" "<= 0.33"
	[ -z "$other" ] ||
		row "  the same, build $(basename "$(dirname "$other")")" "$lxc_attach" "$(med "$other_all")" "<= 0.33"
	floor_attach=$(med "$fa_all")
	row "  floor: start -b -n, attach (floor.c)" "$lxc_attach" "$floor_attach" \
		"(CPU $(med "$fa_cpu") ms; ours/floor $(ratio "$our_attach" "$floor_attach"))"
	row "  floor, network first (start -w)" "$lxc_attach" "$(med "$fw_all")" "(CPU $(med "$fw_cpu") ms)"
	[ -z "$fn_all" ] ||
		row "  floor: the kernel's work (floor-net.c)" "$lxc_attach" "$(med "$fn_all")" \
			"(CPU $(med "$fn_cpu") ms)"
}
[ -n "$dhcp_only" ] || start_rows

# DHCP: a bridge of its own with lxcmgr-net's dnsmasq, a busybox container
# per side on it with a MAC of its own and no static address; LXC's boot
# keeps its udhcpc (foreground, its defaults), ours its template's.
dhcp_rows() {
	local dbr dnet i side mac s ms got
	dbr=lxcbh$(printf '%04x' $((RANDOM)))
	for i in $(seq 20); do
		dnet=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
		[ "$dnet" != "$net" ] && [ -z "$(ip -4 route show "$dnet.0/24")" ] && break
	done
	printf '%s\n' "LXCMGR_NET_BRIDGE=$dbr" "LXCMGR_NET_ADDR=$dnet.1" "LXCMGR_NET_NETWORK=$dnet.0/24" \
		"LXCMGR_NET_DHCP_RANGE=$dnet.100,$dnet.200" LXCMGR_NET_NAT=false LXCMGR_NET_FORWARD=false \
		"LXCMGR_NET_STATE_DIR=$work/net-state" "LXCMGR_NET_RUN_DIR=$run/net" > "$work/net-dhcp.conf"
	"$top/tools/lxcmgr-net" -c "$work/net-dhcp.conf" start > /dev/null
	mac=00:16:3e:$(printf '%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)))
	"$ours/lxc-create" -P "$work/ours" -n d1 -t busybox > /dev/null
	/usr/bin/lxc-create -P "$work/lxc" -n d1 -t busybox > /dev/null 2>&1
	for side in ours lxc; do
		sed -i '/^lxc.net.0/d' "$work/$side/d1/config"
		printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $dbr" "lxc.net.0.flags = up" \
			"lxc.net.0.hwaddr = $mac:$([ $side = ours ] && echo 01 || echo 02)" >> "$work/$side/d1/config"
	done
	# A 10 ms sleep without a fork: read -t on a fifo nobody writes.
	mkfifo "$work/tick"
	exec {tick}<> "$work/tick"
	# has_address PID: does init's network namespace have an address of
	# the DHCP subnet (a "/32 host LOCAL" entry in its fib_trie)?
	has_address() {
		local line prev=
		while read -r line; do
			[[ $line == "/32 host LOCAL" && $prev == "|-- $dnet."* ]] && return 0
			prev=$line
		done < "/proc/$1/net/fib_trie"
		return 1
	}
	# dhcp_round TOOL-DIR LXCPATH: ns from lxc-start's return until the
	# address is there (read from the host, every 10 ms; 10 s at most),
	# and lxc-start's own ns. Init's pid from lxc-start -p: ours writes
	# init's before it returns, LXC's its monitor's, whose only child is
	# init, sometimes only after it returns (read in the polls, by the
	# shell itself: no process).
	dhcp_round() {
		local s e t pid='' init='' pidfile=$work/d1.$BASHPID.pid # a file per round: LXC's monitor unlinks its own late
		s=$(now_ns)
		if ! "$1/lxc-start" -P "$2" -n d1 -p "$pidfile" > "$work/d1.log" 2>&1; then
			echo "failed 0 $(head -n 1 "$work/d1.log")"
			"$1/lxc-stop" -P "$2" -n d1 -k > /dev/null 2>&1
			return
		fi
		t=$(now_ns)
		got=
		for i in $(seq 1000); do
			[ -n "$pid" ] || [ ! -f "$pidfile" ] || read -r pid < "$pidfile" || true
			init=$pid
			# LXC's monitor's children, read again at each poll
			[ "$1" != /usr/bin ] || [ -z "$pid" ] ||
				read -r init _ < "/proc/$pid/task/$pid/children" || true
			[ -n "$init" ] && has_address "$init" && { got=1; break; }
			read -r -t 0.01 -u "$tick" || true
		done
		e=$(now_ns)
		if [ -n "$got" ]; then echo "$((e - t)) $((t - s))"; else echo "timeout $((t - s)) no address within 10 s"; fi
		"$1/lxc-stop" -P "$2" -n d1 -k > /dev/null 2>&1
		sleep 0.2
	}
	local lxc_d="" our_d="" lxc_s="" our_s="" our_max=0 why
	for i in $(seq "$n"); do
		read -r ms s why < <(dhcp_round /usr/bin "$work/lxc")
		case $ms in
		timeout|failed) echo "   (LXC, round $i: $ms${why:+: $why})" ;;
		*) lxc_d="$lxc_d $ms" lxc_s="$lxc_s $s" ;;
		esac
		read -r ms s why < <(dhcp_round "$ours" "$work/ours")
		case $ms in
		timeout|failed) echo "   (ours, round $i: $ms${why:+: $why})" ;;
		*) our_d="$our_d $ms" our_s="$our_s $s"; [ "$ms" -le "$our_max" ] || our_max=$ms ;;
		esac
	done
	row "lxc-start returns, DHCP bridge" "$(med "$lxc_s")" "$(med "$our_s")" "-"
	[ -n "$lxc_d" ] && [ -n "$our_d" ] &&
		row "then until eth0 has the DHCP address" "$(med "$lxc_d")" "$(med "$our_d")" \
			"ours < 1000 ms (max $(echo "scale=2; $our_max / 1000000" | bc))"
}
[ -n "$no_dhcp" ] || dhcp_rows
[ -z "$attach_only" ] && [ -z "$dhcp_only" ] || exit 0

# 50 running containers per side (one side at a time), each on the bridge
# with its own address; lxc-ls -f reads every one's addresses.
for i in $(seq 2 50); do
	for side in ours lxc; do
		cp -a "$work/$side/b1" "$work/$side/b$i"
		sed -i "s/b1/b$i/g; s/^lxc.net.0.hwaddr = .*/lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx/" "$work/$side/b$i/config"
		sed -i "s|^lxc.net.0.ipv4.address = .*|lxc.net.0.ipv4.address = $net.$i/24|" "$work/$side/b$i/config"
	done
done
ls_f() { # TOOL-DIR LXCPATH: prints the mean ms of lxc-ls -f, and how many showed an address
	local i shown
	for i in $(seq 1 50); do "$1/lxc-start" -P "$2" -n "b$i" > /dev/null 2>&1; done
	hyperfine -N -w 3 -r 20 --export-json "$work/ls.json" "$1/lxc-ls -P $2 -f" > /dev/null 2>&1
	shown=$("$1/lxc-ls" -P "$2" -f | grep -c " $net\.") || true
	for i in $(seq 1 50); do "$1/lxc-stop" -P "$2" -n "b$i" -k > /dev/null 2>&1; done
	echo "$(python3 -c "import json; print('%.2f' % (json.load(open('$work/ls.json'))['results'][0]['mean']*1000))") $shown"
}
read -r lxc_ls lxc_shown < <(ls_f /usr/bin "$work/lxc")
sleep 2
read -r our_ls our_shown < <(ls_f "$ours" "$work/ours")
row "lxc-ls -f, 50 running on a bridge" "$lxc_ls" "$our_ls" "<= 0.33"
[ "$lxc_shown" = 50 ] && [ "$our_shown" = 50 ] ||
	echo "   (containers listed with their address: LXC $lxc_shown, ours $our_shown: the figures above do not compare)"
