#!/bin/bash
# templates/lxc-debian: cached creates over an overlay, what each container
# gets of its own, a systemd boot to "running" without a network device, a
# clean stop, -B dir, cache versions, and the errors.
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
