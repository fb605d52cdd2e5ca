#!/usr/bin/env bash
# lxc-console on real busybox containers, driven through tmux: the banner
# and a login prompt on tty1, <prefix> q, a tty held by one client at a
# time and found again after a disconnect, the window size, the console
# through the monitor with its ring buffer (-B) and log file, another
# prefix (-e), the end of the container, and the errors.
. "$(dirname "$0")/../lib.sh"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-console
con() { lxc_console -P "$(P)" -n $N "$@"; }

# running [LINE...]: the busybox container $N running (busybox_running).
running() { busybox_running "$(P)" $N "$@"; }

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_BUILD/tools/lxc-console" ] || { skip "lxc-console not built"; return 1; }
	need_tmux
}

# tmux (TM, pane_text, wait_for_pane: lib.sh) on a server of our own, so
# nothing of anyone else's is touched; the server goes when the test ends,
# however it ends.
S=lxcmgr-test-console

# pane ARGS...: a 100x30 pane running lxc-console ARGS, then "EXITED-<status>"
# and the terminal's mode ("MODEicanon" when cooked, "MODE-icanon" when raw).
# A second call runs it again in the same pane, on a cleared screen (a new
# server right after kill-server could meet the old one going away).
pane() {
	local cmd="clear; env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' '$LXCMGR_BUILD/tools/lxc-console' \
		-P '$(P)' -n $N $*; echo EXITED-\$?; \
		stty -a | grep -o -- '-*icanon' | sed 's/^/MODE/'; sleep 600"
	if TM has-session -t "$S" 2> /dev/null; then
		TM respawn-pane -k -t "$S" "$cmd"
		TM clear-history -t "$S"
		return
	fi
	trap 'TM kill-server 2> /dev/null || true' EXIT
	TM new-session -d -s "$S" -x 100 -y 30 "$cmd"
}

keys() { TM send-keys -t "$S" "$@"; }

# Logs in as root (no password in the busybox template) on the tty shown.
login() {
	wait_for_pane "$N login:"
	keys root Enter
	wait_for_pane "root@$N:~#"
}

test_tty1_shows_banner_and_login_prompt_and_prefix_q_leaves() {
	need_tools || return 0
	running
	pane -t 1
	wait_for_pane "Connected to tty 1"
	wait_for_pane "Type <Ctrl a q> to exit the console, <Ctrl a Ctrl a> to enter Ctrl a itself"
	login
	keys 'echo hello-$((6*7)); tty' Enter
	wait_for_pane "hello-42"
	wait_for_pane "/dev/tty1"
	keys C-a q
	wait_for_pane "EXITED-0"
	# The terminal is back in cooked mode.
	wait_for_pane "MODEicanon"
}

test_busy_tty_is_refused_and_freed_on_disconnect() {
	need_tools || return 0
	running
	pane -t 1
	login
	keys 'cd /tmp; echo still-$((2+3))' Enter
	wait_for_pane "still-5"
	assert_fails con -t 1 < /dev/null
	assert_contains "$err" "tty 1 of \"$N\" is in use by another lxc-console"
	# The first free one is another tty.
	assert_contains "$(con < /dev/null 2>&1)" "Connected to tty 2"
	keys C-a q
	wait_for_pane "EXITED-0"
	# Reconnect: the same shell, where it was left.
	pane -t 1
	wait_for_pane "Connected to tty 1"
	assert_not_contains "$(pane_text)" "still-5" "a cleared screen"
	keys 'echo "cwd=$(pwd)"' Enter
	wait_for_pane "cwd=/tmp"
	keys C-a q
	wait_for_pane "EXITED-0"
}

test_resize_changes_stty_size_inside() {
	need_tools || return 0
	running
	pane -t 2
	login
	keys 'stty size' Enter
	wait_for_pane "30 100"
	TM resize-window -t "$S" -x 80 -y 20
	keys 'stty size' Enter
	wait_for_pane "20 80"
}

test_console_buffer_and_log_file_see_a_session() {
	need_tools || return 0
	running "lxc.console.buffer.size = auto" "lxc.console.logfile = $T/console.log"
	pane -t 0
	wait_for_pane "Connected to the console"
	keys Enter
	login
	keys 'echo buffer-$((6*7))' Enter
	wait_for_pane "buffer-42"
	keys 'stty size' Enter
	wait_for_pane "30 100"
	# Read back while the client holds the console: the monitor saw it all.
	assert_contains "$(con -B)" "buffer-42" "the ring buffer"
	assert_contains "$(cat "$T/console.log")" "buffer-42" "the console log"
	assert_fails con -t 0 < /dev/null
	assert_contains "$err" "the console of \"$N\" is in use"
	keys C-a q
	wait_for_pane "EXITED-0"
	# --buffer-clear empties it after printing.
	assert_contains "$(con -B --buffer-clear)" "buffer-42"
	assert_not_contains "$(con -B)" "buffer-42" "after --buffer-clear"
}

