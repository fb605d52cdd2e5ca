#!/bin/bash
# templates/lxc-debian: cached creates over an overlay, what each container
# gets of its own, a systemd boot to "running" under debian.seccomp without
# a network device and on a managed bridge of the test's own (lxcmgr-net:
# DHCP, DNS, NAT), apt-get install inside, a login as root without a
# password on the console and tty1 (tmux), a clean stop, -B dir, cache
# versions, the host's apt proxy, and the errors.
#
# The debootstrap cache: $LXCMGR_TEST_CACHE_DIR, default
# /var/tmp/lxcmgr-test-cache (the tests' own, never /var/cache/lxcmgr that
# users' containers stand on). The first test that needs it builds it (a few
# minutes, once per machine; the template's flock makes concurrent runs
# wait for one build); later runs reuse it. Tests never refresh it: the one
# about versions works on a private cache of its own. When the cache is
# missing and the mirror cannot be reached, the tests are skipped saying so.
. "$(dirname "$0")/../lib.sh"

CACHE=${LXCMGR_TEST_CACHE_DIR:-/var/tmp/lxcmgr-test-cache}
export LXCMGR_CACHE_DIR=$CACHE
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
KEYDIR=$CACHE/debian/bookworm-$ARCH
MIRROR=http://deb.debian.org/debian

cache_ready() { [ -d "$KEYDIR/current/rootfs" ]; }

