#!/usr/bin/env bash
# Network devices (lxc.net.N.*) on real busybox containers: veth pairs on a
# bridge the test makes, macvlan and phys on a veth end the test makes,
# addresses, gateways and MACs checked from inside, and nothing left on the
# host after a stop, a failed start, or a killed monitor. Every device and
# address is the test's own (lxct* devices, a random 10.x.y.0/24 and a
# ULA /64 on the test's bridge); lib.sh deletes the devices at cleanup.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
A=lxcmgr-test-net-a
B=lxcmgr-test-net-b

create() { lxc_create -P "$(P)" -n "$1" -t busybox > /dev/null; }
cfg() { echo "$(P)/$1/config"; }
init_pid() { lxc_info -P "$(P)" -n "$1" -p | awk '{print $2}'; }
inside() { local n=$1; shift; lxc_attach -P "$(P)" -n "$n" -- "$@"; }
# Runs CMD until it succeeds, at most 10 s (IPv6 addresses are tentative
# for a moment after they are added).
eventually() {
	local i
	for i in $(seq 50); do "$@" > /dev/null 2>&1 && return 0; sleep 0.2; done
	"$@"
}
host_has() { ip link show "$1" > /dev/null 2>&1; }
# Devices on the host named NAME... that still exist.
left() { local d; for d in "$@"; do host_has "$d" && echo "$d"; done; return 0; }
# Waits (at most 5 s) until none of the devices NAME... exist on the host.
gone() {
	local i
	for i in $(seq 25); do [ -z "$(left "$@")" ] && return 0; sleep 0.2; done
	fail "left on the host: $(left "$@")"
}

net_setup() { # a bridge and a subnet for this test
	need_root || return 1
	command -v ip > /dev/null || { skip "needs iproute2 (ip)"; return 1; }
	BR=$(net_test_ifname br)
	net_test_link "$BR" bridge || { skip "cannot make a bridge here"; return 1; }
	ip link set "$BR" up
	NET=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
	NET6=fd42:$(printf '%x' $((RANDOM))):$(printf '%x' $((RANDOM)))
}

# host_device NAME: a device standing for a host's NIC, for phys and as
# a parent: one end of a veth pair (this kernel may lack dummy devices).
host_device() { net_test_link "$1" veth peer name "${1}q"; }
# Can this kernel make a TYPE device on the test's bridge? (ipvlan, vlan)
kernel_has() {
	local probe
	probe=$(net_test_ifname "${1:0:1}k")
	case $1 in vlan) net_test_link "$probe" vlan id 7 link "$BR" ;; *) net_test_link "$probe" "$1" link "$BR" ;; esac 2> /dev/null &&
		ip link del "$probe"
}

# add NAME LINES...: appends config lines.
add() { local n=$1; shift; printf '%s\n' "$@" >> "$(cfg "$n")"; }

veth_on_bridge() { # NAME HOST-NUMBER [PAIR]
	add "$1" "lxc.net.0.type = veth" "lxc.net.0.link = $BR" "lxc.net.0.flags = up" \
		"lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" \
		"lxc.net.0.ipv4.address = $NET.$2/24" "lxc.net.0.ipv6.address = $NET6::$2/64"
	[ -z "${3:-}" ] || add "$1" "lxc.net.0.veth.pair = $3"
}

