# Shared helpers for the integration tests (bash). A test file defines
# functions named test_* and ends with `run_tests`. Each function is one TAP
# test: it passes when it returns 0, fails with the message given to `fail`,
# and is skipped (with a reason) by `skip REASON`.
#
# Environment, set by tests/run (defaults let a file run on its own):
#   LXCMGR_BUILD   build directory holding tools/ (default ../_build)
#   top_srcdir     source tree
# Each test gets a fresh $T (temporary directory) with:
#   $T/lxcpath     an empty lxcpath; pass -P "$T/lxcpath"
#   $T/etc         a private system config dir (LXCMGR_CONFIG_PATH), with
#                  lxc.conf and default.conf from config/
# Containers a test makes are named lxcmgr-test-*; all live under $T.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LXCMGR_BUILD=${LXCMGR_BUILD:-$top_srcdir/_build}
export LXCMGR_TEMPLATE_PATH=${LXCMGR_TEMPLATE_PATH:-$top_srcdir/templates}
# The attach server the monitors of the tests' containers start
# (lxc-attach's server path; LXCMGR_ATTACH_SERVER=0 makes it take its own).
export LXCMGR_ATTACHD_PATH=${LXCMGR_ATTACHD_PATH:-$LXCMGR_BUILD/tools/lxcmgr-attachd}
# What lxc-attach (the front, tools/lxc-attach-front.c) hands over to.
export LXCMGR_ATTACH_FULL_PATH=${LXCMGR_ATTACH_FULL_PATH:-$LXCMGR_BUILD/tools/lxc-attach-full}

# Tools from the build tree: lxc_create, lxc_ls, ... as functions.
for t in create destroy ls config checkconfig start stop info wait attach console; do
	eval "lxc_$t() { \"\$LXCMGR_BUILD/tools/lxc-$t\" \"\$@\"; }"
done

# The test runs in a subshell with `set -e`; fail and skip record their
# message in files beside $T. After `skip REASON`, return from the test.
fail() { printf '%s\n' "$*" >> "$T.fail"; return 1; }
skip() { printf '%s\n' "$*" > "$T.skip"; return 0; }
need_root() { [ "$(id -u)" = 0 ] || { skip "needs root"; return 1; }; }   # use: need_root || return 0

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', saw '$1'"
}
# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
	case "$1" in *"$2"*) return 0 ;; esac
	fail "${3:-output}: expected to contain '$2', saw '$1'"
}
assert_not_contains() {
	case "$1" in *"$2"*) fail "${3:-output}: expected not to contain '$2', saw '$1'" ;; esac
	return 0
}
# assert_fails CMD...: the command must exit non-zero; its stderr is in $err.
assert_fails() {
	if err=$("$@" 2>&1 >/dev/null); then
		fail "expected failure from: $*"
		return 1
	fi
	return 0
}

_setup_test_env() {
	T=$(mktemp -d /tmp/lxcmgr-test.XXXXXX)
	mkdir -p "$T/lxcpath" "$T/etc"
	printf 'lxc.lxcpath = %s\n' "$T/lxcpath" > "$T/etc/lxc.conf"
	# The shipped network (the managed bridge) is the host's; tests make
	# their own bridges and start with loopback only.
	sed '/^lxc\.net\./d' "$top_srcdir/config/default.conf" > "$T/etc/default.conf"
	echo 'lxc.net.0.type = empty' >> "$T/etc/default.conf"
	printf 'lxc.default_config = %s\n' "$T/etc/default.conf" >> "$T/etc/lxc.conf"
	# Container cgroups go below the test's own cgroup, in a directory of
	# this test's (containers made with -f FILE set these themselves).
	printf 'lxc.cgroup.relative = 1\nlxc.cgroup.dir = %s\n' "$(_test_cgroup_dir)" \
		>> "$T/etc/default.conf"
	export LXCMGR_CONFIG_PATH="$T/etc"
	export LXCMGR_RUNTIME_PATH="$T/run"
}

_test_cgroup_dir() { echo "lxcmgr-test-${T##*.}"; }

# Removes this test's cgroup directory (made by its containers' starts) from
# every hierarchy; rmdir leaves it if something still uses it.
_remove_test_cgroups() {
	local line ctrl path mnt
	while IFS= read -r line; do
		ctrl=${line#*:}; ctrl=${ctrl%%:*}; path=${line#*:*:}
		case "$ctrl" in
		"") mnt=$(awk '$(NF-2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo) ;;
		*) mnt=$(awk -v o="$ctrl" '$(NF-2) == "cgroup" && ("," $NF ",") ~ ("," o ",") { print $5; exit }' /proc/self/mountinfo) ;;
		esac
		[ -n "$mnt" ] && [ -d "$mnt${path%/}/$(_test_cgroup_dir)" ] &&
			rmdir "$mnt${path%/}/$(_test_cgroup_dir)" 2> /dev/null
	done < /proc/self/cgroup
	return 0
}