# need_cache: skip (returning 1) when there is no cache and no way to build
# one; otherwise 0 (the create builds it if need be).
need_cache() {
	need_root || return 1
	command -v debootstrap >/dev/null || { skip "debootstrap is not installed (scripts/install-deps)"; return 1; }
	cache_ready && return 0
	local m
	m=$(awk '/^(URIs:|deb )/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null)
	timeout 20 wget -q --spider "${m:-$MIRROR}/dists/bookworm/Release" 2>/dev/null && return 0
	skip "no bookworm cache in $CACHE and debootstrap cannot reach ${m:-$MIRROR}"
	return 1
}

# make_deb NAME [LXC-CREATE-ARG...] [-- TEMPLATE-ARG...]
make_deb() {
	local name=$1; shift
	out=$(lxc_create -P "$T/lxcpath" -n "$name" -t debian "$@" 2>&1) ||
		{ fail "lxc-create -t debian $*: $out"; return 1; }
}

upper() { echo "$T/lxcpath/$1/delta0"; }
lower_of() { sed -n 's/^lxc.rootfs.path = overlay:\(.*\):[^:]*$/\1/p' "$T/lxcpath/$1/config"; }

test_cached_create_is_an_overlay_of_its_own() {
	need_cache || return 0
	make_deb lxcmgr-test-d1
	cfg=$(cat "$T/lxcpath/lxcmgr-test-d1/config")
	ver=$(readlink "$KEYDIR/current")
	assert_contains "$cfg" "lxc.rootfs.path = overlay:$KEYDIR/$ver/rootfs:$T/lxcpath/lxcmgr-test-d1/delta0"
	assert_contains "$cfg" "lxc.include = $top_srcdir/config/debian.common.conf"
	assert_contains "$cfg" "lxc.uts.name = lxcmgr-test-d1"
	assert_contains "$cfg" "lxc.seccomp.profile = $top_srcdir/config/debian.seccomp"
	[ -d "$T/lxcpath/lxcmgr-test-d1/olwork" ] || fail "no olwork beside delta0"
	# The container's own layer holds only its own files: a few KiB.
	kib=$(du -sk "$(upper lxcmgr-test-d1)" | cut -f1)
	[ "$kib" -lt 5120 ] || fail "the container's layer is ${kib} KiB, expected under 5 MiB"
	u=$(upper lxcmgr-test-d1)
	assert_eq "$(cat "$u/etc/hostname")" lxcmgr-test-d1 "/etc/hostname"
	assert_contains "$(cat "$u/etc/hosts")" "127.0.1.1	lxcmgr-test-d1"
	grep -Eqx '[0-9a-f]{32}' "$u/etc/machine-id" || fail "machine-id: $(cat "$u/etc/machine-id")"
	[ -s "$u/etc/ssh/ssh_host_ed25519_key" ] || fail "no ed25519 host key in the container's layer"
	assert_eq "$(stat -c %a "$u/etc/ssh/ssh_host_ed25519_key")" 600 "host key mode"
	# The cache holds none of it.
	l=$(lower_of lxcmgr-test-d1)
	ls "$l"/etc/ssh/ssh_host_* >/dev/null 2>&1 && fail "ssh host keys in the cache: $(ls "$l"/etc/ssh)"
	[ ! -s "$l/etc/machine-id" ] || fail "a machine-id in the cache: $(cat "$l/etc/machine-id")"
	# A second container: another machine-id and other host keys.
	make_deb lxcmgr-test-d2
	u2=$(upper lxcmgr-test-d2)
	[ "$(cat "$u/etc/machine-id")" != "$(cat "$u2/etc/machine-id")" ] || fail "two containers share a machine-id"
	cmp -s "$u/etc/ssh/ssh_host_ed25519_key" "$u2/etc/ssh/ssh_host_ed25519_key" &&
		fail "two containers share an ssh host key"
	return 0
}

# wait_running NAME: systemctl is-system-running --wait, bounded; $state.
# Right after lxc-start, systemd may not listen on its socket yet.
wait_running() {
	state=$(lxc_attach -P "$T/lxcpath" -n "$1" -- timeout 120 sh -c \
		'until [ -S /run/systemd/private ]; do sleep 0.1; done
		 systemctl is-system-running --wait' 2>&1) || :
}

test_boots_systemd_to_running_and_stops_cleanly() {
	need_cache || return 0
	make_deb lxcmgr-test-boot
	echo "lxc.console.logfile = $T/console.log" >> "$T/lxcpath/lxcmgr-test-boot/config"
	lxc_start -P "$T/lxcpath" -n lxcmgr-test-boot || { fail "lxc-start failed"; return 1; }
	wait_running lxcmgr-test-boot
	if [ "$state" != running ]; then
		failed=$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- systemctl --failed --no-legend --plain 2>&1) || :
		fail "systemctl is-system-running: expected 'running', saw '$state'; failed units: $failed"
		return 1
	fi
	# Under debian.seccomp: the host's disks out of reach as in a busybox
	# container (no block device node, no mount without nodev), and no
	# mount namespace (systemd runs its services without one).
	in_boot() { lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- "$@"; }
	assert_contains "$(in_boot grep Seccomp: /proc/1/status)" "2" "seccomp mode of init"
	assert_fails in_boot mknod /tmp/lxcmgr-test-blk b 8 0
	assert_contains "$err" "Operation not permitted" "mknod of a block device"
	assert_fails in_boot mount -t tmpfs lxcmgr-test /mnt
	assert_contains "$err" "permission denied" "a mount without nodev"
	assert_fails in_boot unshare -m true
	assert_contains "$err" "Operation not permitted" "unshare -m"
	in_boot mount -t tmpfs -o nodev lxcmgr-test /mnt || fail "a nodev tmpfs mount was refused"
	assert_contains "$(in_boot findmnt -n -o OPTIONS /dev/hugepages)" "nodev" "/dev/hugepages"
	# systemd's own cgroups: on a hybrid host in the name=systemd hierarchy
	# (cgroup:mixed mounts it), on a cgroup2 host in the unified one.
	cg=$(in_boot cat /proc/1/cgroup)
	if grep -q ':name=systemd:' /proc/self/cgroup; then
		assert_contains "$cg" ":name=systemd:/init.scope" "init's cgroups"
		assert_eq "$(in_boot stat -f -c %T /sys/fs/cgroup/systemd)" cgroupfs \
			"/sys/fs/cgroup/systemd in the container"
	else
		assert_contains "$cg" "0::/init.scope" "init's cgroups"
	fi
	# No network device but loopback, and boot did not wait for one.
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- ls /sys/class/net)" lo "network devices"
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- hostname)" lxcmgr-test-boot "hostname"
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- systemctl is-active systemd-networkd console-getty getty@tty1 getty@tty4 ssh | tr '\n' ' ')" \
		"active active active active active " "units"
	ttys=$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- ps -o tty= -C agetty | sort | tr '\n' ' ')
	assert_eq "$ttys" "lxc/console lxc/tty1 lxc/tty2 lxc/tty3 lxc/tty4 " "agetty ttys"
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-boot -- cat /etc/timezone)" "$(cat /etc/timezone 2>/dev/null || echo Etc/UTC)" "time zone"
	# The login prompt reaches the console (agetty may print it after
	# systemd reports running).
	for _ in $(seq 300); do grep -q "lxcmgr-test-boot login:" "$T/console.log" && break; sleep 0.1; done
	grep -q "lxcmgr-test-boot login:" "$T/console.log" || fail "no login prompt on the console: $(tail -n 5 "$T/console.log")"
	# lxc-stop: SIGRTMIN+3, an orderly halt by systemd, within lxc-stop's timeout.
	lxc_stop -P "$T/lxcpath" -n lxcmgr-test-boot || fail "lxc-stop failed"
	assert_contains "$(lxc_info -P "$T/lxcpath" -n lxcmgr-test-boot -s)" STOPPED "state after lxc-stop"
	grep -q "Reached target.*System Halt\|Halting system" "$T/console.log" ||
		fail "systemd did not halt in order: $(tail -n 5 "$T/console.log")"
}

