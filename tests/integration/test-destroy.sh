#!/usr/bin/env bash
# lxc-destroy: hooks, safety (symlinks, mount points), broken configs, and
# containers made by real LXC.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }

test_destroy_removes_everything() {
	lxc_create -P "$(P)" -n lxcmgr-test-d -t busybox > /dev/null
	lxc_destroy -P "$(P)" -n lxcmgr-test-d
	assert_eq "$(ls -A "$(P)")" "" "left in the lxcpath"
}

test_missing_container_is_an_error_naming_the_lxcpath() {
	assert_fails lxc_destroy -P "$(P)" -n lxcmgr-test-nothere
	assert_contains "$err" "no container \"lxcmgr-test-nothere\" in \"$(P)\""
}

test_symlinks_in_the_rootfs_are_not_followed() {
	lxc_create -P "$(P)" -n lxcmgr-test-ln -t none
	mkdir -p "$T/host/dir"
	echo precious > "$T/host/file"
	echo precious > "$T/host/dir/inner"
	ln -s "$T/host/file" "$(P)/lxcmgr-test-ln/rootfs/filelink"
	ln -s "$T/host/dir" "$(P)/lxcmgr-test-ln/rootfs/dirlink"
	lxc_destroy -P "$(P)" -n lxcmgr-test-ln
	assert_eq "$(cat "$T/host/file")" precious "host file behind a symlink"
	assert_eq "$(cat "$T/host/dir/inner")" precious "host dir behind a symlink"
}

test_mount_point_inside_is_refused_before_removing_anything() {
	need_root || return 0
	lxc_create -P "$(P)" -n lxcmgr-test-mnt -t none
	mkdir -p "$T/host" "$(P)/lxcmgr-test-mnt/rootfs/data"
	echo precious > "$T/host/file"
	touch "$(P)/lxcmgr-test-mnt/rootfs/marker"
	mount --bind "$T/host" "$(P)/lxcmgr-test-mnt/rootfs/data"
	local rc=0
	lxc_destroy -P "$(P)" -n lxcmgr-test-mnt > "$T/out" 2>&1 || rc=$?
	umount "$(P)/lxcmgr-test-mnt/rootfs/data"
	[ "$rc" -ne 0 ] || fail "destroy went through a bind mount"
	assert_contains "$(cat "$T/out")" "is a mount point"
	assert_contains "$(cat "$T/out")" "unmount it"
	assert_eq "$(cat "$T/host/file")" precious "host file under the bind mount"
	[ -e "$(P)/lxcmgr-test-mnt/rootfs/marker" ] || fail "destroy removed files before refusing"
	lxc_destroy -P "$(P)" -n lxcmgr-test-mnt
}

test_destroy_hooks_get_lxc_arguments_and_environment() {
	cat > "$T/hook" <<'EOF'
#!/bin/sh
echo "args=$*" >> "$HOOK_OUT"
echo "name=$LXC_NAME config=$LXC_CONFIG_FILE rootfs=$LXC_ROOTFS_PATH type=${LXC_HOOK_TYPE:-}" >> "$HOOK_OUT"
EOF
	chmod +x "$T/hook"
	export HOOK_OUT="$T/hook.out"
	printf 'lxc.hook.destroy = %s extra-arg\n' "$T/hook" > "$T/v0.conf"
	lxc_create -P "$(P)" -n lxcmgr-test-h0 -t none -f "$T/v0.conf"
	lxc_destroy -P "$(P)" -n lxcmgr-test-h0
	local d="$(P)/lxcmgr-test-h0"
	assert_contains "$(cat "$HOOK_OUT")" "args=extra-arg lxcmgr-test-h0 lxc destroy"
	assert_contains "$(cat "$HOOK_OUT")" "name=lxcmgr-test-h0 config=$d/config rootfs=dir:$d/rootfs type="
	rm -f "$HOOK_OUT"
	printf 'lxc.hook.version = 1\nlxc.hook.destroy = %s\n' "$T/hook" > "$T/v1.conf"
	lxc_create -P "$(P)" -n lxcmgr-test-h1 -t none -f "$T/v1.conf"
	lxc_destroy -P "$(P)" -n lxcmgr-test-h1
	assert_contains "$(cat "$HOOK_OUT")" "args="$'\n'
	assert_contains "$(cat "$HOOK_OUT")" "type=destroy"
}

test_failing_destroy_hook_keeps_the_container() {
	printf '#!/bin/sh\necho "hook: backup failed" >&2\nexit 4\n' > "$T/hook"
	chmod +x "$T/hook"
	printf 'lxc.hook.destroy = %s\n' "$T/hook" > "$T/h.conf"
	lxc_create -P "$(P)" -n lxcmgr-test-hf -t none -f "$T/h.conf"
	assert_fails lxc_destroy -P "$(P)" -n lxcmgr-test-hf
	assert_contains "$err" "destroy hook"
	assert_contains "$err" "exit status 4: hook: backup failed"
	[ -f "$(P)/lxcmgr-test-hf/config" ] || fail "the container went despite the failed hook"
}

test_broken_config_needs_force() {
	lxc_create -P "$(P)" -n lxcmgr-test-broken -t none
	echo "lxc.tty.max = lots" >> "$(P)/lxcmgr-test-broken/config"
	assert_fails lxc_destroy -P "$(P)" -n lxcmgr-test-broken
	assert_contains "$err" "lxc.tty.max"
	assert_contains "$err" "lxc-destroy -f"
	lxc_destroy -P "$(P)" -n lxcmgr-test-broken -f
	[ ! -e "$(P)/lxcmgr-test-broken" ] || fail "-f did not remove it"
}

test_snapshots_option_is_accepted() {
	lxc_create -P "$(P)" -n lxcmgr-test-s -t none
	lxc_destroy -P "$(P)" -n lxcmgr-test-s -s
	[ ! -e "$(P)/lxcmgr-test-s" ] || fail "not removed"
}

test_unmanaged_rootfs_is_kept() {
	mkdir -p "$T/keep"
	echo data > "$T/keep/file"
	lxc_create -P "$(P)" -n lxcmgr-test-um -t none --dir="$T/keep"
	echo "lxc.rootfs.managed = 0" >> "$(P)/lxcmgr-test-um/config"
	lxc_destroy -P "$(P)" -n lxcmgr-test-um
	assert_eq "$(cat "$T/keep/file")" data "unmanaged rootfs content"
}

test_container_made_by_real_lxc() {
	[ -x /usr/bin/lxc-create ] || { skip "Debian's lxc is not installed (scripts/install-deps --test)"; return 0; }
	/usr/bin/lxc-create -P "$T/lxc" -n lxcmgr-test-real -t busybox > /dev/null 2>&1 ||
		{ fail "real lxc-create failed"; return 1; }
	assert_eq "$(lxc_ls -P "$T/lxc" -1)" "lxcmgr-test-real" "lxc-ls -P on LXC's lxcpath"
	lxc_destroy -P "$T/lxc" -n lxcmgr-test-real
	assert_eq "$(ls -A "$T/lxc")" "" "left after destroying LXC's container"
}

run_tests