test_two_containers_on_a_bridge_reach_each_other() {
	net_setup || return 0
	local pa pb
	pa=$(net_test_ifname a)
	pb=$(net_test_ifname b)
	create $A
	create $B
	veth_on_bridge $A 2 "$pa"
	veth_on_bridge $B 3 "$pb"
	add $A "lxc.net.0.ipv4.gateway = $NET.1" "lxc.net.0.ipv6.gateway = $NET6::1"
	lxc_start -P "$(P)" -n $A
	lxc_start -P "$(P)" -n $B
	# The host ends, on the bridge, under their veth.pair names.
	assert_contains "$(ip -o link show master "$BR")" "$pa@" "ports of $BR"
	assert_contains "$(ip -o link show master "$BR")" "$pb@" "ports of $BR"
	inside $A ping -c 1 -W 2 $NET.3 > /dev/null || fail "$A cannot ping $B over IPv4"
	eventually inside $B ping -c 1 -W 2 $NET6::2 || fail "$B cannot ping $A over IPv6"
	# Addresses and gateways, as the container sees them.
	local addrs routes
	addrs=$(inside $A ip addr show eth0)
	assert_contains "$addrs" "inet $NET.2/24 brd $NET.255" "addresses of eth0 in $A"
	assert_contains "$addrs" "inet6 $NET6::2/64" "addresses of eth0 in $A"
	routes=$(inside $A ip route)
	assert_contains "$routes" "default via $NET.1 dev eth0" "IPv4 routes in $A"
	assert_contains "$(inside $A ip -6 route)" "default via $NET6::1 dev eth0" "IPv6 routes in $A"
	# No DHCP client fought the static address.
	assert_not_contains "$(inside $A ps)" "udhcpc" "processes in $A"
	local info
	info=$(lxc_info -P "$(P)" -n $A -i)
	assert_contains "$info" "$NET.2" "lxc-info -i"
	assert_contains "$info" "$NET6::2" "lxc-info -i"
	local ls
	ls=$(lxc_ls -P "$(P)" -F name,ipv4,ipv6)
	assert_contains "$ls" "$A $NET.2 $NET6::2" "lxc-ls -F name,ipv4,ipv6"
	assert_contains "$(lxc_ls -P "$(P)" --format=json)" "\"ipv4\": [\"$NET.3\"]" "lxc-ls --format=json"
	lxc_stop -P "$(P)" -n $A -k
	lxc_stop -P "$(P)" -n $B -k
	gone "$pa" "$pb"
}

test_hwaddr_chosen_once_and_kept() {
	net_setup || return 0
	create $A
	veth_on_bridge $A 2
	lxc_start -P "$(P)" -n $A
	local written mac
	written=$(awk -F' = ' '$1 == "lxc.net.0.hwaddr" {print $2}' "$(cfg $A)")
	case $written in 00:16:3e:??:??:??) ;; *) fail "hwaddr written back: '$written'"; return 1 ;; esac
	assert_eq "$(grep -c '^lxc.net.0.hwaddr' "$(cfg $A)")" 1 "hwaddr lines in the config"
	mac=$(inside $A cat /sys/class/net/eth0/address)
	assert_eq "$mac" "$written" "MAC of eth0"
	lxc_stop -P "$(P)" -n $A -k
	lxc_start -P "$(P)" -n $A
	assert_eq "$(inside $A cat /sys/class/net/eth0/address)" "$written" "MAC after a restart"
	lxc_stop -P "$(P)" -n $A -k
}

test_gateway_auto_dev_mtu_and_generated_names() {
	net_setup || return 0
	ip addr add $NET.1/24 dev "$BR"
	create $A
	# eth0: gateway auto (the bridge's address); inner1, a veth on no
	# bridge: gateway dev for IPv6, and a host route through its host end.
	add $A "lxc.net.0.type = veth" "lxc.net.0.link = $BR" "lxc.net.0.flags = up" \
		"lxc.net.0.ipv4.address = $NET.2/24" "lxc.net.0.ipv4.gateway = auto" \
		"lxc.net.0.mtu = 1400" \
		"lxc.net.1.type = veth" "lxc.net.1.flags = up" "lxc.net.1.name = inner1" \
		"lxc.net.1.ipv4.address = 192.168.213.2/32" "lxc.net.1.ipv4.address = 192.168.213.9/32" \
		"lxc.net.1.ipv6.address = $NET6::5/64" "lxc.net.1.ipv6.gateway = dev" \
		"lxc.net.1.veth.ipv4.route = 192.168.213.0/29"
	lxc_start -P "$(P)" -n $A
	assert_contains "$(inside $A ip route)" "default via $NET.1 dev eth0" "routes in $A"
	assert_contains "$(inside $A ip -6 route)" "default dev inner1" "IPv6 routes in $A"
	assert_eq "$(inside $A cat /sys/class/net/eth0/mtu)" 1400 "MTU of eth0"
	assert_contains "$(inside $A ip addr show inner1)" "inet 192.168.213.9/32" "inner1"
	# The host end of lxc.net.1: a generated veth name, routing 192.168.213.0/29.
	local host_end
	host_end=$(ip -o route show 192.168.213.0/29 | awk '{print $3}')
	case $host_end in veth*) ;; *) fail "route to veth.ipv4.route through '$host_end'" ;; esac
	assert_eq "$(cat /sys/class/net/"$host_end"/master 2> /dev/null)" "" "master of $host_end"
	inside $A ping -c 1 -W 2 $NET.1 > /dev/null || fail "$A cannot ping its gateway"
	lxc_stop -P "$(P)" -n $A -k
	gone "$host_end"
	assert_eq "$(ip -o route show 192.168.213.0/29)" "" "route after the stop"
}

