#!/usr/bin/env bash
# lxc-ls: names, the -f table, -F columns, the filters, JSON, and that one
# broken or half-made container does not hide the others.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }

# mk NAME [CONFIG-LINE...]: a container made by lxc-create -t none, with the
# lines appended to its config.
mk() {
	local name=$1
	shift
	lxc_create -P "$(P)" -n "$name" -t none > /dev/null
	[ $# -eq 0 ] || printf '%s\n' "$@" >> "$(P)/$name/config"
}

# Three containers with what -f shows set differently.
mk_three() {
	mk lxcmgr-test-a "lxc.start.auto = 1" "lxc.group = onboot" "lxc.group = web" \
		"lxc.idmap = u 0 100000 65536" "lxc.idmap = g 0 100000 65536"
	mk lxcmgr-test-b "lxc.group = web"
	mk lxcmgr-test-c "lxc.start.auto = 0"
}

test_plain_list_is_sorted_one_per_line_when_not_a_terminal() {
	mk lxcmgr-test-c
	mk lxcmgr-test-a
	mk lxcmgr-test-b
	assert_eq "$(lxc_ls -P "$(P)")" $'lxcmgr-test-a\nlxcmgr-test-b\nlxcmgr-test-c' "lxc-ls"
	assert_eq "$(lxc_ls -1 -P "$(P)")" $'lxcmgr-test-a\nlxcmgr-test-b\nlxcmgr-test-c' "lxc-ls -1"
	assert_eq "$(lxc_ls --line -P "$(P)" -n ignored)" $'lxcmgr-test-a\nlxcmgr-test-b\nlxcmgr-test-c' \
		"lxc-ls --line -n ignored"
}

test_names_fill_the_terminal_width_and_1_keeps_one_per_line() {
	command -v script > /dev/null || { skip "script(1) is not installed"; return 0; }
	mk lxcmgr-test-a
	mk lxcmgr-test-bb
	mk lxcmgr-test-c
	local out
	# 30 columns hold two 14-character names and a space, not three.
	out=$(script -qec "stty cols 30; '$LXCMGR_BUILD/tools/lxc-ls' -P '$(P)'" /dev/null | tr -d '\r')
	assert_eq "$out" $'lxcmgr-test-a  lxcmgr-test-bb\nlxcmgr-test-c' "names on a 30-column terminal"
	out=$(script -qec "stty cols 200; '$LXCMGR_BUILD/tools/lxc-ls' -1 -P '$(P)'" /dev/null | tr -d '\r')
	assert_eq "$out" $'lxcmgr-test-a\nlxcmgr-test-bb\nlxcmgr-test-c' "-1 on a terminal"
}

test_default_lxcpath_comes_from_the_system_config() {
	mk lxcmgr-test-a
	assert_eq "$(lxc_ls)" "lxcmgr-test-a" "lxc-ls without -P"
}

test_empty_or_missing_lxcpath_lists_nothing() {
	assert_eq "$(lxc_ls -P "$(P)")" "" "empty lxcpath"
	assert_eq "$(lxc_ls -f -P "$(P)")" "" "lxc-ls -f of an empty lxcpath (no header, as LXC)"
	assert_eq "$(lxc_ls --format=json -P "$(P)")" "[]" "json of an empty lxcpath"
	assert_eq "$(lxc_ls -P "$T/nowhere")" "" "missing lxcpath"
}

test_fancy_table_shows_autostart_groups_unprivileged() {
	mk_three
	local want
	want="NAME          STATE   AUTOSTART GROUPS      IPV4 IPV6 UNPRIVILEGED
lxcmgr-test-a STOPPED 1         onboot, web -    -    true
lxcmgr-test-b STOPPED 0         web         -    -    false
lxcmgr-test-c STOPPED 0         -           -    -    false"
	assert_eq "$(lxc_ls -f -P "$(P)")" "$want" "lxc-ls -f"
	assert_eq "$(lxc_ls --fancy -P "$(P)")" "$want" "lxc-ls --fancy"
}

test_fancy_format_picks_columns_in_any_case() {
	mk_three
	assert_eq "$(lxc_ls -F name,Pid,RAM,swap,interface,IPV4,ipv6,unprivileged -P "$(P)")" \
		"NAME          PID RAM SWAP INTERFACE IPV4 IPV6 UNPRIVILEGED
lxcmgr-test-a -   -   -    -         -    -    true
lxcmgr-test-b -   -   -    -         -    -    false
lxcmgr-test-c -   -   -    -         -    -    false" "-F with the runtime columns"
	assert_eq "$(lxc_ls --fancy-format=groups,NAME -P "$(P)")" "GROUPS      NAME
onboot, web lxcmgr-test-a
web         lxcmgr-test-b
-           lxcmgr-test-c" "--fancy-format=groups,NAME"
}

test_fancy_format_unknown_column_lists_the_valid_ones() {
	mk lxcmgr-test-a
	assert_fails lxc_ls -F name,bogus -P "$(P)"
	assert_contains "$err" '"bogus"'
	assert_contains "$err" "NAME, STATE, PID, RAM, SWAP, AUTOSTART, GROUPS, INTERFACE, IPV4, IPV6 and UNPRIVILEGED"
	assert_fails lxc_ls -F , -P "$(P)"
	assert_contains "$err" "at least one column"
}

test_filter_regex_as_option_or_argument() {
	mk lxcmgr-test-web1
	mk lxcmgr-test-web2
	mk lxcmgr-test-db
	assert_eq "$(lxc_ls -P "$(P)" --filter='web[0-9]$')" $'lxcmgr-test-web1\nlxcmgr-test-web2' "--filter"
	assert_eq "$(lxc_ls -P "$(P)" 'db')" "lxcmgr-test-db" "positional REGEX"
	assert_eq "$(lxc_ls -P "$(P)" -f '(db|web2)$' | cut -d' ' -f1)" $'NAME\nlxcmgr-test-db\nlxcmgr-test-web2' \
		"-f with an alternation"
	assert_eq "$(lxc_ls -P "$(P)" '^db')" "" "the regex is matched against the whole name"
}

test_bad_regex_and_two_regexes_are_errors() {
	mk lxcmgr-test-a
	assert_fails lxc_ls -P "$(P)" 'web('
	assert_contains "$err" 'invalid regular expression "web(": '
	assert_not_contains "$err" '"web(": (see' "regerror's text missing"
	assert_fails lxc_ls -P "$(P)" --filter=a b
	assert_contains "$err" "filter once"
	assert_fails lxc_ls -P "$(P)" a b
	assert_contains "$err" 'unexpected argument "b"'
}

test_groups_filter_needs_all_of_several() {
	mk_three
	mk lxcmgr-test-d "lxc.group = db"
	assert_eq "$(lxc_ls -P "$(P)" -g onboot)" "lxcmgr-test-a" "-g onboot"
	assert_eq "$(lxc_ls -P "$(P)" -g web)" $'lxcmgr-test-a\nlxcmgr-test-b' "-g web"
	assert_eq "$(lxc_ls -P "$(P)" --groups=onboot,web)" "lxcmgr-test-a" "--groups=onboot,web"
	assert_eq "$(lxc_ls -P "$(P)" --groups=db,onboot)" "" "--groups=db,onboot"
	assert_eq "$(lxc_ls -P "$(P)" -g nosuch)" "" "-g nosuch"
	assert_eq "$(lxc_ls -P "$(P)" -g web 'b$')" "lxcmgr-test-b" "-g with a REGEX"
}

test_state_filters() {
	mk_three
	local all=$'lxcmgr-test-a\nlxcmgr-test-b\nlxcmgr-test-c'
	assert_eq "$(lxc_ls -P "$(P)" --running)" "" "--running"
	assert_eq "$(lxc_ls -P "$(P)" --active)" "" "--active"
	assert_eq "$(lxc_ls -P "$(P)" --frozen)" "" "--frozen"
	assert_eq "$(lxc_ls -P "$(P)" --stopped)" "$all" "--stopped"
	assert_eq "$(lxc_ls -P "$(P)" --defined)" "$all" "--defined"
	assert_eq "$(lxc_ls -P "$(P)" --stopped --running)" "" "--stopped --running"
	assert_eq "$(lxc_ls -P "$(P)" -f --stopped -g onboot | tail -n +2 | cut -d' ' -f1)" \
		"lxcmgr-test-a" "-f --stopped -g onboot"
}

test_json_is_valid_and_holds_every_column() {
	command -v python3 > /dev/null || { skip "python3 is not installed"; return 0; }
	mk_three
	# A group name may hold quotes and backslashes; the JSON must escape them.
	printf '%s\n' 'lxc.group = we"ird\g' >> "$(P)/lxcmgr-test-c/config"
	lxc_ls -P "$(P)" --format=json -F name > "$T/out.json"
	python3 - "$T/out.json" <<'EOF' || fail "JSON check failed: $(cat "$T/out.json")"
import json, sys
rows = json.load(open(sys.argv[1]))
keys = ["name", "state", "pid", "ram", "swap", "autostart", "groups", "interface",
        "ipv4", "ipv6", "unprivileged"]
assert [list(r) for r in rows] == [keys] * 3, rows
assert [r["name"] for r in rows] == ["lxcmgr-test-a", "lxcmgr-test-b", "lxcmgr-test-c"]
assert all(r["state"] == "STOPPED" for r in rows)
assert [r["autostart"] for r in rows] == [True, False, False]
assert [r["unprivileged"] for r in rows] == [True, False, False]
assert [r["groups"] for r in rows] == [["onboot", "web"], ["web"], ['we"ird\\g']], rows
for k in ("pid", "ram", "swap", "interface", "ipv4", "ipv6"):
    assert all(r[k] is None for r in rows), k
EOF
	assert_fails lxc_ls -P "$(P)" --format=yaml
	assert_contains "$err" 'unknown format "yaml"'
	assert_eq "$(lxc_ls -P "$(P)" --format=table)" $'lxcmgr-test-a\nlxcmgr-test-b\nlxcmgr-test-c' \
		"--format=table"
}

test_half_made_container_is_not_listed() {
	mk lxcmgr-test-a
	mkdir -p "$(P)/lxcmgr-test-half/rootfs"
	printf 'lxc.rootfs.path = dir:%s\n' "$(P)/lxcmgr-test-half/rootfs" > "$(P)/lxcmgr-test-half/config"
	: > "$(P)/lxcmgr-test-half/partial"
	mkdir -p "$(P)/lxcmgr-test-noconfig"
	assert_eq "$(lxc_ls -P "$(P)")" "lxcmgr-test-a" "lxc-ls"
	assert_not_contains "$(lxc_ls -P "$(P)" -f --format=json)" "half" "lxc-ls --format=json"
	assert_not_contains "$(lxc_ls -P "$(P)" -f)" "half" "lxc-ls -f"
}

test_broken_config_is_reported_and_others_still_listed() {
	mk lxcmgr-test-a
	mk lxcmgr-test-b "lxc.tty.max = x"
	mk lxcmgr-test-c
	local line out rc=0
	line=$(grep -n '^lxc.tty.max = x$' "$(P)/lxcmgr-test-b/config" | cut -d: -f1)
	out=$(lxc_ls -P "$(P)" -f 2> "$T/err") || rc=$?
	assert_eq "$rc" 1 "exit status"
	assert_eq "$(cut -d' ' -f1 <<< "$out")" $'NAME\nlxcmgr-test-a\nlxcmgr-test-c' "containers listed"
	assert_eq "$(cat "$T/err")" \
		"lxc-ls: lxcmgr-test-b: $(P)/lxcmgr-test-b/config:$line: lxc.tty.max: \"x\" is not a non-negative integer" \
		"stderr"
	# Plain listing and a filter that leaves the broken one out.
	rc=0
	out=$(lxc_ls -P "$(P)" 2> /dev/null) || rc=$?
	assert_eq "$rc/$out" $'1/lxcmgr-test-a\nlxcmgr-test-c' "plain listing"
	assert_eq "$(lxc_ls -P "$(P)" 'a$' 2>&1)" "lxcmgr-test-a" "a REGEX that skips the broken one"
}

test_container_made_by_lxc_is_listed() {
	[ -x /usr/bin/lxc-create ] || { skip "/usr/bin/lxc-create (LXC) is not installed"; return 0; }
	if ! /usr/bin/lxc-create -P "$T/lxc" -n lxcmgr-test-real -t none > "$T/lxc.out" 2>&1; then
		skip "LXC's lxc-create -t none failed: $(tail -n 1 "$T/lxc.out")"
		return 0
	fi
	printf '%s\n' "lxc.group = real" >> "$T/lxc/lxcmgr-test-real/config"
	assert_eq "$(lxc_ls -P "$T/lxc")" "lxcmgr-test-real" "lxc-ls -P of LXC's lxcpath"
	assert_eq "$(lxc_ls -P "$T/lxc" -F name,state,groups | tail -n 1)" \
		"lxcmgr-test-real STOPPED real" "lxc-ls -F of LXC's container"
	if [ -x /usr/bin/lxc-ls ]; then
		assert_eq "$(lxc_ls -P "$T/lxc")" "$(/usr/bin/lxc-ls -1 -P "$T/lxc" | sed 's/ *$//')" \
			"the same names as LXC's lxc-ls"
	fi
}

test_nesting_is_refused() {
	mk lxcmgr-test-a
	assert_fails lxc_ls -P "$(P)" --nesting
	assert_contains "$err" "not supported yet"
	assert_fails lxc_ls -P "$(P)" --nesting=2
	assert_contains "$err" "not supported yet"
}

run_tests
