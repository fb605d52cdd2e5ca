#!/bin/bash
# templates/lxc-busybox: the rootfs it builds, what it appends to the
# config, its boot script in private namespaces, its errors, and its use by
# Debian's real LXC. Nothing here starts a container.
. "$(dirname "$0")/../lib.sh"

TPL=$top_srcdir/templates/lxc-busybox
NAME=lxcmgr-test-bb

# make_ct [TEMPLATE-ARG...]: run the template on $T/c, whose config
# already holds some lines (as lxc-create leaves it). $r is the rootfs.
make_ct() {
	mkdir -p "$T/c"
	[ -e "$T/c/config" ] || printf '%s\n' '# prior content' 'lxc.net.0.type = empty' > "$T/c/config"
	r=$T/c/rootfs
	"$TPL" --path="$T/c" --name="$NAME" --rootfs="$r" "$@"
}

# has_link APPLET: a link for APPLET in one of the rootfs bin directories.
has_link() {
	local d
	for d in bin sbin usr/bin usr/sbin; do
		[ -L "$r/$d/$1" ] || [ -e "$r/$d/$1" ] && return 0
	done
	fail "no $1 applet in the rootfs"
}

# in_ns SCRIPT: run SCRIPT with sh in fresh net, uts, mount and pid
# namespaces, /dev bound into the rootfs. When SCRIPT ends, the pid
# namespace ends, and with it anything the boot script left running.
in_ns() {
	timeout 10 unshare -n -u -m -p --fork --kill-child \
		sh -c 'mount --bind /dev "$1/dev" && eval "$2"' sh "$r" "$1"
}

# one_line TEXT: error messages are a single "lxc-busybox: ..." line.
one_line() {
	assert_eq "$(printf '%s\n' "$1" | wc -l)" 1 "error line count"
	assert_contains "$1" "lxc-busybox: "
}

test_rootfs_layout() {
	make_ct
	[ -f "$r/bin/busybox" ] && [ -x "$r/bin/busybox" ] || fail "no executable /bin/busybox"
	case $(ldd "$r/bin/busybox" 2>&1) in
	*"not a dynamic executable"*|*"statically linked"*) ;;
	*) fail "/bin/busybox is not static: $(ldd "$r/bin/busybox" 2>&1)" ;;
	esac
	[ "$(readlink "$r/sbin/init")" = /bin/busybox ] || [ "$r/sbin/init" -ef "$r/bin/busybox" ] ||
		fail "/sbin/init does not lead to busybox"
	for a in sh getty login udhcpc ip mount; do has_link "$a"; done
	assert_eq "$(stat -c %a "$r/tmp")" 1777 "/tmp mode"
	[ -x "$r/etc/init.d/rcS" ] || fail "rcS not executable"
	[ -x "$r/usr/share/udhcpc/default.script" ] || fail "udhcpc script not executable"
	[ "$(readlink "$r/var/run")" = ../run ] || fail "/var/run is not a link to /run"
	for d in etc root home proc sys dev dev/pts run var/log mnt lib usr/bin usr/sbin; do
		[ -d "$r/$d" ] || fail "missing /$d"
	done
	assert_eq "$(cat "$r/etc/hostname")" "$NAME" "/etc/hostname"
	hosts=$(cat "$r/etc/hosts")
	assert_contains "$hosts" "127.0.0.1	localhost"
	assert_contains "$hosts" "127.0.1.1	$NAME"
	inittab=$(cat "$r/etc/inittab")
	assert_contains "$inittab" "::sysinit:/etc/init.d/rcS"
	grep -Eq '^[^#]*:respawn:/sbin/getty .*console' "$r/etc/inittab" || fail "no getty on console: $inittab"
	grep -Eq '^[^#]*:respawn:/sbin/getty .*tty1' "$r/etc/inittab" || fail "no getty on tty1: $inittab"
	assert_contains "$inittab" "::shutdown:"
	# lxc.signal.halt (SIGINT) runs the quick halt, not busybox's 2 s path.
	assert_contains "$inittab" "::ctrlaltdel:/etc/init.d/rcK halt"
	[ -x "$r/etc/init.d/rcK" ] || fail "/etc/init.d/rcK is not executable"
	assert_contains "$(cat "$r/etc/passwd")" "root:x:0:0:root:/root:/bin/sh"
	assert_contains "$(cat "$r/etc/shadow")" "root::"
	assert_eq "$(stat -c %a "$r/etc/shadow")" 600 "/etc/shadow mode"
	assert_contains "$(cat "$r/etc/group")" "root:x:0:"
	assert_contains "$(cat "$r/etc/profile")" "PATH="
	assert_contains "$(cat "$r/etc/profile")" "PS1="
}