test_router_mode() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname r)
	create $A
	add $A "lxc.net.0.type = veth" "lxc.net.0.veth.mode = router" "lxc.net.0.veth.pair = $pair" \
		"lxc.net.0.flags = up" "lxc.net.0.ipv4.address = $NET.7/32" \
		"lxc.net.0.ipv4.gateway = 169.254.0.1"
	lxc_start -P "$(P)" -n $A
	assert_contains "$(ip -o route show $NET.7)" "dev $pair" "host route to the container"
	assert_eq "$(cat /proc/sys/net/ipv4/conf/$pair/proxy_arp)" 1 "proxy_arp on $pair"
	assert_contains "$(ip neigh show proxy dev "$pair")" "169.254.0.1" "proxy entry for the gateway"
	assert_contains "$(inside $A ip route)" "default via 169.254.0.1 dev eth0" "routes in $A"
	# The host answers for the gateway: the container reaches the host end.
	inside $A arping -f -c 20 -w 20 -I eth0 169.254.0.1 > /dev/null ||
		fail "no answer for the gateway 169.254.0.1"
	lxc_stop -P "$(P)" -n $A -k
	gone "$pair"
}

# The sysctl KNOB (net/ipv4/conf/DEV/forwarding) of a test device, set.
dev_sysctl() { echo "$2" > "/proc/sys/$1"; }

