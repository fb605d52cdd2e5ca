#!/usr/bin/env bash
# Side-by-side benchmark of Debian system containers against Debian's LXC
# 5.0.2 and its own debian template, both from a warm cache, no network
# device, as ratios (ours / LXC):
#   cached create        median of N lxc-create -t debian     target < 1 s (ours)
#   new disk             du of the container directory        target < 5 MB (ours)
#   boot to running      lxc-start until systemctl             no slower than LXC
#                        is-system-running --wait says so
#   stop                 median of N lxc-stop (default)        no slower than LXC
#   boot on a bridge     as boot to running, with a veth on    no slower than LXC
#                        a bridge of the run's own (one per
#                        side, each with lxcmgr-net's dnsmasq
#                        for DHCP; no NAT); then until eth0
#                        has its DHCP address (hostname -I)
# Ours twice: -B overlay (the default) and -B dir (a copy; reflink where the
# file system has it).
#
# Usage: bench/bench-debian.sh [-n N] [-r RELEASE]
# Root, Debian's lxc and lxc-templates (scripts/install-deps --test), a build
# in _build. Both caches are built first when missing (minutes, once):
# ours in $LXCMGR_CACHE_DIR (default /var/cache/lxcmgr), LXC's in
# /var/cache/lxc/debian.
set -eu
n=5
release=bookworm
while getopts n:r: opt; do
	case $opt in
	n) n=$OPTARG ;;
	r) release=$OPTARG ;;
	*) sed -n '2,24p' "$0"; exit 2 ;;
	esac
done
. "$(dirname "$0")/lib.sh"
bench_need lxc-start /usr/share/lxc/templates/lxc-debian
# On disk, not tmpfs: du counts real blocks. No network device (the shipped
# default puts containers on lxcmgrbr0): the same as LXC's side, and the
# bridge rows add their own.
bench_setup /var/tmp
our_sides="ours dir"
mkdir -p "$work/dir"
bench_cleanup_more() { # the bridges of the "boot on a bridge" rows
	local p
	for p in ours lxc; do [ -f "$work/net-$p.conf" ] && "$top/tools/lxcmgr-net" -c "$work/net-$p.conf" stop; done
}

# Whole milliseconds in, one a line; their median out.
median_ms() { sort -n | awk '{ t[NR] = $1 } END { printf "%.0f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) }'; }

# create SIDE NAME: one create; prints its wall time in ms.
create() {
	local t0 t1
	t0=$(now_ns)
	case $1 in
	ours) "$ours/lxc-create" -P "$work/ours" -n "$2" -t debian -q -- -r "$release" > /dev/null ;;
	dir) "$ours/lxc-create" -P "$work/dir" -n "$2" -t debian -B dir -q -- -r "$release" > /dev/null ;;
	lxc) /usr/bin/lxc-create -P "$work/lxc" -n "$2" -t debian -- -r "$release" > /dev/null 2>&1 ;;
	esac
	t1=$(now_ns)
	[ "$1" != lxc ] || lxc_no_net "$work/lxc/$2/config"
	echo $(((t1 - t0) / 1000000))
}

# tools SIDE: the lxcpath and the tools' directory of a side.
tools() { case $1 in lxc) echo "$work/lxc /usr/bin" ;; *) echo "$work/$1 $ours" ;; esac; }

# boot SIDE NAME: ms from lxc-start until systemd says running: one
# lxc-attach (the side's own) right after the start waits inside for
# systemd's socket, then runs systemctl is-system-running --wait. (Polling
# from outside would take the CPU the boot needs on a small machine.)
boot() {
	local p bin t0 s
	read -r p bin <<< "$(tools "$1")"
	t0=$(now_ns)
	"$bin/lxc-start" -P "$p" -n "$2" > /dev/null 2>&1
	s=$("$bin/lxc-attach" -P "$p" -n "$2" -- timeout 120 sh -c \
		'until [ -S /run/systemd/private ]; do sleep 0.02; done; systemctl is-system-running --wait' \
		2> /dev/null || true)
	echo "$(( ($(now_ns) - t0) / 1000000 )) $s"
}

# bridge SIDE: a bridge of this run's own for SIDE's containers, with
# lxcmgr-net's dnsmasq serving DHCP on it (no NAT, ip_forward untouched);
# removed on exit. Prints the bridge's name.
bridge() {
	local br net i
	br=lxcbd${1:0:1}$(printf '%04x' $((RANDOM)))
	for i in $(seq 20); do
		net=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
		[ -z "$(ip -4 route show "$net.0/24")" ] && break
	done
	printf '%s\n' "LXCMGR_NET_BRIDGE=$br" "LXCMGR_NET_ADDR=$net.1" "LXCMGR_NET_NETWORK=$net.0/24" \
		"LXCMGR_NET_DHCP_RANGE=$net.100,$net.200" LXCMGR_NET_NAT=false LXCMGR_NET_FORWARD=false \
		"LXCMGR_NET_STATE_DIR=$work/net-state" "LXCMGR_NET_RUN_DIR=$run/net" > "$work/net-$1.conf"
	"$top/tools/lxcmgr-net" -c "$work/net-$1.conf" start >&2
	echo "$br"
}

