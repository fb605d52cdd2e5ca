#!/bin/bash
# templates/lxc-local and lxc-export: a busybox container exported, created
# again from the tarball and started; rootfs tarballs in every compression;
# hostile tarballs refused with the member named, and nothing left behind.
. "$(dirname "$0")/../lib.sh"

export LXCMGR_UNTAR_PATH=$LXCMGR_BUILD/tools/lxcmgr-untar
lxc_export() { "$LXCMGR_BUILD/tools/lxc-export" "$@"; }

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_UNTAR_PATH" ] || { skip "lxcmgr-untar not built (configure found no libtar)"; return 1; }
}

test_export_then_create_local_then_start() {
	need_tools || return 0
	lxc_create -P "$T/lxcpath" -n lxcmgr-test-src -t busybox
	echo "lxc.environment = LXCMGR_TEST_MARK=exported" >> "$T/lxcpath/lxcmgr-test-src/config"
	echo hello > "$T/lxcpath/lxcmgr-test-src/rootfs/root/mark"
	for ext in tar.xz tar.zst tar.gz tar; do
		lxc_export -P "$T/lxcpath" -n lxcmgr-test-src -o "$T/src.$ext" ||
			{ fail "lxc-export to .$ext failed"; return 1; }
		[ ! -e "$T/src.$ext.partial" ] || fail "a .partial file is left"
	done
	case $(od -An -tx1 -N4 "$T/src.tar.xz" | tr -d ' ') in fd377a58) ;; *) fail "src.tar.xz is not xz" ;; esac
	tar -tf "$T/src.tar" | head -n 1 | grep -qx config || fail "the first member is not the config: $(tar -tf "$T/src.tar" | head -n 3)"
	tar -tf "$T/src.tar" | grep -qx 'rootfs/bin/busybox' || fail "no rootfs/bin/busybox in the export"
	lxc_create -P "$T/lxcpath" -n lxcmgr-test-copy -t local -- --rootfs-tarball "$T/src.tar.xz" ||
		{ fail "lxc-create -t local failed"; return 1; }
	cfg=$(cat "$T/lxcpath/lxcmgr-test-copy/config")
	assert_contains "$cfg" "lxc.rootfs.path = dir:$T/lxcpath/lxcmgr-test-copy/rootfs"
	assert_not_contains "$cfg" "lxcmgr-test-src/rootfs"
	assert_contains "$cfg" "lxc.uts.name = lxcmgr-test-copy"
	assert_contains "$cfg" "lxc.environment = LXCMGR_TEST_MARK=exported"
	r=$T/lxcpath/lxcmgr-test-copy/rootfs
	assert_eq "$(cat "$r/root/mark")" hello "a file of the source"
	assert_eq "$(stat -c %a "$r/tmp")" 1777 "/tmp mode kept"
	[ "$r/bin/sh" -ef "$r/bin/busybox" ] || fail "hard links not kept: /bin/sh is not /bin/busybox"
	lxc_start -P "$T/lxcpath" -n lxcmgr-test-copy || { fail "lxc-start of the copy failed"; return 1; }
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-copy -- cat /root/mark)" hello "inside the copy"
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-copy -- hostname)" lxcmgr-test-copy "hostname"
	lxc_stop -P "$T/lxcpath" -n lxcmgr-test-copy -k
}

test_plain_rootfs_tarball_and_config() {
	need_tools || return 0
	lxc_create -P "$T/lxcpath" -n lxcmgr-test-bb -t busybox
	tar -C "$T/lxcpath/lxcmgr-test-bb/rootfs" --zstd -cf "$T/rootfs.tar.zst" .
	printf 'lxc.signal.halt = SIGINT\nlxc.tty.max = 2\n' > "$T/extra.conf"
	lxc_create -P "$T/lxcpath" -n lxcmgr-test-plain -t local -- \
		--rootfs-tarball "$T/rootfs.tar.zst" --config "$T/extra.conf" ||
		{ fail "lxc-create -t local from a plain rootfs tarball failed"; return 1; }
	assert_contains "$(cat "$T/lxcpath/lxcmgr-test-plain/config")" "lxc.tty.max = 2"
	[ -x "$T/lxcpath/lxcmgr-test-plain/rootfs/bin/busybox" ] || fail "no busybox unpacked"
	lxc_start -P "$T/lxcpath" -n lxcmgr-test-plain || { fail "lxc-start failed"; return 1; }
	assert_eq "$(lxc_attach -P "$T/lxcpath" -n lxcmgr-test-plain -- echo ok)" ok "attach"
	lxc_stop -P "$T/lxcpath" -n lxcmgr-test-plain -k
}