test_l2proxy_answers_for_a_routed_container() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname l)
	ip addr add "$NET.1/24" dev "$BR"
	create $A
	create $B
	# A is routed (no bridge) and its addresses are on the bridge's
	# subnets: the bridge answers ARP/NDP for them.
	add $A "lxc.net.0.type = veth" "lxc.net.0.veth.mode = router" "lxc.net.0.veth.pair = $pair" \
		"lxc.net.0.link = $BR" "lxc.net.0.l2proxy = 1" "lxc.net.0.flags = up" \
		"lxc.net.0.ipv4.address = $NET.7/32" "lxc.net.0.ipv4.gateway = 169.254.0.1" \
		"lxc.net.0.ipv6.address = $NET6::7/128"
	# The link's sysctls are checked, not changed: each missing one refused.
	dev_sysctl "net/ipv4/conf/$BR/forwarding" 0
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "lxc.net.0.l2proxy = 1 (" "error without IPv4 forwarding"
	assert_contains "$err" "sysctl -w net.ipv4.conf.$BR.forwarding=1" "error without IPv4 forwarding"
	dev_sysctl "net/ipv4/conf/$BR/forwarding" 1
	dev_sysctl "net/ipv6/conf/$BR/forwarding" 1
	dev_sysctl "net/ipv6/conf/$BR/proxy_ndp" 0
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "sysctl -w net.ipv6.conf.$BR.proxy_ndp=1" "error without proxy_ndp"
	assert_eq "$(ip neigh show proxy dev "$BR")" "" "proxy entries after a failed start"
	gone "$pair"
	dev_sysctl "net/ipv6/conf/$BR/proxy_ndp" 1
	lxc_start -P "$(P)" -n $A
	assert_contains "$(ip neigh show proxy dev "$BR")" "$NET.7" "IPv4 proxy entries on $BR"
	assert_contains "$(ip -6 neigh show proxy dev "$BR")" "$NET6::7" "IPv6 proxy entries on $BR"
	assert_contains "$(ip -o route show "$NET.7")" "dev $pair" "host route to $A"
	# B, a peer on the bridge in a namespace of its own, reaches A: the
	# bridge answered its ARP request, and the host routed the ping on.
	veth_on_bridge $B 3
	lxc_start -P "$(P)" -n $B
	eventually inside $B ping -c 1 -W 1 "$NET.7" || fail "$B cannot reach $A at $NET.7"
	local br_mac
	br_mac=$(cat "/sys/class/net/$BR/address")
	assert_contains "$(inside $B ip neigh show "$NET.7")" "lladdr $br_mac" \
		"$B's neighbour entry for $A (the bridge answered)"
	# IPv6: the bridge answers B's neighbour solicitation (whether the host
	# forwards IPv6 is net.ipv6.conf.all.forwarding's, left alone).
	ndp_answered() {
		inside $B ping -c 1 -W 1 "$NET6::7" > /dev/null 2>&1
		inside $B ip -6 neigh show "$NET6::7" | grep -q "lladdr $br_mac"
	}
	eventually ndp_answered || fail "no neighbour advertisement for $NET6::7 from $BR"
	lxc_stop -P "$(P)" -n $B -k
	lxc_stop -P "$(P)" -n $A -k
	assert_eq "$(ip neigh show proxy dev "$BR")" "" "IPv4 proxy entries after the stop"
	assert_eq "$(ip -6 neigh show proxy dev "$BR")" "" "IPv6 proxy entries after the stop"
	# A killed monitor: lxc-stop -k takes them away through the record.
	lxc_start -P "$(P)" -n $A
	local monitor
	monitor=$(awk '/^PPid:/ {print $2}' "/proc/$(init_pid $A)/status")
	kill -9 "$monitor"
	assert_contains "$(ip neigh show proxy dev "$BR")" "$NET.7" "proxy entry after the monitor died"
	lxc_stop -P "$(P)" -n $A -k
	assert_eq "$(ip neigh show proxy dev "$BR")" "" "IPv4 proxy entries after lxc-stop -k"
	assert_eq "$(ip -6 neigh show proxy dev "$BR")" "" "IPv6 proxy entries after lxc-stop -k"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after lxc-stop -k"
	gone "$pair"
}

# The VLANs of bridge port DEV, one a line: "10 PVID Egress Untagged".
port_vlans() {
	bridge vlan show dev "$1" | awk -v dev="$1" 'NR > 1 && NF { sub("^" dev, ""); $1 = $1; print }'
}

test_veth_vlans_need_a_vlan_filtering_bridge() {
	net_setup || return 0
	local pa
	pa=$(net_test_ifname va)
	create $A
	veth_on_bridge $A 2 "$pa"
	add $A "lxc.net.0.veth.vlan.tagged.id = 20"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "lines of the error"
	assert_contains "$err" "lxc.net.0.veth.vlan.tagged.id = 20 (" "error without vlan_filtering"
	assert_contains "$err" "the bridge \"$BR\" does not filter VLANs; ip link set $BR type bridge vlan_filtering 1" \
		"error without vlan_filtering"
	gone "$pa"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after the failed start"
}