# deb_running NAME [bridge]: a new Debian container (on $BR with "bridge"),
# started and waited for until systemd says running, or failing with what
# it says and which units failed.
deb_running() {
	make_deb "$1" || return 1
	[ "${2:-}" != bridge ] || net_test_put_on_bridge "$T/lxcpath/$1/config"
	lxc_start -P "$T/lxcpath" -n "$1" || { fail "lxc-start $1 failed"; return 1; }
	wait_running "$1"
	[ "$state" = running ] && return 0
	local failed
	failed=$(lxc_attach -P "$T/lxcpath" -n "$1" -- systemctl --failed --no-legend --plain 2>&1) || :
	fail "$1${2:+ on $BR}: systemctl is-system-running: expected 'running', saw '$state'; failed units: $failed"
	return 1
}

# lease_of NAME: waits (bounded: systemd says running before networkd has
# its lease) for an address from $NET on eth0 of NAME; $ip.
lease_of() {
	local i
	ip=
	for i in $(seq 200); do
		ip=$(lxc_info -P "$T/lxcpath" -n "$1" -i | awk '/IP:/ && $2 ~ /^'"$NET"'\./ { print $2 }')
		[ -n "$ip" ] && return 0
		sleep 0.1
	done
	fail "no address from $NET.0/24 on $1 within 20 s: $(lxc_info -P "$T/lxcpath" -n "$1" -i)"
	return 1
}

test_boots_to_running_on_the_managed_bridge() {
	need_cache || return 0
	net_test_managed || return 0
	deb_running lxcmgr-test-br bridge || return 1
	lease_of lxcmgr-test-br
	in_br() { lxc_attach -P "$T/lxcpath" -n lxcmgr-test-br -- "$@"; }
	# dnsmasq's lease, with the container's name; the bridge as router
	# and as DNS server (through systemd-resolved).
	mac=$(awk -F' = ' '$1 == "lxc.net.0.hwaddr" { print $2 }' "$T/lxcpath/lxcmgr-test-br/config")
	assert_contains "$(cat "$T/net-state/$BR.leases")" "$mac $ip lxcmgr-test-br" "lease file"
	assert_contains "$(in_br ip route)" "default via $NET.1 dev eth0" "routes inside"
	assert_contains "$(in_br resolvectl dns eth0)" "$NET.1" "DNS servers of eth0"
	# A connection to dnsmasq's DNS port on the bridge (minbase has no ping).
	in_br timeout 10 bash -c "exec 3<> /dev/tcp/$NET.1/53" ||
		fail "the container cannot connect to $NET.1:53 (dnsmasq on $BR)"
	# Still running: nothing failed once the lease came.
	assert_eq "$(in_br systemctl is-system-running)" running "state after the lease"
	lxc_stop -P "$T/lxcpath" -n lxcmgr-test-br || fail "lxc-stop failed"
	assert_contains "$(lxc_info -P "$T/lxcpath" -n lxcmgr-test-br -s)" STOPPED "state after lxc-stop"
}