# cpu_cgroup_of PID: the directory of PID's cgroup in the cgroup v1 cpu
# hierarchy (empty without one).
cpu_cgroup_of() {
	local mnt path
	mnt=$(awk '$(NF-2) == "cgroup" && ("," $NF ",") ~ /,cpu,/ { print $5; exit }' /proc/self/mountinfo)
	path=$(awk -F: '("," $2 ",") ~ /,cpu,/ { print $3; exit }' "/proc/$1/cgroup")
	[ -n "$mnt" ] && echo "$mnt$path"
}

# need_rt_group_sched: real-time budgets per cpu cgroup (cgroup v1,
# CONFIG_RT_GROUP_SCHED; a new cgroup has cpu.rt_runtime_us 0, so the
# kernel keeps real-time processes out of it), and chrt, with which this
# test may run a process as SCHED_FIFO. Returns 1 after a skip.
need_rt_group_sched() {
	command -v chrt > /dev/null || { skip "no chrt (util-linux)"; return 1; }
	local dir; dir=$(cpu_cgroup_of $$)
	[ -n "$dir" ] && [ -f "$dir/cpu.rt_runtime_us" ] ||
		{ skip "no cgroup v1 cpu hierarchy with real-time budgets (CONFIG_RT_GROUP_SCHED)"; return 1; }
	chrt -f 1 true 2> /dev/null ||
		{ skip "chrt -f fails here: the test's cpu cgroup $dir has no real-time budget"; return 1; }
}

# at_cleanup CMD [ARGS...]: runs CMD when the test ends, pass or fail,
# after its containers are stopped (in the order registered).
at_cleanup() { printf '%q ' "$@" >> "$T/at-cleanup"; echo >> "$T/at-cleanup"; }

# net_test_link NAME TYPE [ARGS...]: makes a network device for this test
# (ip link add NAME type TYPE ARGS), removed at cleanup. NAME: lxct*.
net_test_link() {
	local name=$1 type=$2
	shift 2
	case $name in lxct*) ;; *) fail "net_test_link: $name is not a test device (lxct*)"; return 1 ;; esac
	ip link add "$name" type "$type" "$@" || return 1
	echo "$name" >> "$T/links"
}
# net_test_ifname TAG: a device name no other test uses at the same time,
# lxct + 8 hex digits + TAG (up to 3 characters).
net_test_ifname() { printf 'lxct%04x%04x%s\n' $(( $$ & 0xffff )) $(( RANDOM & 0xffff )) "${1:0:3}"; }

# net_test_bridge: a bridge of this test's own, $BR = lxcmgr-test-XXX (made
# here, so never one another test has: "ip link add" fails on a name taken),
# with a MAC of its own (a bridge would take its first port's, and the
# change loses the first DHCP requests); removed at cleanup.
net_test_bridge() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		BR=lxcmgr-test-$(printf '%03x' $((RANDOM % 4096)))
		if ip link add "$BR" address "$(printf '02:6c:74:%02x:%02x:%02x' \
			$((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))" type bridge 2> /dev/null; then
			echo "$BR" >> "$T/links"
			return 0
		fi
	done
	return 1
}

# net_test_managed_needs: what tools/lxcmgr-net runs is here. Returns 1
# after a skip.
net_test_managed_needs() {
	need_root || return 1
	command -v dnsmasq > /dev/null || { skip "dnsmasq is not installed (dnsmasq-base)"; return 1; }
	command -v nft > /dev/null || command -v iptables > /dev/null ||
		{ skip "neither nft nor iptables is installed"; return 1; }
}

# net_test_managed_conf: $T/net.conf, tools/lxcmgr-net on $BR with $NET.1/24,
# its own dnsmasq, NAT and state under $T; net.ipv4.ip_forward is left as
# it is. lxcmgr-net stop runs at cleanup, pass or fail.
net_test_managed_conf() {
	cat > "$T/net.conf" <<- CONF
	LXCMGR_NET_BRIDGE=$BR
	LXCMGR_NET_ADDR=$NET.1
	LXCMGR_NET_NETWORK=$NET.0/24
	LXCMGR_NET_DHCP_RANGE=$NET.100,$NET.120
	LXCMGR_NET_FORWARD=false
	LXCMGR_NET_STATE_DIR=$T/net-state
	LXCMGR_NET_RUN_DIR=$T/net-run
	CONF
	at_cleanup "$top_srcdir/tools/lxcmgr-net" -c "$T/net.conf" stop
}