test_veth_vlans_on_a_vlan_filtering_bridge() {
	net_setup || return 0
	command -v bridge > /dev/null || { skip "needs iproute2's bridge"; return 0; }
	ip link set "$BR" type bridge vlan_filtering 1 2> /dev/null ||
		{ skip "this kernel's bridges cannot filter VLANs (CONFIG_BRIDGE_VLAN_FILTERING)"; return 0; }
	local pa pb
	pa=$(net_test_ifname va)
	pb=$(net_test_ifname vb)
	create $A
	create $B
	veth_on_bridge $A 2 "$pa"
	veth_on_bridge $B 3 "$pb"
	add $A "lxc.net.0.veth.vlan.id = 10" "lxc.net.0.veth.vlan.tagged.id = 20" \
		"lxc.net.0.veth.vlan.tagged.id = 30"
	add $B "lxc.net.0.veth.vlan.id = 10"
	lxc_start -P "$(P)" -n $A
	lxc_start -P "$(P)" -n $B
	# Untagged in 10 (the PVID) instead of the bridge's default VLAN 1,
	# tagged in 20 and 30.
	assert_eq "$(port_vlans "$pa" | tr '\n' ';')" "10 PVID Egress Untagged;20;30;" "VLANs of $pa"
	assert_eq "$(port_vlans "$pb" | tr '\n' ';')" "10 PVID Egress Untagged;" "VLANs of $pb"
	inside $A ping -c 1 -W 2 "$NET.3" > /dev/null || fail "$A cannot reach $B in VLAN 10"
	lxc_stop -P "$(P)" -n $B -k
	gone "$pb"
	# none: out of the default VLAN, in tagged ones only.
	sed -i 's/^lxc.net.0.veth.vlan.id = .*/lxc.net.0.veth.vlan.id = none/' "$(cfg $B)"
	add $B "lxc.net.0.veth.vlan.tagged.id = 20"
	lxc_start -P "$(P)" -n $B
	assert_eq "$(port_vlans "$pb" | tr '\n' ';')" "20;" "VLANs of $pb with vlan.id = none"
	lxc_stop -P "$(P)" -n $A -k
	lxc_stop -P "$(P)" -n $B -k
	gone "$pa" "$pb"
}

test_macvlan_on_a_host_device() {
	net_setup || return 0
	local parent
	parent=$(net_test_ifname m)
	host_device "$parent"
	ip link set "$parent" up
	create $A
	add $A "lxc.net.0.type = macvlan" "lxc.net.0.link = $parent" "lxc.net.0.macvlan.mode = bridge" \
		"lxc.net.0.flags = up" "lxc.net.0.ipv4.address = $NET.4/24"
	lxc_start -P "$(P)" -n $A
	assert_contains "$(nsenter -t "$(init_pid $A)" -n ip -d link show eth0)" "macvlan mode bridge" "eth0"
	assert_contains "$(inside $A ip addr show eth0)" "inet $NET.4/24" "eth0 in $A"
	assert_eq "$(ip -o link show type macvlan | grep -c "@$parent:" || true)" 0 \
		"macvlans of $parent on the host"
	lxc_stop -P "$(P)" -n $A
	# Deleted at the stop, not when the kernel gets round to the namespace.
	assert_eq "$(ip -o link show type macvlan | grep -c "@$parent:" || true)" 0 \
		"macvlans of $parent after the stop"
}

test_ipvlan_and_vlan() {
	net_setup || return 0
	local types="" t
	for t in ipvlan vlan; do kernel_has $t && types="$types $t"; done
	[ -n "$types" ] || { skip "this kernel makes neither ipvlan nor vlan devices"; return 0; }
	create $A
	add $A "lxc.net.0.type = veth" "lxc.net.0.link = $BR"
	case $types in *ipvlan*) add $A "lxc.net.1.type = ipvlan" "lxc.net.1.link = $BR" \
		"lxc.net.1.ipvlan.mode = l2" "lxc.net.1.flags = up" ;; esac
	case $types in *" vlan"*) add $A "lxc.net.2.type = vlan" "lxc.net.2.link = $BR" \
		"lxc.net.2.vlan.id = 42" "lxc.net.2.name = eth0.42" ;; esac
	lxc_start -P "$(P)" -n $A
	local pid
	pid=$(init_pid $A)
	case $types in *ipvlan*) assert_contains "$(nsenter -t "$pid" -n ip -d link show eth1)" \
		"ipvlan  mode l2" "eth1" ;; esac
	case $types in *" vlan"*) assert_contains "$(nsenter -t "$pid" -n ip -d link show eth0.42)" \
		"id 42" "eth0.42" ;; esac
	lxc_stop -P "$(P)" -n $A
	assert_eq "$(ip -o link show | grep -c "@$BR:" || true)" 0 "devices on $BR after the stop"
}