test_another_escape_prefix() {
	need_tools || return 0
	running
	pane -t 1 -e ^b
	wait_for_pane "Type <Ctrl b q> to exit the console, <Ctrl b Ctrl b> to enter Ctrl b itself"
	login
	# Ctrl-a is an ordinary key now: the shell gets it (start of line) and q.
	keys C-a q
	keys Enter
	wait_for_pane "q: not found"
	keys C-b q
	wait_for_pane "EXITED-0"
}

test_container_stopping_ends_the_console() {
	need_tools || return 0
	running
	pane -t 1
	login
	lxc_stop -P "$(P)" -n $N -k
	wait_for_pane "the container stopped"
	wait_for_pane "EXITED-0"
}

# --tui: a status line on the last row, the tty one row smaller, switching
# ttys and containers.
test_tui_status_line_switching_and_leaving() {
	need_tools || return 0
	running
	local notice
	notice=$(con --tui -t 3 < /dev/null 2>&1)
	assert_contains "$notice" "the full-screen console is not available (standard input or output is not a terminal); using the plain one"
	assert_eq "$(grep -c 'not available' <<< "$notice")" 1 "one notice"
	assert_contains "$notice" "Connected to tty 3" "the plain console instead"
	case $notice in *"built without ncurses"*) skip "built without ncurses"; return 0 ;; esac
	pane --tui -t 1
	wait_for_pane " $N | tty 1 | RUNNING | <Ctrl a q> quit, <Ctrl a n/p> next/prev tty"
	login
	keys 'stty size' Enter
	wait_for_pane "29 100"
	assert_contains "$(pane_text | tail -n 1)" "| tty 1 |" "the status line is the last row"
	# A clear wipes the screen; the status line comes back.
	keys 'clear; echo cleared-$((6*7))' Enter
	wait_for_pane "cleared-42"
	assert_contains "$(pane_text | tail -n 1)" " $N | tty 1 | RUNNING" "the status line after a clear"
	keys C-a n
	wait_for_pane " $N | tty 2 | RUNNING"
	keys Enter
	wait_for_pane "$N login:"
	# tty 1 is free again once left; a missing tty is refused on the status line.
	assert_contains "$(con -t 1 < /dev/null 2>&1)" "Connected to tty 1"
	keys C-a 7
	wait_for_pane "has no tty 7"
	keys C-a 1
	wait_for_pane " $N | tty 1 | RUNNING"
	TM resize-window -t "$S" -x 80 -y 20
	keys 'stty size' Enter
	wait_for_pane "19 80"
	# No other container runs; then one does: <prefix> c takes its first free tty.
	keys C-a c
	wait_for_pane "no other running container"
	lxc_create -P "$(P)" -n $N-2 -t busybox > /dev/null
	lxc_start -P "$(P)" -n $N-2
	keys C-a c
	wait_for_pane " $N-2 | tty 1 | RUNNING"
	keys Enter
	wait_for_pane "$N-2 login:"
	assert_contains "$(con -t 1 < /dev/null 2>&1)" "Connected to tty 1" "the first container's tty 1 is free"
	keys C-a q
	wait_for_pane "EXITED-0"
	wait_for_pane "MODEicanon"
}

test_errors() {
	need_tools || return 0
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	assert_fails con -t 1 < /dev/null
	assert_contains "$err" "container \"$N\" is not running"
	assert_fails con -B
	assert_contains "$err" "container \"$N\" is not running"
	lxc_start -P "$(P)" -n $N
	assert_fails con -t 9 < /dev/null
	assert_contains "$err" "has no tty 9 (raise lxc.tty.max"
	assert_fails con -B
	assert_contains "$err" "keeps no console ring buffer (set lxc.console.buffer.size"
	assert_fails con -e ^1
	assert_contains "$err" "is not an escape prefix"
	assert_fails con -t x
	assert_contains "$err" "is not a tty number"
	assert_fails lxc_console -P "$(P)" -n lxcmgr-test-nosuch
	assert_contains "$err" "no container \"lxcmgr-test-nosuch\""
	assert_contains "$(con --help)" "Usage: lxc-console"
}

run_tests
