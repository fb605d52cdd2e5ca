#!/usr/bin/env bash
# Side-by-side benchmark of networked busybox containers against Debian's
# LXC, as ratios (ours / LXC), each side on a bridge this script makes
# (removed on exit) with a static address per container:
#   start until lxc-attach works, veth on a bridge   median of N    target <= 1/3
#   lxc-ls -f with 50 running containers             hyperfine      target <= 1/3
# and, in the same rounds, the floor of the start: bench/floor-net.c, the
# kernel's work alone (fork, clone3 with a new netns, the veth pair on the
# bridge, eth0's address, exec of /bin/true inside), built here with cc and
# libmnl; its ratio is the lowest any implementation could reach.
#
# Usage: bench/bench-net.sh [-n N] [-b OTHER-BUILD] [-a]
#   -b DIR   also time the tools of another build (DIR/tools, e.g. a copy of
#            _build from before a change) in the same rounds
#   -a       the start only, not lxc-ls -f
# The sides take turns round by round, so a change in the load hits each alike.
# Root, Debian's lxc and hyperfine (scripts/install-deps --test), a build in _build.
set -eu
n=10
other=
attach_only=
while getopts n:b:a opt; do
	case $opt in
	n) n=$OPTARG ;;
	b) other=$(cd "$OPTARG" && pwd)/tools ;;
	a) attach_only=1 ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
[ -z "$other" ] || [ -x "$other/lxc-start" ] || { echo "bench: no $other/lxc-start" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
bench_need lxc-start /usr/bin/lxc-start hyperfine
bench_setup
row_width=40
# A bridge and a subnet of this run's own.
br=lxcbn$(printf '%04x' $((RANDOM)))
net=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
bench_cleanup_more() { ip link del "$br" 2> /dev/null; }
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

echo "lxcmgr network benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
row_header
mk b1 1
floor=
if cc -O2 -o "$work/floor-net" "$top/bench/floor-net.c" -lmnl 2> "$work/cc.log"; then
	floor=$work/floor-net
else
	echo "(bench/floor-net.c did not build: $(head -n 1 "$work/cc.log"))"
fi

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
# The floor's round: prints its wall and CPU ns.
floor_round() {
	"$floor" "$br" "$net.200/24"
	sleep 0.2 # as after a stop
}
lxc_all="" our_all="" other_all="" floor_all="" floor_cpu=""
for i in $(seq "$n"); do
	lxc_all="$lxc_all $(until_attach /usr/bin "$work/lxc")"
	our_all="$our_all $(until_attach "$ours" "$work/ours")"
	[ -z "$other" ] || other_all="$other_all $(until_attach "$other" "$work/ours")"
	if [ -n "$floor" ] && read -r wall cpu < <(floor_round); then
		floor_all="$floor_all $wall"
		floor_cpu="$floor_cpu $cpu"
	fi
done
lxc_attach=$(echo $lxc_all | tr ' ' '\n' | median)
our_attach=$(echo $our_all | tr ' ' '\n' | median)
row "start until attach, veth on a bridge" "$lxc_attach" "$our_attach" "<= 0.33"
[ -z "$other" ] ||
	row "  the same, build $(basename "$(dirname "$other")")" "$lxc_attach" \
		"$(echo $other_all | tr ' ' '\n' | median)" "<= 0.33"
[ -z "$floor_all" ] ||
	row "  floor: the kernel's work (floor-net.c)" "$lxc_attach" \
		"$(echo $floor_all | tr ' ' '\n' | median)" \
		"(CPU $(echo $floor_cpu | tr ' ' '\n' | median) ms)"
[ -z "$attach_only" ] || exit 0

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