test_phys_goes_in_and_comes_back() {
	net_setup || return 0
	local dummy
	dummy=$(net_test_ifname p)
	host_device "$dummy"
	ip link set "$dummy" address 02:00:00:00:00:42 mtu 1500
	create $A
	add $A "lxc.net.0.type = phys" "lxc.net.0.link = $dummy" "lxc.net.0.name = eth7" \
		"lxc.net.0.flags = up" "lxc.net.0.mtu = 1400" "lxc.net.0.hwaddr = 02:00:00:00:00:43" \
		"lxc.net.0.ipv6.address = $NET6::9/64"
	lxc_start -P "$(P)" -n $A
	host_has "$dummy" && fail "$dummy is still on the host"
	assert_contains "$(inside $A ip addr show eth7)" "02:00:00:00:00:43" "eth7 in $A"
	lxc_stop -P "$(P)" -n $A
	host_has "$dummy" || { fail "$dummy did not come back"; return 1; }
	local link
	link=$(ip -o link show "$dummy")
	assert_contains "$link" "mtu 1500" "$dummy after the stop"
	assert_contains "$link" "02:00:00:00:00:42" "$dummy after the stop"
	# (After a killed monitor the kernel gives a NIC back by itself and
	# lxc-stop -k renames it; a veth standing in for one is deleted with
	# the namespace instead, so that path is not tested here.)
}

test_scripts_get_lxc_arguments_and_environment() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname s)
	create $A
	cat > "$T/script" <<- EOF
	#!/bin/sh
	echo "\$* | \$LXC_HOOK_TYPE \$LXC_HOOK_SECTION \$LXC_NET_TYPE \$LXC_NET_PARENT \$LXC_NET_PEER \$LXC_NAME" >> "$T/calls"
	ip link show "\$LXC_NET_PEER" > /dev/null && echo "peer exists" >> "$T/calls"
	EOF
	chmod +x "$T/script"
	veth_on_bridge $A 2 "$pair"
	add $A "lxc.net.0.script.up = $T/script" "lxc.net.0.script.down = $T/script"
	lxc_start -P "$(P)" -n $A
	assert_eq "$(sed -n 1p "$T/calls")" "$A net up veth $pair | up net veth $BR $pair $A" "script.up"
	assert_eq "$(sed -n 2p "$T/calls")" "peer exists" "the host end during script.up"
	lxc_stop -P "$(P)" -n $A
	assert_eq "$(sed -n 3p "$T/calls")" "$A net down veth $pair | down net veth $BR $pair $A" \
		"script.down"
	assert_eq "$(sed -n 4p "$T/calls")" "peer exists" "the host end during script.down"
	gone "$pair"
}

test_failures_leave_nothing() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname f)
	create $A
	# The first device is made, the second fails: the first goes again.
	veth_on_bridge $A 2 "$pair"
	add $A "lxc.net.1.type = macvlan" "lxc.net.1.link = lxct-none"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" 'lxc.net.1.link = lxct-none' "error of a missing link"
	assert_contains "$err" 'No such device' "error of a missing link"
	gone "$pair"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after a failed start"
	# A failing script.up: the same.
	sed -i '/^lxc.net.1/d' "$(cfg $A)"
	add $A "lxc.net.0.script.up = /bin/false"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "lxc.net.0.script.up" "error of a failing script"
	gone "$pair"
	# A veth.pair name already taken on the host.
	sed -i '/script.up/d' "$(cfg $A)"
	host_device "$pair"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "change lxc.net.0.veth.pair" "error of a taken name"
	host_has "$pair" || fail "the start removed a device it did not make"
	# A bridge that is not one.
	ip link del "$pair"
	local notbr
	notbr=$(net_test_ifname n)
	host_device "$notbr"
	sed -i "s/^lxc.net.0.link = .*/lxc.net.0.link = $notbr/" "$(cfg $A)"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "is \"$notbr\" a bridge?" "error of a link that is no bridge"
	gone "$pair"
}