test_export_refuses_a_running_container() {
	need_tools || return 0
	lxc_create -P "$T/lxcpath" -n lxcmgr-test-run -t busybox
	lxc_start -P "$T/lxcpath" -n lxcmgr-test-run
	assert_fails lxc_export -P "$T/lxcpath" -n lxcmgr-test-run -o "$T/x.tar"
	assert_contains "$err" "is running (stop it first"
	[ ! -e "$T/x.tar" ] || fail "a tarball was written"
	lxc_stop -P "$T/lxcpath" -n lxcmgr-test-run -k
	assert_fails lxc_export -P "$T/lxcpath" -n lxcmgr-test-run -o "$T/x.zip"
	assert_contains "$err" "name it .tar, .tar.gz, .tar.xz or .tar.zst"
}

# hostile NAME WHY TAR-ARGS...: a tarball made by TAR-ARGS must be refused
# with WHY, naming the member, and the create must leave nothing.
hostile() {
	local name=$1 why=$2; shift 2
	tar -cf "$T/$name.tar" "$@" 2>/dev/null || { fail "making $name.tar"; return 1; }
	assert_fails lxc_create -P "$T/lxcpath" -n "lxcmgr-test-$name" -t local -- --rootfs-tarball "$T/$name.tar"
	assert_contains "$err" "$why" "$name"
	[ ! -e "$T/lxcpath/lxcmgr-test-$name" ] || fail "$name: the failed create left its directory"
}

test_hostile_tarballs_are_refused() {
	need_tools || return 0
	mkdir -p "$T/src/etc" "$T/out"
	echo x > "$T/src/etc/f"
	hostile abs "$T/src/etc/f: refused: an absolute path" -P "$T/src/etc/f"
	hostile dotdot "refused: a \"..\" component" -C "$T/src" -P ./etc/../etc/f
	ln -s ../../../etc/shadow "$T/src/etc/up"
	hostile symlink "etc/up: refused: a symbolic link to \"../../../etc/shadow\", out of the rootfs" -C "$T/src" ./etc/up
	rm "$T/src/etc/up"
	mknod "$T/src/sda" b 8 0
	hostile blockdev "sda: refused: a block device node 8:0" -C "$T/src" ./sda
	rm "$T/src/sda"
	mknod "$T/src/mem" c 1 1
	hostile chardev "mem: refused: a character device node 1:1" -C "$T/src" ./mem
	rm "$T/src/mem"
	# A hard link naming a path out of the archive.
	ln "$T/src/etc/f" "$T/src/etc/g"
	tar -C "$T/src" -cf "$T/hl.tar" ./etc/f ./etc/g
	python3 - "$T/hl.tar" 2>/dev/null <<'PY' || { skip "python3 is needed to forge a hard link member"; return 0; }
import sys, tarfile, io
t = tarfile.open(sys.argv[1] + ".x", "w", format=tarfile.GNU_FORMAT)
i = tarfile.TarInfo("etc/h"); i.type = tarfile.LNKTYPE; i.linkname = "../../etc/passwd"; t.addfile(i)
t.close()
PY
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-hl -t local -- --rootfs-tarball "$T/hl.tar.x"
	assert_contains "$err" "etc/h: refused: a hard link to \"../../etc/passwd\""
	# Harmless device nodes are unpacked; an empty or damaged file is said so.
	: > "$T/empty.tar"
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-empty -t local -- --rootfs-tarball "$T/empty.tar"
	assert_contains "$err" "lxcmgr-untar: $T/empty.tar: "
	head -c 3000 /dev/urandom | xz -c > "$T/junk.tar.xz" 2>/dev/null || true
	assert_fails lxc_create -P "$T/lxcpath" -n lxcmgr-test-junk -t local -- --rootfs-tarball "$T/junk.tar.xz"
	assert_contains "$err" "lxcmgr-untar: $T/junk.tar.xz: "
}

test_symlink_parent_is_not_followed() {
	need_tools || return 0
	# etc is a link to the host's /tmp-like place; a later member etc/x
	# must not be written through it.
	mkdir -p "$T/src" "$T/victim"
	ln -s "$T/victim" "$T/src/etc"
	mkdir -p "$T/src2/etc" && echo pwned > "$T/src2/etc/x"
	tar -C "$T/src" -cf "$T/link.tar" ./etc
	tar -C "$T/src2" -rf "$T/link.tar" ./etc/x
	mkdir -p "$T/rootfs"
	"$LXCMGR_UNTAR_PATH" "$T/link.tar" "$T/rootfs" 2>"$T/err" || true
	[ ! -e "$T/victim/x" ] || fail "a member was written through a symlink to $T/victim"
}

run_tests
