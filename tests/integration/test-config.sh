#!/usr/bin/env bash
# lxc-config and the system config.
. "$(dirname "$0")/../lib.sh"

test_list_names_every_key_once() {
	local keys
	keys=$(lxc_config -l)
	assert_contains "$keys" "lxc.lxcpath"
	assert_contains "$keys" "lxc.default_config"
	assert_contains "$keys" "lxc.cgroup.pattern"
	assert_eq "$(echo "$keys" | sort | uniq -d)" "" "duplicate keys"
	local k
	for k in $keys; do
		lxc_config "$k" > /dev/null || fail "lxc-config $k failed"
	done
}

test_values_come_from_lxc_conf() {
	printf 'lxc.lxcpath = %s/elsewhere\nlxc.cgroup.pattern = test.%%n\n' "$T" > "$T/etc/lxc.conf"
	assert_eq "$(lxc_config lxc.lxcpath)" "$T/elsewhere"
	assert_eq "$(lxc_config lxc.cgroup.pattern)" "test.%n"
}

test_defaults_without_lxc_conf() {
	rm -f "$T/etc/lxc.conf"
	assert_eq "$(lxc_config lxc.default_config)" "$T/etc/default.conf"
	assert_eq "$(lxc_config lxc.cgroup.pattern)" "lxcmgr.payload.%n"
}

test_lxcpath_option_wins() {
	assert_eq "$(lxc_config -P /srv/containers lxc.lxcpath)" "/srv/containers"
}

test_unknown_key_suggests() {
	assert_fails lxc_config lxc.lxpath
	assert_contains "$err" "did you mean lxc.lxcpath"
}

test_bad_system_config_names_file_and_line() {
	printf '# ok\nlxc.lxcpth = /x\n' > "$T/etc/lxc.conf"
	assert_fails lxc_config lxc.lxcpath
	assert_contains "$err" "$T/etc/lxc.conf:2: lxc.lxcpth: unknown system config key"
}

test_new_containers_use_the_system_lxcpath() {
	printf 'lxc.lxcpath = %s/sys-path\n' "$T" > "$T/etc/lxc.conf"
	lxc_create -n lxcmgr-test-sys -t none
	[ -f "$T/sys-path/lxcmgr-test-sys/config" ] || fail "container not under lxc.lxcpath"
	lxc_destroy -n lxcmgr-test-sys
}

test_every_tool_has_help_and_version() {
	local t
	for t in create destroy ls config checkconfig; do
		"lxc_$t" --help > "$T/help" || fail "lxc-$t --help failed"
		assert_contains "$(cat "$T/help")" "Usage: lxc-$t" "lxc-$t --help"
		assert_contains "$("lxc_$t" --version)" "lxc-$t " "lxc-$t --version"
	done
}

test_every_tool_has_a_man_page_that_renders() {
	command -v man > /dev/null || { skip "man is not installed"; return 0; }
	local t
	for t in lxc-create lxc-destroy lxc-ls lxc-config lxc-checkconfig lxcmgr.system.conf; do
		local page
		page=$(ls "$top_srcdir"/doc/"$t".[15] 2>/dev/null | head -n1)
		[ -n "$page" ] || { fail "no man page for $t"; return 1; }
		man -l "$page" > /dev/null 2>"$T/man.err" || fail "man -l $page failed"
		assert_eq "$(cat "$T/man.err")" "" "warnings rendering $t"
	done
	local gen="$LXCMGR_BUILD/doc/lxcmgr.container.conf.5"
	[ -f "$gen" ] || { fail "generated $gen is missing"; return 1; }
	assert_contains "$(man -l "$gen")" "lxc.net.N.ipv4.address" "generated key list"
}

run_tests