test_killed_monitor_leaves_nothing() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname k)
	create $A
	veth_on_bridge $A 2 "$pair"
	lxc_start -P "$(P)" -n $A
	local monitor
	monitor=$(awk '/^PPid:/ {print $2}' "/proc/$(init_pid $A)/status")
	kill -9 "$monitor"
	host_has "$pair" || fail "$pair went with the monitor, before init"
	lxc_stop -P "$(P)" -n $A -k
	gone "$pair"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after lxc-stop -k"
	# lxc-destroy -f after a killed monitor too.
	lxc_start -P "$(P)" -n $A
	monitor=$(awk '/^PPid:/ {print $2}' "/proc/$(init_pid $A)/status")
	kill -9 "$monitor"
	lxc_destroy -P "$(P)" -n $A -f > /dev/null
	gone "$pair"
}

test_share_net_joins_a_container_with_a_veth() {
	net_setup || return 0
	create $A
	create $B
	veth_on_bridge $A 2
	add $B "lxc.namespace.share.net = $A"
	lxc_start -P "$(P)" -n $A
	lxc_start -P "$(P)" -n $B
	assert_eq "$(readlink /proc/"$(init_pid $B)"/ns/net)" "$(readlink /proc/"$(init_pid $A)"/ns/net)" \
		"network namespace of $B"
	assert_contains "$(inside $B ip addr show eth0)" "inet $NET.2/24" "eth0 seen from $B"
	# A device of its own cannot go into a namespace it only joins.
	lxc_stop -P "$(P)" -n $B -k
	veth_on_bridge $B 3
	assert_fails lxc_start -P "$(P)" -n $B
	assert_contains "$err" "no network namespace of its own" "error of a device with share.net"
}

test_shipped_default_without_the_managed_bridge_says_how() {
	need_root || return 0
	ip link show lxcmgrbr0 > /dev/null 2>&1 && { skip "this host runs the managed bridge"; return 0; }
	cp "$top_srcdir/config/default.conf" "$T/etc/default.conf"
	create $A
	assert_fails lxc_start -P "$(P)" -n $A
	assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "lines of the error"
	assert_contains "$err" "lxc.net.0.link = lxcmgrbr0 (" "error of a missing managed bridge"
	assert_contains "$err" "lxcmgr-net start brings it up" "error of a missing managed bridge"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after the failed start"
}

# The devices are made before the first hook or net.* sysctl of the start:
# those find them configured.
test_hooks_and_sysctls_see_the_devices() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname h)
	create $A
	veth_on_bridge $A 2 "$pair"
	# Version 0 hooks: NAME lxc TYPE. The start-host one runs on the host.
	printf '#!/bin/sh\ncase $3 in\npre-mount) ip -o -4 addr show dev eth0 ;;\n*) echo ran ;;\nesac > "%s/hook.$3"\n' \
		"$T" > "$T/hook"
	chmod +x "$T/hook"
	add $A "lxc.hook.pre-mount = $T/hook" "lxc.hook.start-host = $T/hook" \
		"lxc.sysctl.net.ipv4.conf.eth0.forwarding = 1"
	lxc_start -P "$(P)" -n $A
	assert_contains "$(cat "$T/hook.pre-mount" 2> /dev/null)" "inet $NET.2/24" \
		"eth0 in the pre-mount hook"
	assert_eq "$(cat "$T/hook.start-host" 2> /dev/null)" ran "the start-host hook"
	assert_eq "$(inside $A cat /proc/sys/net/ipv4/conf/eth0/forwarding)" 1 \
		"lxc.sysctl.net.ipv4.conf.eth0.forwarding"
	lxc_stop -P "$(P)" -n $A -k
	gone "$pair"
}

