#!/usr/bin/env bash
# lxc-attach's front (tools/lxc-attach-front.c, without libc): that it
# serves the common case itself (LXCMGR_ATTACH_FRONT=strict makes it exit
# 125 where it would hand over, so a 0 proves it served), that what it
# serves comes out as the full tool's (environment, user, groups, exit
# status, error lines), and that everything else goes to the full tool
# unchanged (same output, same exit status). The rest of lxc-attach's
# behaviour, through the front, is in test-attach.sh.
. "$(dirname "$0")/../lib.sh"

export LXCMGR_EXEC_PATH="$LXCMGR_BUILD/tools/lxcmgr-exec"

P() { echo "$T/lxcpath"; }
N=lxcmgr-test-front
R() { echo "$T/lxcpath/$N/rootfs"; }
# front: the front, refusing to hand over; full: the full tool itself
# (through the attach server); own: the full tool on its own path.
front() { LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N "$@"; }
full() { "$LXCMGR_ATTACH_FULL_PATH" -P "$(P)" -n $N "$@"; }
own() { LXCMGR_ATTACH_SERVER=0 "$LXCMGR_ATTACH_FULL_PATH" -P "$(P)" -n $N "$@"; }
# running [LINE...]: the container running, and its attach server (which
# the monitor starts on the first attach, through the full tool: the front
# asks no monitor).
running() {
	busybox_running "$(P)" $N "$@"
	"$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N -- true < /dev/null
}

need_tools() {
	need_root || return 1
	[ -x "$LXCMGR_BUILD/tools/lxc-attach" ] && [ -x "$LXCMGR_ATTACH_FULL_PATH" ] &&
		[ -x "$LXCMGR_ATTACHD_PATH" ] || { skip "lxc-attach or its full tool not built"; return 1; }
}

# same_env WHAT ARGS...: `env` (sorted) through the front and on the full
# tool's own path, from inside, with the caller's environment as given (but
# for what differs between the two calls: the variables that pick the path,
# and bash's $_).
same_env() {
	local what=$1 a b
	shift
	a=$(front "$@" -- env < /dev/null) || { fail "$what: the front did not serve"; return 1; }
	b=$(own "$@" -- env < /dev/null)
	a=$(grep -Ev '^(_|LXCMGR_ATTACH_FRONT|LXCMGR_ATTACH_SERVER)=' <<< "$a" | sort)
	b=$(grep -Ev '^(_|LXCMGR_ATTACH_FRONT|LXCMGR_ATTACH_SERVER)=' <<< "$b" | sort)
	assert_eq "$a" "$b" "$what: environment through the front"
}

test_environment_and_user_are_the_full_tools() {
	need_tools || return 0
	running "lxc.environment = FROMCONF=1" "lxc.environment = BARE" "lxc.environment = UNSET_BARE" \
		"lxc.environment = HOME=/from-conf-later"
	echo "user:x:1000:1000:a user:/home/user:/bin/ash" >> "$(R)/etc/passwd"
	printf '%s\n' 'wheel:x:10:other,user' 'audio:x:29: user' '# a comment' 'bad line' \
		'video:x:44:other' >> "$(R)/etc/group"
	mkdir -p "$(R)/home/user" && chown 1000:1000 "$(R)/home/user"
	export BARE=from-caller FOO=bar TERM=xterm-front
	same_env "default"
	same_env "-u 1000" -u 1000
	same_env "-u 1000 -g 5" -u 1000 -g 5
	same_env "an unknown user" -u 4242
	same_env "--keep-env" --keep-env
	same_env "--clear-env and -v" --clear-env -v A=1 -v PATH=/usr/bin:/bin -v FROMCONF=2
	same_env "-v replacing a clean one" -v HOME=/elsewhere -q
	unset TERM
	same_env "no TERM"
	local q='echo $(id -u) $(id -g) $(id -G) $(pwd)'
	assert_eq "$(front -u 1000 -- sh -c "$q" < /dev/null)" "$(own -u 1000 -- sh -c "$q" < /dev/null)" \
		"user, groups and cwd of -u 1000"
	assert_eq "$(front -u 1000 -- sh -c "$q" < /dev/null)" "1000 1000 1000 10 29 /home/user" "-u 1000"
	assert_eq "$(front -u 65534 -g 7 -- sh -c "$q" < /dev/null)" \
		"$(own -u 65534 -g 7 -- sh -c "$q" < /dev/null)" "-u 65534 -g 7"
}