# The archive the cache's sources name (the host's, by default), as the
# container's apt would ask for it.
archive_url() {
	awk '$1 == "deb" && $3 !~ /-/ { print $2 "/dists/" $3 "/Release"; exit }' \
		"$KEYDIR/current/rootfs/etc/apt/sources.list"
}

test_apt_installs_a_package_through_the_bridge() {
	need_cache || return 0
	local url
	url=$(archive_url)
	[ -n "$url" ] || { fail "no deb line in the cache's sources.list"; return 1; }
	timeout 20 wget -q --spider "$url" 2>/dev/null ||
		{ skip "the host does not reach the archive ($url)"; return 0; }
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] ||
		{ skip "net.ipv4.ip_forward is 0 on this host (the test leaves it alone; lxcmgr-net start sets it)"; return 0; }
	net_test_managed || return 0
	deb_running lxcmgr-test-apt bridge || return 1
	lease_of lxcmgr-test-apt
	in_apt() { lxc_attach -P "$T/lxcpath" -n lxcmgr-test-apt -- env DEBIAN_FRONTEND=noninteractive "$@"; }
	out=$(in_apt timeout 300 apt-get -q update 2>&1) || { fail "apt-get update inside: $(tail -n 3 <<< "$out")"; return 1; }
	out=$(in_apt timeout 300 apt-get -q install -y hello 2>&1) || { fail "apt-get install hello inside: $(tail -n 3 <<< "$out")"; return 1; }
	assert_eq "$(in_apt hello)" "Hello, world!" "hello, installed inside"
	# The files went to the container's own layer, not to the cache.
	[ -x "$(upper lxcmgr-test-apt)/usr/bin/hello" ] || fail "hello is not in the container's layer"
	[ ! -e "$(lower_of lxcmgr-test-apt)/usr/bin/hello" ] || fail "apt inside wrote to the cache"
}

# The host's apt proxy settings reach the container's apt.conf.d, but not
# one on the host's loopback (said, and left out). APT_CONFIG: a host
# configuration of the test's own, read by the template's apt-config.
test_host_apt_proxy_goes_into_the_container() {
	need_cache || return 0
	command -v apt-config > /dev/null || { skip "no apt-config on this host"; return 0; }
	printf '%s\n' 'Acquire::http::Proxy "http://192.0.2.9:3142/";' \
		'Acquire::http::Proxy::deb.example.org "DIRECT";' \
		'Acquire::https::Proxy "http://127.0.0.1:3142/";' > "$T/apt.conf"
	APT_CONFIG=$T/apt.conf make_deb lxcmgr-test-proxy
	assert_contains "$out" "not copying the host's apt proxy setting Acquire::https::Proxy \"http://127.0.0.1:3142/\": it is on the host's loopback"
	f=$(upper lxcmgr-test-proxy)/etc/apt/apt.conf.d/01lxcmgr-host-proxy
	[ -f "$f" ] || { fail "no $f"; return 1; }
	assert_contains "$(cat "$f")" 'Acquire::http::Proxy "http://192.0.2.9:3142/";'
	assert_contains "$(cat "$f")" 'Acquire::http::Proxy::deb.example.org "DIRECT";'
	assert_not_contains "$(cat "$f")" "127.0.0.1"
	# apt reads it as written: apt-config with the container's apt.conf.d.
	echo "Dir::Etc \"$(upper lxcmgr-test-proxy)/etc/apt/\";" > "$T/guest-apt.conf"
	assert_contains "$(APT_CONFIG=$T/guest-apt.conf apt-config dump 2>&1 | grep '^Acquire::http::Proxy')" \
		'Acquire::http::Proxy "http://192.0.2.9:3142/";' "apt-config with the container's apt.conf.d"
}

