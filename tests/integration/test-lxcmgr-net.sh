#!/usr/bin/env bash
# lxcmgr-net, the managed bridge, with a bridge name, subnet, lease and run
# directory of the test's own and without touching net.ipv4.ip_forward:
# start, status, stop are idempotent and undo each other; a busybox
# container on the bridge gets a DHCP lease and the bridge as its router
# and DNS server.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
A=lxcmgr-test-lnet
NETTOOL=$top_srcdir/tools/lxcmgr-net

# The bridge is lxcmgr-net's to make: a name only, removed at cleanup with
# dnsmasq and the NAT table whatever happens.
setup() {
	net_test_managed_needs || return 1
	BR=$(net_test_ifname mbr)
	NET=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
	net_test_managed_conf
	echo "$BR" >> "$T/links"
}
net() { "$NETTOOL" -c "$T/net.conf" "$@"; }
table() { echo "lxcmgr_net_$BR"; }
nat_present() {
	if command -v nft > /dev/null; then nft list table ip "$(table)" > /dev/null 2>&1
	else iptables -t nat -S POSTROUTING | grep -q -- "--comment $(table)"; fi
}

test_start_status_stop_are_idempotent() {
	setup || return 0
	local out
	out=$(net status) && fail "status before start: exit 0 ($out)"
	assert_contains "$out" "$BR is down" "status before start"
	net start
	net start
	out=$(net status) || fail "status after start: $out"
	assert_contains "$out" "$BR is up ($NET.1/24" "status after start"
	assert_contains "$(ip -4 addr show dev "$BR")" "inet $NET.1/24" "address of $BR"
	nat_present || fail "no NAT table or rule for $BR"
	assert_eq "$(grep -c . "$T/net-run/$BR/dnsmasq.pid")" 1 "dnsmasq pid file"
	local pid
	pid=$(cat "$T/net-run/$BR/dnsmasq.pid")
	net start
	assert_eq "$(cat "$T/net-run/$BR/dnsmasq.pid")" "$pid" "dnsmasq after a second start"
	net stop
	net stop
	ip link show "$BR" > /dev/null 2>&1 && fail "$BR is still there after stop"
	nat_present && fail "NAT for $BR is still there after stop"
	# Gone, or a zombie waiting for the reaper it was handed to.
	case $(sed 's/.*) //' "/proc/$pid/stat" 2> /dev/null | cut -c1) in
	""|Z) ;;
	*) fail "dnsmasq (pid $pid) still runs after stop" ;;
	esac
	out=$(net status) && fail "status after stop: exit 0"
	return 0
}

test_a_busybox_container_gets_a_lease() {
	setup || return 0
	net start
	lxc_create -P "$(P)" -n $A -t busybox > /dev/null
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $BR" "lxc.net.0.flags = up" \
		"lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" >> "$(P)/$A/config"
	lxc_start -P "$(P)" -n $A
	# Bounded wait for the lease (udhcpc retries after 5 s when its first
	# two requests go unanswered).
	local ip="" i
	for i in $(seq 100); do
		ip=$(lxc_info -P "$(P)" -n $A -i | awk '/IP:/ && $2 ~ /^'"$NET"'\./ {print $2}')
		[ -n "$ip" ] && break
		sleep 0.1
	done
	[ -n "$ip" ] || { fail "no address from $NET.0/24 within 10 s: $(lxc_info -P "$(P)" -n $A -i)"; return 1; }
	local mac
	mac=$(awk -F' = ' '$1 == "lxc.net.0.hwaddr" {print $2}' "$(P)/$A/config")
	assert_contains "$(cat "$T/net-state/$BR.leases")" "$mac $ip $A" "lease file"
	assert_contains "$(lxc_attach -P "$(P)" -n $A -- ip route)" "default via $NET.1 dev eth0" \
		"routes in $A"
	assert_contains "$(lxc_attach -P "$(P)" -n $A -- cat /etc/resolv.conf)" "nameserver $NET.1" \
		"resolv.conf in $A"
	lxc_attach -P "$(P)" -n $A -- ping -c 1 -W 2 $NET.1 > /dev/null || fail "$A cannot ping $NET.1"
	lxc_stop -P "$(P)" -n $A -k
	net stop
}

run_tests