test_config_appended_once() {
	make_ct
	cfg=$(cat "$T/c/config")
	assert_eq "$(sed -n 1,2p "$T/c/config")" "# prior content
lxc.net.0.type = empty" "prior config lines"
	assert_contains "$cfg" "# Written by the busybox template"
	for line in "lxc.rootfs.path = dir:$r" 'lxc.signal.halt = SIGINT' \
		'lxc.signal.reboot = SIGTERM' "lxc.uts.name = $NAME" 'lxc.autodev = 1' \
		'lxc.tty.max = 4' 'lxc.pty.max = 16' \
		'lxc.cap.drop = sys_module mac_admin mac_override sys_time sys_rawio' \
		'lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed' \
		'lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0' \
		'lxc.mount.entry = mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0' \
		'lxc.mount.entry = tmpfs run tmpfs nosuid,nodev,mode=0755 0 0'; do
		assert_eq "$(grep -cxF -- "$line" "$T/c/config")" 1 "count of '$line'"
	done
	assert_not_contains "$cfg" "lxc.mount.entry = /lib"
}

test_config_keeps_rootfs_path() {
	mkdir -p "$T/c"
	printf '%s\n' 'lxc.rootfs.path = dir:/elsewhere' 'lxc.net.0.type = empty' > "$T/c/config"
	make_ct
	assert_eq "$(grep -c 'lxc\.rootfs\.path' "$T/c/config")" 1 "lxc.rootfs.path lines"
	assert_eq "$(head -n 1 "$T/c/config")" 'lxc.rootfs.path = dir:/elsewhere' "first line"
	assert_eq "$(grep -cx 'lxc.signal.halt = SIGINT' "$T/c/config")" 1 "lxc.signal.halt lines"
}

test_rcs_returns_without_eth0() {
	need_root || return 0
	make_ct
	# A host name the manager set (here "lxcmgr-test-set") stays; only an
	# unset one ("localhost") is taken from /etc/hostname.
	out=$(in_ns 'hostname lxcmgr-test-set; chroot "$1" /bin/sh -c "/etc/init.d/rcS; echo rcS=\$?; hostname; ip link show lo"' 2>&1) ||
		fail "rcS did not come back within 10 s (status $?): $out"
	assert_contains "$out" "rcS=0"
	assert_contains "$out" "lxcmgr-test-set" "hostname set by the manager, after rcS"
	assert_contains "$out" ",UP" "lo after rcS"
	out=$(in_ns 'hostname localhost; chroot "$1" /bin/sh -c "/etc/init.d/rcS >/dev/null; hostname"' 2>&1)
	assert_contains "$out" "$NAME" "hostname from /etc/hostname when unset"
}

