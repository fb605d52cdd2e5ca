#!/usr/bin/env bash
# Shipped hooks.
. "$(dirname "$0")/../lib.sh"

hook=$top_srcdir/hooks/clonehostname

test_clonehostname_renames_whole_words_only() {
	mkdir -p "$T/rootfs/etc"
	echo web.1 > "$T/rootfs/etc/hostname"
	printf '127.0.0.1 localhost\n127.0.1.1 web.1 webx1 web.10\n' > "$T/rootfs/etc/hosts"
	LXC_NAME=db LXC_SRC_NAME=web.1 LXC_ROOTFS_MOUNT="$T/rootfs" "$hook"
	assert_eq "$(cat "$T/rootfs/etc/hostname")" "db" "hostname"
	assert_eq "$(sed -n 2p "$T/rootfs/etc/hosts")" "127.0.1.1 db webx1 web.10" "hosts"
}

test_clonehostname_leaves_symlinks_alone() {
	mkdir -p "$T/rootfs/etc"
	echo web > "$T/outside"
	ln -s "$T/outside" "$T/rootfs/etc/hostname"
	LXC_NAME=db LXC_SRC_NAME=web LXC_ROOTFS_MOUNT="$T/rootfs" "$hook"
	assert_eq "$(cat "$T/outside")" "web" "file behind the symlink"
}

test_clonehostname_without_its_variables_says_so() {
	assert_fails env -u LXC_SRC_NAME "$hook" web lxc clone
	assert_contains "$err" "needs LXC_NAME, LXC_SRC_NAME and LXC_ROOTFS_MOUNT"
}

run_tests