# tmux on a server of this test's own (socket under $T), killed at cleanup.
TM() { tmux -S "$T/tmux.sock" "$@"; }
screen() { TM capture-pane -p -t lxcmgr-test; }
keys() { TM send-keys -t lxcmgr-test "$@"; }
# console_pane ARGS: lxc-console ARGS in a 100x30 pane, then EXITED-<status>.
console_pane() {
	local cmd="clear; env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' '$LXCMGR_BUILD/tools/lxc-console' \
		-P '$T/lxcpath' $*; echo EXITED-\$?; sleep 600"
	if TM has-session -t lxcmgr-test 2> /dev/null; then
		TM respawn-pane -k -t lxcmgr-test "$cmd"
		TM clear-history -t lxcmgr-test
		return
	fi
	at_cleanup tmux -S "$T/tmux.sock" kill-server
	TM new-session -d -s lxcmgr-test -x 100 -y 30 "$cmd"
}
# wait_for TEXT: until the pane shows TEXT (bounded: 600 looks).
wait_for() {
	local i
	for i in $(seq 600); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	fail "the pane never showed '$1'; it shows: $(screen | grep -v '^$' | tail -n 8)"
	return 1
}

# The console (-t 0, console-getty) and tty 1 (getty@tty1): a login
# prompt, and root logs in with no password.
test_console_and_tty1_login_as_root_without_password() {
	need_cache || return 0
	command -v tmux > /dev/null || { skip "no tmux"; return 0; }
	local n=lxcmgr-test-login t
	deb_running $n || return 1
	for t in 0 1; do
		console_pane -n $n -t $t
		if [ $t = 0 ]; then wait_for "Connected to the console"; else wait_for "Connected to tty 1"; fi
		# Enter: agetty prints its prompt again (the first went out
		# before we connected).
		keys Enter
		wait_for "$n login:" || return 1
		keys root Enter
		wait_for "root@$n:~#" || return 1
		assert_not_contains "$(screen)" "Password:" "the login on tty $t"
		keys "echo logged-in-\$((6*7)) on \$(tty)" Enter
		if [ $t = 0 ]; then wait_for "logged-in-42 on /dev/lxc/console"; else wait_for "logged-in-42 on /dev/lxc/tty1"; fi
		keys exit Enter
		keys C-a q
		wait_for "EXITED-0"
	done
}

test_destroy_removes_only_the_containers_layer() {
	need_cache || return 0
	make_deb lxcmgr-test-gone
	l=$(lower_of lxcmgr-test-gone)
	before=$(ls "$l/etc" | wc -l)
	lxc_destroy -P "$T/lxcpath" -n lxcmgr-test-gone || fail "lxc-destroy failed"
	[ ! -e "$T/lxcpath/lxcmgr-test-gone" ] || fail "the container directory is left"
	[ -f "$l/etc/os-release" ] || fail "lxc-destroy touched the cache: no $l/etc/os-release"
	assert_eq "$(ls "$l/etc" | wc -l)" "$before" "files in the cache's /etc"
}

test_dir_backing_store_copies() {
	need_cache || return 0
	make_deb lxcmgr-test-dir -B dir
	cfg=$(cat "$T/lxcpath/lxcmgr-test-dir/config")
	assert_contains "$cfg" "lxc.rootfs.path = dir:$T/lxcpath/lxcmgr-test-dir/rootfs"
	r=$T/lxcpath/lxcmgr-test-dir/rootfs
	[ -x "$r/lib/systemd/systemd" ] || fail "no systemd in the copied rootfs"
	assert_eq "$(cat "$r/etc/hostname")" lxcmgr-test-dir "/etc/hostname"
	[ ! -e "$T/lxcpath/lxcmgr-test-dir/delta0" ] || fail "a dir container has an overlay layer"
}