# The manager mounts /run (lxc.mount.entry); rcS mounts a tmpfs there only
# when nothing is, which it tells by the rootfs's /run/.unmounted showing.
test_rcs_mounts_run_only_when_nothing_is_mounted_there() {
	need_root || return 0
	make_ct
	[ -f "$r/run/.unmounted" ] || fail "no /run/.unmounted in the rootfs"
	out=$(in_ns 'chroot "$1" /bin/sh -c "/etc/init.d/rcS >/dev/null; grep \" /run \" /proc/mounts"' 2>&1)
	assert_contains "$out" "tmpfs /run tmpfs" "rcS's mount on an empty /run"
	out=$(in_ns 'mount -t tmpfs -o size=64k lxcmgr-test-run "$1/run" &&
		chroot "$1" /bin/sh -c "/etc/init.d/rcS >/dev/null; grep \" /run \" /proc/mounts"' 2>&1)
	assert_contains "$out" "lxcmgr-test-run /run tmpfs" "the manager's mount on /run"
	assert_eq "$(printf '%s\n' "$out" | grep -c ' /run ')" 1 "mounts on /run after rcS"
}

test_rcs_returns_with_eth0() {
	need_root || return 0
	make_ct
	out=$(in_ns 'ip link add eth0 type veth peer name eth1 || { echo NO_VETH; exit 0; }
		chroot "$1" /bin/sh -c "/etc/init.d/rcS; echo rcS=\$?
			pidof udhcpc >/dev/null && echo udhcpc-running; ip link show eth0"' 2>&1) ||
		fail "rcS did not come back within 10 s (status $?): $out"
	case $out in *NO_VETH*) skip "cannot create a veth pair here"; return 0 ;; esac
	assert_contains "$out" "rcS=0"
	assert_contains "$out" "udhcpc-running" "udhcpc left in the background"
	assert_contains "$out" ",UP" "eth0 after rcS"
}

test_root_login_without_password() {
	need_root || return 0
	command -v script >/dev/null || { skip "script(1) missing"; return 0; }
	make_ct
	# root's login shell reads ~/.profile: make it report and leave, so
	# the session ends by itself.
	printf '%s\n' 'echo "login-ok $(id -un)"; exit 0' > "$r/root/.profile"
	out=$(in_ns 'mount -t proc proc "$1/proc" &&
		script -qec "chroot $1 /bin/login root" /dev/null' < /dev/null 2>&1) ||
		fail "login did not finish within 10 s (status $?): $out"
	assert_not_contains "$out" "assword"
	assert_contains "$out" "login-ok root" "login as root"
}

# as_nobody [ENV=VAL...]: run the template as an unprivileged user on
# $T/c. Without chroot rights it makes the links as root of a user
# namespace of its own, or, when even that fails, in one busybox loop.
as_nobody() {
	chmod 755 "$T"
	mkdir -p "$T/c" && : > "$T/c/config" && chown -R 65534:65534 "$T/c"
	r=$T/c/rootfs
	env "$@" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TPL" --path="$T/c" --name="$NAME" --rootfs="$r"
	for a in sh getty udhcpc ip; do has_link "$a"; done
	[ "$r/sbin/init" -ef "$r/bin/busybox" ] || fail "/sbin/init is not busybox"
	assert_eq "$(stat -c %a "$r/tmp")" 1777 "/tmp mode"
	assert_eq "$(stat -c %u "$r/etc/passwd")" 65534 "owner of /etc/passwd"
}

test_unprivileged_run() {
	need_root || return 0
	command -v setpriv >/dev/null || { skip "setpriv missing"; return 0; }
	as_nobody
}

test_unprivileged_run_without_user_namespaces() {
	need_root || return 0
	command -v setpriv >/dev/null || { skip "setpriv missing"; return 0; }
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "unshare: refused by the test" >&2; exit 1\n' > "$T/bin/unshare"
	chmod 755 "$T/bin/unshare"
	as_nobody PATH="$T/bin:$PATH"
}

# --mapped-uid/gid are the caller's ids inside the container (LXC's
# meaning). From the initial namespace the manager shifts the rootfs through
# lxc.idmap afterwards, so the template leaves ownership alone; -1 (LXC's
# "not mapped") is accepted too.
test_mapped_ids_leave_ownership_to_the_manager() {
	need_root || return 0
	make_ct --mapped-uid=1000 --mapped-gid=1000
	assert_eq "$(stat -c %u:%g "$r/etc/passwd")" 0:0 "owner of /etc/passwd"
	assert_eq "$(stat -c %u:%g "$T/c/config")" 0:0 "owner of the config"
	rm -rf "$T/c"
	make_ct --mapped-uid -1 --mapped-gid -1
	assert_eq "$(stat -c %u:%g "$r/sbin/init")" 0:0 "owner of /sbin/init"
}

test_help() {
	out=$("$TPL" -h) || fail "-h exited non-zero"
	assert_contains "$out" "Usage:"
	assert_contains "$out" "--rootfs"
	out=$("$TPL" --help) || fail "--help exited non-zero"
	assert_contains "$out" "--busybox-path"
}

test_unknown_option() {
	mkdir -p "$T/c"
	assert_fails "$TPL" --path="$T/c" --name=x --rootfs="$T/c/rootfs" --bogus
	one_line "$err"
	assert_contains "$err" "bogus"
	[ ! -e "$T/c/rootfs" ] || fail "rootfs made despite the bad option"
}

test_missing_rootfs() {
	mkdir -p "$T/c"
	assert_fails "$TPL" --path="$T/c" --name=x
	one_line "$err"
	assert_contains "$err" "--rootfs"
}

test_space_separated_options() {
	mkdir -p "$T/c"
	r=$T/c/rootfs
	"$TPL" --path "$T/c" --name "$NAME" --rootfs "$r"
	assert_eq "$(cat "$r/etc/hostname")" "$NAME" "/etc/hostname"
}

test_dynamic_busybox_refused() {
	mkdir -p "$T/c"
	assert_fails "$TPL" --path="$T/c" --name=x --rootfs="$T/c/rootfs" --busybox-path=/bin/ls
	one_line "$err"
	assert_contains "$err" "dynamically linked"
	assert_contains "$err" "busybox-static"
	[ ! -e "$T/c/rootfs/sbin/init" ] && [ ! -L "$T/c/rootfs/sbin/init" ] ||
		fail "applets installed from a dynamic binary"
}

test_not_elf_refused() {
	mkdir -p "$T/c"
	assert_fails "$TPL" --path="$T/c" --name=x --rootfs="$T/c/rootfs" --busybox-path="$TPL"
	one_line "$err"
	assert_contains "$err" "not an ELF"
}

test_real_lxc_create() {
	need_root || return 0
	[ -x /usr/bin/lxc-create ] || { skip "/usr/bin/lxc-create missing"; return 0; }
	local rc=0 state
	/usr/bin/lxc-create -P "$T/lxc" -n lxcmgr-test-real -t "$TPL" > "$T/lxc.log" 2>&1 || rc=$?
	# LXC itself parses the config it now has (the container stays stopped).
	state=$(/usr/bin/lxc-info -P "$T/lxc" -n lxcmgr-test-real -s 2>&1) || true
	# LXC keeps lock files per lxcpath under /run/lxc/lock: drop ours.
	rm -rf "/run/lxc/lock${T:?}"
	[ $rc = 0 ] || fail "lxc-create failed ($rc): $(tail -n 5 "$T/lxc.log")"
	assert_contains "$state" "STOPPED" "lxc-info on the new container"
	[ -x "$T/lxc/lxcmgr-test-real/rootfs/bin/busybox" ] || fail "no busybox in the rootfs"
	cfg=$T/lxc/lxcmgr-test-real/config
	assert_eq "$(grep -c '^lxc\.rootfs\.path' "$cfg")" 1 "lxc.rootfs.path lines"
	assert_eq "$(grep -cx 'lxc.signal.halt = SIGINT' "$cfg")" 1 "lxc.signal.halt lines"
	assert_eq "$(grep -cx 'lxc.uts.name = lxcmgr-test-real' "$cfg")" 1 "lxc.uts.name lines"
}

# With lxc.idmap, LXC runs the template through lxc-usernsexec as the
# namespace's root and passes the caller's namespace ids: the rootfs must
# end up owned by the container's root (host 100000), not by the caller.
test_real_lxc_create_idmapped() {
	need_root || return 0
	[ -x /usr/bin/lxc-create ] || { skip "/usr/bin/lxc-create missing"; return 0; }
	local rc=0 rootfs=$T/lxc/lxcmgr-test-realu/rootfs
	printf '%s\n' 'lxc.net.0.type = empty' 'lxc.idmap = u 0 100000 65536' \
		'lxc.idmap = g 0 100000 65536' > "$T/idmap.conf"
	/usr/bin/lxc-create -P "$T/lxc" -n lxcmgr-test-realu -f "$T/idmap.conf" \
		-t "$TPL" > "$T/lxc.log" 2>&1 || rc=$?
	rm -rf "/run/lxc/lock${T:?}"
	[ $rc = 0 ] || fail "lxc-create failed ($rc): $(tail -n 5 "$T/lxc.log")"
	assert_eq "$(stat -c %u:%g "$rootfs/etc/passwd")" 100000:100000 "owner of /etc/passwd"
	assert_eq "$(stat -c %u:%g "$rootfs/sbin/init")" 100000:100000 "owner of /sbin/init"
	assert_eq "$(stat -c %a "$rootfs/tmp")" 1777 "/tmp mode"
}

run_tests