# Host root's start makes the container's network namespace in the monitor
# before the clone (net_premake), and the monitor goes back to the host's:
# the container's init is in a namespace of its own, the monitor is not,
# and a reboot gets a new namespace and pair, made on the host again.
test_monitor_stays_on_the_host_across_a_reboot() {
	net_setup || return 0
	local pair host_ns old_ns pid monitor
	pair=$(net_test_ifname r)
	host_ns=$(readlink /proc/self/ns/net)
	create $A
	veth_on_bridge $A 2 "$pair"
	lxc_start -P "$(P)" -n $A
	pid=$(init_pid $A)
	old_ns=$(readlink "/proc/$pid/ns/net")
	monitor=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
	[ "$old_ns" != "$host_ns" ] || fail "init is in the host's network namespace"
	assert_eq "$(readlink "/proc/$monitor/ns/net")" "$host_ns" "the monitor's network namespace"
	assert_contains "$(inside $A ip -o -4 addr show dev eth0)" "inet $NET.2/24" "address of eth0"
	lxc_stop -P "$(P)" -n $A -r -t 30
	local i new=
	for i in $(seq 50); do
		new=$(init_pid $A)
		[ -n "$new" ] && [ "$new" != "$pid" ] && break
		sleep 0.2
	done
	[ -n "$new" ] && [ "$new" != "$pid" ] || fail "no new init after the reboot (was $pid)"
	[ "$(readlink "/proc/$new/ns/net")" != "$old_ns" ] || fail "the reboot kept the old network namespace"
	assert_eq "$(readlink "/proc/$monitor/ns/net")" "$host_ns" "the monitor's namespace after the reboot"
	assert_contains "$(inside $A ip -o -4 addr show dev eth0)" "inet $NET.2/24" "address after the reboot"
	assert_contains "$(ip -o link show master "$BR")" "$pair@" "ports of $BR after the reboot"
	lxc_stop -P "$(P)" -n $A -k
	gone "$pair"
}

# A setup step of the first process that fails after the devices were
# made: its error is the start's, and the devices go.
test_mount_failure_during_the_device_setup() {
	net_setup || return 0
	local pair
	pair=$(net_test_ifname m)
	create $A
	veth_on_bridge $A 2 "$pair"
	add $A "lxc.mount.entry = $T/no-such-dir mnt none bind 0 0"
	assert_fails lxc_start -P "$(P)" -n $A
	assert_contains "$err" "lxc.mount.entry" "error of the failed mount"
	assert_contains "$err" "No such file or directory" "error of the failed mount"
	gone "$pair"
	assert_eq "$(ls "$T/run/c/"*.net 2> /dev/null)" "" "network record after the failed start"
}

# A container in a user namespace (lxc.idmap) with a veth: the devices are
# made into a network namespace its user namespace owns; it reaches a
# container without one.
test_user_namespace_container_on_a_bridge() {
	net_setup || return 0
	local pa pb base=$(( 1000000 + ($$ % 4000) * 65536 ))
	pa=$(net_test_ifname u)
	pb=$(net_test_ifname v)
	chmod 755 "$T" # the container's root must reach its rootfs
	grep -v '^#' "$T/etc/default.conf" > "$T/idmap.conf"
	printf 'lxc.idmap = u 0 %d 65536\nlxc.idmap = g 0 %d 65536\n' $base $base >> "$T/idmap.conf"
	lxc_create -P "$(P)" -n $A -t busybox -f "$T/idmap.conf" > /dev/null
	create $B
	veth_on_bridge $A 2 "$pa"
	veth_on_bridge $B 3 "$pb"
	lxc_start -P "$(P)" -n $A
	lxc_start -P "$(P)" -n $B
	assert_contains "$(inside $A cat /proc/self/uid_map)" "$base" "the user namespace's map"
	assert_contains "$(inside $A ip -o -4 addr show dev eth0)" "inet $NET.2/24" "address of $A"
	assert_contains "$(ip -o link show master "$BR")" "$pa@" "ports of $BR"
	inside $B ping -c 1 -W 5 $NET.2 > /dev/null || fail "$B does not reach $A"
	lxc_stop -P "$(P)" -n $A -k
	lxc_stop -P "$(P)" -n $B -k
	gone "$pa" "$pb"
}

run_tests