test_a_passwd_that_is_no_regular_file_holds_nothing() {
	need_tools || return 0
	running
	# A FIFO as /etc/passwd must not hang the server (its child reads it):
	# it counts as none, so root without a name.
	rm "$(R)/etc/passwd" && mkfifo "$(R)/etc/passwd"
	assert_eq "$(front -- sh -c 'echo ${USER:-none} $HOME' < /dev/null)" "none /" "a FIFO"
	# A symlink to /proc/self/fd/N (the server's fds) is not followed.
	rm "$(R)/etc/passwd" && ln -s /proc/self/fd/3 "$(R)/etc/passwd"
	local rc=0 err
	err=$(front -- true 2>&1 < /dev/null) || rc=$?
	assert_eq "$rc" 1 "a magic link as /etc/passwd"
	assert_contains "$err" "read /etc/passwd of the container: Too many levels of symbolic links"
}

test_the_forms_of_the_options_it_serves() {
	need_tools || return 0
	running
	local rc=0
	LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" --lxcpath="$(P)/" --name=$N \
		-- true < /dev/null || rc=$?
	assert_eq "$rc" 0 "--lxcpath=PATH/ --name=NAME"
	rc=0; (cd "$T" && LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" -Plxcpath \
		-n$N -- true < /dev/null) || rc=$?
	assert_eq "$rc" 0 "a relative -P"
	# No -P: lxc.lxcpath of the system config, quoted or not.
	printf 'lxc.lxcpath = %s/\n' "$(P)" >> "$LXCMGR_CONFIG_PATH/lxc.conf"
	rc=0; LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" -n $N -- true \
		< /dev/null || rc=$?
	assert_eq "$rc" 0 "lxc.lxcpath of the system config"
	printf 'lxc.lxcpath = "%s" # quoted\n' "$(P)" >> "$LXCMGR_CONFIG_PATH/lxc.conf"
	rc=0; "$LXCMGR_BUILD/tools/lxc-attach" -n $N -- true < /dev/null || rc=$?
	assert_eq "$rc" 0 "a quoted lxc.lxcpath (the full tool reads that one)"
	rc=0; LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" -n $N -- true \
		< /dev/null 2> /dev/null || rc=$?
	assert_eq "$rc" 125 "a quoted lxc.lxcpath: handed over"
}

test_exit_status_and_errors_are_the_full_tools() {
	need_tools || return 0
	running
	local cmd a b ra rb
	for cmd in "sh -c 'exit 3'" "sh -c 'kill -9 \$\$'" "sh -c 'kill -TERM \$\$'" /no/such/command \
		/etc/passwd "sh -c 'echo out; echo err >&2'"; do
		ra=0; rb=0
		a=$(eval front -- "$cmd" 2>&1 < /dev/null) || ra=$?
		b=$(eval full -- "$cmd" 2>&1 < /dev/null) || rb=$?
		assert_eq "$ra" "$rb" "exit status of $cmd"
		assert_eq "$a" "$b" "output of $cmd"
	done
	assert_eq "$ra" 0 "the last one"
	ra=0; front -- sh -c 'kill -9 $$' < /dev/null || ra=$?
	assert_eq "$ra" 137 "killed by SIGKILL"
	# stdout and stderr stay apart, and a large stream is intact.
	front -- sh -c 'echo to-out; echo to-err >&2; cat' > "$T/out" 2> "$T/err" <<< "from-in"
	assert_eq "$(cat "$T/out")" "$(printf 'to-out\nfrom-in')" "stdout"
	assert_eq "$(cat "$T/err")" "to-err" "stderr"
	head -c $((8 << 20)) /dev/urandom > "$(R)/big"
	assert_eq "$(front -- cat /big < /dev/null | sha256sum)" "$(sha256sum < "$(R)/big")" "8 MiB out"
}

# handed_over WHAT ARGS...: the front (not strict) does what the full tool
# does: same output, same exit status; and strict, it says it would hand over.
handed_over() {
	local what=$1 a b ra=0 rb=0
	shift
	ra=0; LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" "$@" > /dev/null 2>&1 \
		< /dev/null || ra=$?
	assert_eq "$ra" 125 "$what: the front would hand over"
	ra=0; a=$("$LXCMGR_BUILD/tools/lxc-attach" "$@" 2>&1 < /dev/null) || ra=$?
	# Under the front's name: getopt's messages name argv[0].
	b=$(exec -a "$LXCMGR_BUILD/tools/lxc-attach" "$LXCMGR_ATTACH_FULL_PATH" "$@" 2>&1 \
		< /dev/null) || rb=$?
	assert_eq "$ra" "$rb" "$what: exit status"
	assert_eq "$a" "$b" "$what: output"
}

test_what_it_does_not_serve_goes_to_the_full_tool() {
	need_tools || return 0
	handed_over "no container" -P "$(P)" -n $N -- true
	lxc_create -P "$(P)" -n $N -t busybox > /dev/null
	handed_over "a stopped container" -P "$(P)" -n $N -- true
	lxc_start -P "$(P)" -n $N
	handed_over "the first attach (no server yet)" -P "$(P)" -n $N -- true
	handed_over "--help" --help
	handed_over "--version" --version
	# A full tool that cannot be run: the path and the errno text.
	assert_fails env LXCMGR_ATTACH_FULL_PATH="$T/no-such-tool" "$LXCMGR_BUILD/tools/lxc-attach" --help
	assert_contains "$err" "cannot run the full tool \"$T/no-such-tool\" (LXCMGR_ATTACH_FULL_PATH): $(
		)No such file or directory"
	handed_over "an unknown option" -P "$(P)" -n $N --bogus -- true
	handed_over "-s" -P "$(P)" -n $N -s UTSNAME -- hostname
	handed_over "-e" -P "$(P)" -n $N -e -- true
	handed_over "no command" -P "$(P)" -n $N
	handed_over "a command without --" -P "$(P)" -n $N true
	handed_over "-u not a number" -P "$(P)" -n $N -u root -- true
	handed_over "-v without =" -P "$(P)" -n $N -v NOEQUALS -- true
	handed_over "no -n" -P "$(P)" -- true
	handed_over "a log file" -P "$(P)" -n $N -o "$T/log" -- true
	local rc=0
	LXCMGR_ATTACH_SERVER=0 LXCMGR_ATTACH_FRONT=strict "$LXCMGR_BUILD/tools/lxc-attach" \
		-P "$(P)" -n $N -- true 2> /dev/null || rc=$?
	assert_eq "$rc" 125 "LXCMGR_ATTACH_SERVER=0: handed over"
	rc=0; front -- true <&- 2> /dev/null || rc=$?
	assert_eq "$rc" 125 "a closed stdin: handed over"
}