# A new cache version is what new containers get; the containers made over
# the old one keep it. A private cache: v2 is v1 hard-linked plus a marker.
test_new_cache_version_leaves_existing_containers() {
	need_cache || return 0
	make_deb lxcmgr-test-warm  # the shared cache exists from here on
	local priv=$T/cache/debian/bookworm-$ARCH cur
	cur=$(readlink "$KEYDIR/current")
	mkdir -p "$priv/v1" "$priv/v2"
	cp -al "$KEYDIR/$cur/rootfs" "$priv/v1/rootfs" 2>/dev/null ||
		cp -a --reflink=auto "$KEYDIR/$cur/rootfs" "$priv/v1/rootfs"
	ln -s v1 "$priv/current"
	LXCMGR_CACHE_DIR=$T/cache make_deb lxcmgr-test-old
	cp -al "$priv/v1/rootfs" "$priv/v2/rootfs" 2>/dev/null || cp -a "$priv/v1/rootfs" "$priv/v2/rootfs"
	echo v2 > "$priv/v2/rootfs/etc/lxcmgr-test-version"
	ln -sfn v2 "$priv/current"
	LXCMGR_CACHE_DIR=$T/cache make_deb lxcmgr-test-new
	assert_eq "$(lower_of lxcmgr-test-old)" "$priv/v1/rootfs" "old container's lower layer"
	assert_eq "$(lower_of lxcmgr-test-new)" "$priv/v2/rootfs" "new container's lower layer"
	[ ! -e "$priv/v1/rootfs/etc/lxcmgr-test-version" ] || fail "v1 changed"
}

test_auth_key_and_passwordless_root() {
	need_cache || return 0
	echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO3test lxcmgr-test" > "$T/key.pub"
	make_deb lxcmgr-test-key -- --auth-key "$T/key.pub"
	u=$(upper lxcmgr-test-key)
	assert_eq "$(cat "$u/root/.ssh/authorized_keys")" "$(cat "$T/key.pub")" "authorized_keys"
	assert_eq "$(stat -c %a "$u/root/.ssh")" 700 "/root/.ssh mode"
	# Root has an empty password field in the cache (attach, console).
	grep -q '^root::' "$(lower_of lxcmgr-test-key)/etc/shadow" || fail "root has a password in the cache"
}

# debian.seccomp is config/common.seccomp and more: every rule of the
# default policy is in it, in the same order.
test_debian_policy_holds_every_default_rule() {
	rules() { sed -n '3,$p' "$1" | grep -Ev '^[[:space:]]*(#|$)'; }
	missing=$(rules "$top_srcdir/config/common.seccomp" | while IFS= read -r r; do
		rules "$top_srcdir/config/debian.seccomp" | grep -qxF -- "$r" || echo "$r"
	done)
	assert_eq "$missing" "" "rules of common.seccomp missing from debian.seccomp"
	assert_eq "$(sed -n 1,2p "$top_srcdir/config/debian.seccomp" | tr '\n' ' ')" "2 denylist " "policy header"
	in_order=$(rules "$top_srcdir/config/debian.seccomp" | grep -xF -f <(rules "$top_srcdir/config/common.seccomp"))
	assert_eq "$in_order" "$(rules "$top_srcdir/config/common.seccomp")" "order of the shared rules"
}

test_errors_leave_nothing() {
	need_root || return 0
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e1 -t debian -- -r 'bad name'
	assert_contains "$err" "lxc-debian: bad --release \"bad name\""
	[ ! -e "$T/lxcpath/lxcmgr-test-e1" ] || fail "a failed create left its directory"
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e2 -t debian -- --auth-key "$T/none.pub"
	assert_contains "$err" "reading --auth-key $T/none.pub: no such readable file"
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e3 -t debian -- --bogus
	assert_contains "$err" "lxc-debian: bad arguments"
	# -B overlay where the template makes no layers: said, and undone.
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e4 -t busybox -B overlay
	assert_contains "$err" "does not make overlay root file systems (use -B dir)"
	[ ! -e "$T/lxcpath/lxcmgr-test-e4" ] || fail "a failed create left its directory"
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e5 -t none -B overlay
	assert_contains "$err" "-B overlay needs a template"
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-e6 -t debian -B btrfs
	assert_contains "$err" "not supported yet (use -B dir or -B overlay)"
}

run_tests