# net_test_managed: tools/lxcmgr-net started on a bridge of this test's own
# ($BR, on a subnet no route of the host's names; net_test_managed_conf).
# The bridge's removal runs at cleanup too. Returns 1 after a skip (use:
# net_test_managed || return 0).
net_test_managed() {
	net_test_managed_needs || return 1
	net_test_bridge || { skip "cannot make a bridge here (ip link add type bridge)"; return 1; }
	local i
	for i in $(seq 20); do
		NET=10.$((RANDOM % 200 + 20)).$((RANDOM % 250))
		[ -z "$(ip -4 route show "$NET.0/24")" ] && break
	done
	net_test_managed_conf
	local out
	out=$("$top_srcdir/tools/lxcmgr-net" -c "$T/net.conf" start 2>&1) ||
		{ fail "lxcmgr-net start on $BR: $out"; exit 1; }
}

# net_test_put_on_bridge CONFIG: a veth on $BR, asking DHCP for its address.
net_test_put_on_bridge() {
	printf '%s\n' "lxc.net.0.type = veth" "lxc.net.0.link = $BR" "lxc.net.0.flags = up" \
		"lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" >> "$1"
}

# busybox_running LXCPATH NAME [LINE...]: a running busybox container, the
# config LINEs added before the start; the cleanup stops it when the test
# ends, even when the test fails half way.
busybox_running() {
	local p=$1 n=$2 line
	shift 2
	lxc_create -P "$p" -n "$n" -t busybox > /dev/null
	for line in "$@"; do echo "$line" >> "$p/$n/config"; done
	lxc_start -P "$p" -n "$n"
}

# cat_when_done FILE: FILE once it has the line "END" (a script as init
# writes it last; bounded, not timed: 600 looks), or what it has by then.
cat_when_done() {
	local i
	for i in $(seq 600); do
		grep -q '^END$' "$1" 2> /dev/null && break
		sleep 0.1
	done
	cat "$1" 2> /dev/null
}

# tmux on a server of the test's own, its socket under $T, so nothing of
# anyone else's is touched; the pane is session $S's.
TM() { tmux -S "$T/tmux.sock" "$@"; }
pane_text() { TM capture-pane -p -t "$S"; }
need_tmux() { command -v tmux > /dev/null || { skip "no tmux"; return 1; }; } # use: need_tmux || return 0
# in_pane SESSION FN: FN with $S = SESSION, then that session killed
# whatever FN did; returns 1 when FN failed.
in_pane() {
	local rc=0
	S=$1
	"$2" || rc=1
	TM kill-session -t "$S" 2> /dev/null || true
	return $rc
}
# wait_for_pane TEXT: until the pane shows TEXT (bounded, not timed: 400
# looks); fails with what it shows.
wait_for_pane() {
	local i
	for i in $(seq 400); do
		pane_text | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	fail "the pane never showed '$1'; it shows: $(pane_text)"
}

_cleanup_test_env() {
	# Only what this test made: its containers, its network devices, then
	# its temporary directory (mounts first).
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		local cfg
		for cfg in "$T"/*/*/config; do
			[ -f "$cfg" ] || continue
			local dir=${cfg%/config}
			[ -x "$LXCMGR_BUILD/tools/lxc-stop" ] &&
				"$LXCMGR_BUILD/tools/lxc-stop" -P "${dir%/*}" -n "${dir##*/}" -k > /dev/null 2>&1
		done
		[ -f "$T/at-cleanup" ] && bash "$T/at-cleanup" > /dev/null 2>&1
		if [ -f "$T/links" ]; then
			local link
			while read -r link; do
				ip link del "$link" 2> /dev/null
			done < "$T/links"
		fi
		grep -o " $T[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null
		done
		_remove_test_cgroups
		rm -rf "$T"
		# Debian's LXC keeps lock files per lxcpath; tests that ran it made these.
		rm -rf "/run/lxc/lock$T"
	fi
	T=""
}

run_tests() {
	local file n=0 name
	file=${LXCMGR_TEST_NAME:-$(basename "${BASH_SOURCE[1]}" .sh)}
	for name in $(declare -F | awk '{print $3}' | grep '^test_'); do
		n=$((n + 1))
		_setup_test_env
		( set -e; "$name" ) > "$T.out" 2>&1
		local rc=$?
		if [ -s "$T.skip" ]; then
			echo "ok $n - $file: $name # SKIP $(cat "$T.skip")"
		elif [ $rc -eq 0 ]; then
			echo "ok $n - $file: $name"
		else
			echo "not ok $n - $file: $name"
			[ -s "$T.fail" ] && sed 's/^/# /' "$T.fail"
			sed 's/^/#   | /' "$T.out" | tail -n 20
		fi
		rm -f "$T.out" "$T.skip" "$T.fail"
		_cleanup_test_env
	done
	echo "1..$n"
}