# on_bridge SIDE NAME BRIDGE: NAME's only network device a veth on BRIDGE.
on_bridge() {
	local p bin
	read -r p bin <<< "$(tools "$1")"
	sed -i '/^lxc.net.0/d' "$p/$2/config"
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $3" "lxc.net.0.flags = up" \
		"lxc.net.0.hwaddr = 00:16:3e:$(printf '%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))" \
		>> "$p/$2/config"
}

# boot_net SIDE NAME: as boot, then the ms until eth0 has an IPv4 address
# (a second lxc-attach, waiting inside): "RUNNING-MS STATE ADDRESS-MS".
boot_net() {
	local p bin t0 r s
	read -r p bin <<< "$(tools "$1")"
	t0=$(now_ns)
	read -r r s <<< "$(boot "$1" "$2")"
	"$bin/lxc-attach" -P "$p" -n "$2" -- timeout 60 sh -c \
		'until hostname -I | grep -q "[0-9]\."; do sleep 0.02; done' > /dev/null 2>&1 || true
	echo "$r $s $(( ($(now_ns) - t0) / 1000000 ))"
}

stop() {
	local p bin t0
	read -r p bin <<< "$(tools "$1")"
	t0=$(now_ns)
	"$bin/lxc-stop" -P "$p" -n "$2" > /dev/null 2>&1
	echo $(( ($(now_ns) - t0) / 1000000 ))
}

echo "lxcmgr Debian benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r), release $release"
# Warm both caches (the first create of each builds it).
for side in ours lxc; do
	t=$(create "$side" warm)
	if [ "$t" -gt 20000 ]; then echo "($side: the first create built its cache: $((t / 1000)) s)"; fi
done

declare -A c_ms disk
for side in ours dir lxc; do
	times=()
	for i in $(seq "$n"); do times+=("$(create "$side" "c$i")"); done
	c_ms[$side]=$(printf '%s\n' "${times[@]}" | median_ms)
	disk[$side]=$(du -sk "$work/$side/c1" | cut -f1)
done
# Boot and stop: N rounds on one container per side, alternating.
declare -A b_ms s_ms
for side in ours dir lxc; do b_all=(); s_all=()
	for i in $(seq "$n"); do
		read -r ms state <<< "$(boot "$side" c1)"
		[ "$state" = running ] || echo "($side: systemd says \"$state\" after ${ms} ms)"
		b_all+=("$ms")
		s_all+=("$(stop "$side" c1)")
	done
	b_ms[$side]=$(printf '%s\n' "${b_all[@]}" | median_ms)
	s_ms[$side]=$(printf '%s\n' "${s_all[@]}" | median_ms)
done

# The same on a bridge: a new container per side (overlay for ours), each
# side on a bridge of its own, N rounds alternating.
declare -A nb_ms na_ms
for side in ours lxc; do
	create "$side" net1 > /dev/null
	on_bridge "$side" net1 "$(bridge "$side")"
done
for side in ours lxc; do nb_all=(); na_all=()
	for i in $(seq "$n"); do
		read -r ms state addr <<< "$(boot_net "$side" net1)"
		[ "$state" = running ] || echo "($side on a bridge: systemd says \"$state\" after ${ms} ms)"
		nb_all+=("$ms")
		na_all+=("$addr")
		stop "$side" net1 > /dev/null
	done
	nb_ms[$side]=$(printf '%s\n' "${nb_all[@]}" | median_ms)
	na_ms[$side]=$(printf '%s\n' "${na_all[@]}" | median_ms)
done

printf '%-34s %10s %10s %8s   %s\n' "operation (median of $n)" "LXC" "ours" "ratio" "target"
row "cached create, overlay (ms)" "${c_ms[lxc]}" "${c_ms[ours]}" "< 1000 ms"
row "cached create, -B dir (ms)" "${c_ms[lxc]}" "${c_ms[dir]}" "-"
row "new disk, overlay (KiB)" "${disk[lxc]}" "${disk[ours]}" "< 5120 KiB"
row "new disk, -B dir (KiB)" "${disk[lxc]}" "${disk[dir]}" "-"
row "boot to running, overlay (ms)" "${b_ms[lxc]}" "${b_ms[ours]}" "<= LXC"
row "boot to running, -B dir (ms)" "${b_ms[lxc]}" "${b_ms[dir]}" "<= LXC"
row "lxc-stop, overlay (ms)" "${s_ms[lxc]}" "${s_ms[ours]}" "<= LXC"
row "lxc-stop, -B dir (ms)" "${s_ms[lxc]}" "${s_ms[dir]}" "<= LXC"
row "boot to running, bridge (ms)" "${nb_ms[lxc]}" "${nb_ms[ours]}" "<= LXC"
row "boot until DHCP address, bridge (ms)" "${na_ms[lxc]}" "${na_ms[ours]}" "-"