test_a_killed_server_is_replaced_through_the_full_tool() {
	need_tools || return 0
	running
	front -- true < /dev/null || { fail "the front did not serve"; return 1; }
	local srv
	srv=$(fuser "$LXCMGR_RUNTIME_PATH"/c/*.attach 2> /dev/null | awk '{ print $1 }') || true
	[ -n "$srv" ] || srv=$(ss -xlp 2> /dev/null | awk -v d="$LXCMGR_RUNTIME_PATH/c/" \
		'index($0, d) { match($0, /pid=[0-9]+/); print substr($0, RSTART + 4, RLENGTH - 4); exit }')
	[ -n "$srv" ] || { skip "cannot find the attach server (no fuser or ss)"; return 0; }
	assert_contains "$(readlink "/proc/$srv/exe")" "lxcmgr-attachd" "the server found"
	kill -9 "$srv"
	local rc=0
	front -- true < /dev/null 2> /dev/null || rc=$?
	assert_eq "$rc" 125 "a killed server: the front would hand over"
	rc=0; "$LXCMGR_BUILD/tools/lxc-attach" -P "$(P)" -n $N -- sh -c 'exit 4' < /dev/null || rc=$?
	assert_eq "$rc" 4 "handed over: the full tool ran it"
	rc=0; front -- true < /dev/null || rc=$?
	assert_eq "$rc" 0 "the server the full tool had started serves the front"
}

# A terminal on stdin: the full tool's pty (tmux).
tty_pane() {
	TM new-session -d -s "$S" -x 100 -y 30 "env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' LXCMGR_ATTACH_FULL_PATH='$LXCMGR_ATTACH_FULL_PATH' \
		LXCMGR_ATTACH_FRONT=strict '$LXCMGR_BUILD/tools/lxc-attach' -P '$(P)' -n $N -- tty; \
		echo STRICT-\$?; env LXCMGR_CONFIG_PATH='$LXCMGR_CONFIG_PATH' \
		LXCMGR_RUNTIME_PATH='$LXCMGR_RUNTIME_PATH' LXCMGR_ATTACH_FULL_PATH='$LXCMGR_ATTACH_FULL_PATH' \
		'$LXCMGR_BUILD/tools/lxc-attach' -P '$(P)' -n $N -- sh -c 'tty; exit 6'; \
		echo HANDED-\$?; sleep 600" || return 1
	wait_for_pane "STRICT-125" || return 1
	assert_contains "$(pane_text)" "a terminal on stdin" "why" || return 1
	wait_for_pane "HANDED-6" || return 1
	assert_contains "$(pane_text)" "/dev/pts/" "the command's stdin is a pty"
}

test_a_terminal_on_stdin_goes_to_the_full_tool() {
	need_tools || return 0
	need_tmux || return 0
	running
	in_pane lxcmgr-test-front-$$ tty_pane
}

run_tests
