#!/bin/sh
# The cgroup tests inside the cgroup2-only VM (busybox sh, run by
# tests/vm/init as root in the root cgroup). Each test prints one line,
# "VMTAP: ok - NAME" or "VMTAP: not ok - NAME", diagnostics after it as
# "VMTAP: # ...". lane.sh turns them into the suite's TAP lines.
#
# Real containers: lxc-create -t busybox, lxc-start, lxc-cgroup, lxc-stop,
# from the build tree (packed into /lxcmgr by lane.sh). Their cgroups go at
# the root of the hierarchy (lxcmgr.payload.NAME), as on a fresh host.
export PATH=/lxcmgr/bin:/bin:/sbin
export LXCMGR_CONFIG_PATH=/etc/lxcmgr LXCMGR_RUNTIME_PATH=/run/lxcmgr
export LXCMGR_TEMPLATE_PATH=/lxcmgr/templates LXCMGR_EXEC_PATH=/lxcmgr/bin/lxcmgr-exec
export LXCMGR_INIT_PATH=/lxcmgr/bin/lxcmgr-init
P=/var/lib/lxcmgr
CG=/sys/fs/cgroup
mkdir -p $LXCMGR_CONFIG_PATH $P
printf 'lxc.lxcpath = %s\nlxc.default_config = %s/default.conf\n' $P $LXCMGR_CONFIG_PATH \
	> $LXCMGR_CONFIG_PATH/lxc.conf
# No network device: the shipped default puts containers on a bridge the VM
# has not got (as tests/lib.sh does on the host).
sed '/^lxc\.net\./d' /lxcmgr/config/default.conf > $LXCMGR_CONFIG_PATH/default.conf
echo 'lxc.net.0.type = empty' >> $LXCMGR_CONFIG_PATH/default.conf

ok() { echo "VMTAP: ok - $*"; }
notok() { echo "VMTAP: not ok - $1"; shift; for l in "$@"; do echo "$l" | sed 's/^/VMTAP: # /'; done; }
# check NAME COND-STATUS DIAGNOSTICS...: after a test command.
check() { name=$1; st=$2; shift 2; if [ "$st" = 0 ]; then ok "$name"; else notok "$name" "$@"; fi; }

# new NAME [CONFIG LINES]: a busybox container with these lines added.
new() {
	n=$1; shift
	if ! lxc-create -P $P -n "$n" -t busybox > /tmp/create.log 2>&1; then
		notok "create $n" "$(cat /tmp/create.log)"
		return 1
	fi
	for l in "$@"; do echo "$l" >> $P/$n/config; done
}

# run NAME SCRIPT: starts it with SCRIPT as init, which writes /res; waits
# (bounded) until /res ends with END; prints it.
run() {
	rm -f $P/$1/rootfs/res
	lxc-start -P $P -n "$1" -- /bin/sh -c "exec > /res 2>&1; $2; echo END; exec sleep 1000" \
		2>&1 || return 1
	i=0
	while [ $i -lt 600 ] && ! grep -q '^END$' $P/$1/rootfs/res 2> /dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	cat $P/$1/rootfs/res
}

stop() { lxc-stop -P $P -n "$1" -k > /dev/null 2>&1; }
payload() { echo $CG/lxcmgr.payload.$1; }

# ------------------------------------------------------------------ tests

t_backend() {
	out=$(/test/cgroup2-backend 2>&1); st=$?
	check "cgroup2 backend: $(echo "$out" | tail -n 1)" $st "$out"
}

t_memory() {
	new m 'lxc.cgroup2.memory.max = 16M' 'lxc.cgroup2.memory.swap.max = 0' || return
	res=$(run m 'head -c 4194304 /dev/zero | tail -c 1 | wc -c; echo small=$?
		cat /dev/zero | tail; echo big=$?')
	ev=$(cat $(payload m)/memory.events 2> /dev/null)
	case "$res" in *small=0*big=137*) st=0 ;; *) st=1 ;; esac
	case "$ev" in *"oom_kill 0"*|"") st=1 ;; esac
	check "memory.max 16M kills an unbounded allocation, 4M passes" $st "$res" "$ev"
	stop m
}

t_pids() {
	new p 'lxc.cgroup2.pids.max = 10' || return
	res=$(run p '( i=0; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null; echo loop=$?')
	cur=$(cat $(payload p)/pids.current); ev=$(cat $(payload p)/pids.events)
	st=1
	case "$res" in *loop=0*) ;; *loop=*) [ "$cur" -le 10 ] && [ "${ev#max }" -ge 1 ] && st=0 ;; esac
	check "pids.max 10 stops a fork loop" $st "$res" "pids.current $cur, pids.events $ev"
	stop p
}

t_cpuset() {
	new c 'lxc.cgroup2.cpuset.cpus = 1' || return
	res=$(run c 'grep Cpus_allowed_list /proc/self/status')
	case "$res" in *"Cpus_allowed_list:"*1*) [ "$(echo "$res" | awk '/Cpus/ {print $2}')" = 1 ]; st=$? ;; *) st=1 ;; esac
	check "cpuset.cpus 1 pins the container" $st "$res"
	lxc-cgroup -P $P -n c cpuset.cpus 0 && res=$(cat $(payload c)/cpuset.cpus.effective)
	[ "$res" = 0 ]; check "lxc-cgroup cpuset.cpus 0 moves it" $? "cpuset.cpus.effective: $res"
	stop c
}

# The shipped allowlist (lxc.cgroup.devices.*, v1 keys) as a BPF program,
# with /dev/urandom taken away again and block devices not even creatable.
t_devices() {
	new d 'lxc.include = /lxcmgr/config/common.conf' 'lxc.cgroup.devices.deny = c 1:9 rwm' \
		'lxc.cgroup2.devices.deny = b *:* m' || return
	res=$(run d 'head -c 1 /dev/zero > /dev/null; echo zero=$?
		head -c 1 /dev/urandom > /dev/null; echo urandom=$?
		mknod /tmp/sda b 8 0; echo mknod-sda=$?
		mknod /tmp/vd b 254 0 && head -c 1 /tmp/vd > /dev/null; echo vd=$?
		mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem > /dev/null; echo mem=$?
		mknod /tmp/null c 1 3 && echo x > /tmp/null; echo null=$?')
	st=0
	for w in zero=0 urandom=1 mknod-sda=1 vd=1 mem=1 null=0; do
		case "$res" in *"$w"*) ;; *) st=1 ;; esac
	done
	check "the shipped allowlist on cgroup2: allowed open, denied open and mknod fail" $st "$res"
	stop d
}

# lxc-cgroup devices.allow/deny on a running container: a new program in
# place of the attached one. Had the old one stayed beside it (programs
# attached side by side must all allow), the allowed device would stay shut.
t_devices_change() {
	new dc 'lxc.include = /lxcmgr/config/common.conf' 'lxc.cgroup.devices.deny = c 1:9 rwm' ||
		return
	rm -f $P/dc/rootfs/go* $P/dc/rootfs/res*
	lxc-start -P $P -n dc -- /bin/sh -c 'n=0; while :; do
		while [ ! -e /go$n ]; do sleep 0.1; done
		{ head -c 1 /dev/urandom > /tmp/u; echo urandom=$?; echo x > /dev/null; echo null=$?
		} > /res.tmp; mv /res.tmp /res$n; n=$((n + 1)); done'
	probe() { # N: what init saw at its Nth look
		touch $P/dc/rootfs/go$1
		i=0; while [ $i -lt 600 ] && [ ! -e $P/dc/rootfs/res$1 ]; do sleep 0.1; i=$((i + 1)); done
		echo $(cat $P/dc/rootfs/res$1 2> /dev/null)
	}
	r0=$(probe 0)
	lxc-cgroup -P $P -n dc devices.allow 'c 1:9 rwm' > /tmp/dc.log 2>&1; a1=$?
	r1=$(probe 1)
	lxc-cgroup -P $P -n dc devices.deny 'c 1:3 w' >> /tmp/dc.log 2>&1; a2=$?
	r2=$(probe 2)
	[ "$r0 $a1 $r1 $a2 $r2" = "urandom=1 null=0 0 urandom=0 null=0 0 urandom=0 null=1" ]
	check "lxc-cgroup devices.allow opens a denied device, devices.deny shuts one" $? \
		"before: $r0; allow c 1:9: rc $a1, then $r1; deny c 1:3 w: rc $a2, then $r2" \
		"$(cat /tmp/dc.log)"
	# A bad rule changes nothing and says why.
	out=$(lxc-cgroup -P $P -n dc devices.allow 'c 1:3 rwx' 2>&1); rc=$?
	r3=$(probe 3)
	st=0
	[ $rc = 1 ] && [ "$r3" = "urandom=0 null=1" ] || st=1
	case "$out" in *"devices.allow"*"ACCESS is made of r"*) ;; *) st=1 ;; esac
	check "a bad device rule is refused, the program stays" $st "rc $rc: $out" "then: $r3"
	stop dc
}

t_translation() {
	new v 'lxc.cgroup.memory.limit_in_bytes = 48M' 'lxc.cgroup.pids.max = 20' \
		'lxc.cgroup.cpu.shares = 512' 'lxc.cgroup.cpu.cfs_quota_us = 50000' || return
	lxc-start -P $P -n v -l NOTICE -o /tmp/v.log
	got="$(cat $(payload v)/memory.max) $(cat $(payload v)/pids.max) $(cat $(payload v)/cpu.weight) $(cat $(payload v)/cpu.max)"
	[ "$got" = "50331648 20 50 50000 100000" ]
	check "v1 keys written as their cgroup2 counterparts" $? "memory.max pids.max cpu.weight cpu.max: $got"
	grep -q 'lxc.cgroup.pids.max = 20 as pids.max = 20' /tmp/v.log
	check "the translation is noted in the log" $? "$(cat /tmp/v.log)"
	stop v
}

# lxc-cgroup on a running container: pids.max lowered, then a fork loop.
t_lxc_cgroup() {
	new l || return
	rm -f $P/l/rootfs/go
	lxc-start -P $P -n l -- /bin/sh -c 'while [ ! -e /go ]; do sleep 0.1; done
		( i=0; while [ $i -lt 20 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null
		echo loop=$? > /res; exec sleep 1000'
	lxc-cgroup -P $P -n l pids.max 4; set=$(lxc-cgroup -P $P -n l pids.max)
	touch $P/l/rootfs/go
	i=0; while [ $i -lt 600 ] && [ ! -s $P/l/rootfs/res ]; do sleep 0.1; i=$((i + 1)); done
	res=$(cat $P/l/rootfs/res 2> /dev/null); cur=$(cat $(payload l)/pids.current)
	st=1
	[ "$set" = 4 ] && [ -n "$res" ] && [ "$res" != loop=0 ] && [ "$cur" -le 4 ] && st=0
	check "lxc-cgroup pids.max 4 takes effect" $st "read back: $set" "$res" "pids.current $cur"
	stop l
}

# lxc-stop -k empties the cgroup with cgroup.kill, also after the monitor
# was killed (the client reads the cgroup record).
t_stop_k() {
	new k || return
	lxc-start -P $P -n k -- /bin/sh -c 'while :; do sleep 1000 & sleep 1000; done'
	pid=$(lxc-info -P $P -n k -p | awk '{print $2}')
	mon=$(awk '{print $4}' /proc/$pid/stat)
	kill -9 $mon
	i=0; while [ $i -lt 100 ] && [ -e /proc/$mon ] && ! grep -q '^State:.*Z' /proc/$mon/status; do sleep 0.05; i=$((i + 1)); done
	[ -d $(payload k) ]; left=$?
	lxc-stop -P $P -n k -k > /tmp/k.log 2>&1; rc=$?
	st=1
	[ $left = 0 ] && [ $rc = 0 ] && [ ! -e /proc/$pid ] && [ ! -d $(payload k) ] && [ ! -d $CG/lxcmgr.monitor.k ] && st=0
	check "lxc-stop -k after a killed monitor: cgroup.kill, nothing left" $st "$(cat /tmp/k.log)" \
		"cgroups: $(ls -d $CG/lxcmgr.* 2> /dev/null)"
	new k2 || return
	lxc-start -P $P -n k2 -l INFO -o /tmp/k2.log -- /bin/sh -c 'while :; do sleep 1000 & sleep 1000; done'
	lxc-stop -P $P -n k2 -k; rc=$?
	[ $rc = 0 ] && [ ! -d $(payload k2) ] && grep -q 'killed the container.s cgroup (cgroup.kill)' /tmp/k2.log
	check "lxc-stop -k with its monitor: cgroup.kill, nothing left" $? \
		"cgroups: $(ls -d $CG/lxcmgr.* 2> /dev/null)" "$(cat /tmp/k2.log)"
}

# ---- an ordinary user's containers
# The user (uid 61000, subordinate ids from 1100000) has a cgroup delegated
# as systemd's user manager has one (user@.service): $UP, the directory,
# cgroup.procs, cgroup.subtree_control and cgroup.threads theirs, every
# controller enabled for its children. Below it, scopes as systemd-run
# --user --scope -p Delegate=yes makes them, delegated the same way, for
# each lxc-start; the other tools run from the scope "shell".
U=61000 UP=$CG/lxcmgr-test-user
user_setup() {
	[ -d $UP ] && return 0
	PATH=$PATH:/usr/bin:/usr/sbin
	command -v setpriv > /dev/null && command -v newuidmap > /dev/null ||
		{ notok "an ordinary user's containers" "setpriv or newuidmap was not packed"; return 1; }
	h=/home/user
	[ -e /etc/passwd ] || echo 'root:x:0:0::/root:/bin/sh' > /etc/passwd
	[ -e /etc/group ] || echo 'root:x:0:' > /etc/group
	echo "user:x:$U:$U::$h:/bin/sh" >> /etc/passwd; echo "user:x:$U:" >> /etc/group
	echo "user:1100000:65536" > /etc/subuid; echo "user:1200000:65536" > /etc/subgid
	mkdir -p $h/.config/lxcmgr /run/user/$U
	cp $LXCMGR_CONFIG_PATH/default.conf $h/.config/lxcmgr/
	chown -R $U:$U $h /run/user/$U
	scope_at $UP
	for c in $(cat $UP/cgroup.controllers); do echo "+$c" > $UP/cgroup.subtree_control; done
	scope shell
}
scope_at() {
	mkdir -p "$1"
	chown $U:$U "$1" "$1/cgroup.procs" "$1/cgroup.subtree_control" "$1/cgroup.threads"
}
scope() { scope_at $UP/$1; }
# as SCOPE CMD...: CMD as the user, moved into SCOPE first (by root, as
# systemd moves the process it starts into its new scope).
as() {
	d=$UP/$1; shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec /usr/bin/setpriv --reuid=61000 --regid=61000 \
		--clear-groups env -u LXCMGR_CONFIG_PATH -u LXCMGR_RUNTIME_PATH \
		HOME=/home/user XDG_RUNTIME_DIR=/run/user/61000 "$@"' $d "$@"
}
# unew NAME [CONFIG LINES]: the user's busybox container.
unew() {
	n=$1; shift
	as shell lxc-create -n "$n" -t busybox > /tmp/ucreate.log 2>&1 ||
		{ notok "the user creates $n" "$(cat /tmp/ucreate.log)"; return 1; }
	for l in "$@"; do echo "$l" >> /home/user/.local/share/lxcmgr/$n/config; done
}
subdirs() { ls -d "$1"/*/ 2> /dev/null; }

# lxc-start from a scope of its own: the monitor takes lxc-start into
# lxcmgr.monitor.w, the scope enables its controllers, and the limits hold
# inside; lxc-cgroup and lxc-info as the user.
t_user() {
	name="an ordinary user's container on cgroup2: its monitor beside it, limits in force"
	user_setup || return
	scope a
	unew w 'lxc.cgroup2.memory.max = 64M' 'lxc.cgroup2.pids.max = 20' \
		'lxc.cgroup2.cpu.max = 50000 100000' || return
	as a lxc-start -n w > /tmp/u.log 2>&1; rc=$?
	echo "VM: the user's lxc-start said: $(cat /tmp/u.log)"
	res=$(as shell lxc-attach -n w -- sh -c 'id -u; cat /proc/self/uid_map
		echo mem=$(cat /sys/fs/cgroup/memory.max) pids=$(cat /sys/fs/cgroup/pids.max) \
			cpu=$(cat /sys/fs/cgroup/cpu.max)' 2>&1)
	pid=$(as shell lxc-info -n w -p | awk '{print $2}')
	own=$(cat /proc/$pid/cgroup 2> /dev/null)
	mon=$(awk '{print $4}' /proc/$pid/stat 2> /dev/null)
	moncg=$(cat /proc/$mon/cgroup 2> /dev/null)
	left=$(cat $UP/a/cgroup.procs)
	ctl=$(cat $UP/a/cgroup.subtree_control)
	st=1
	case "$res" in 0*1100000*65536*"mem=67108864 pids=20 cpu=50000 100000"*)
		[ $rc = 0 ] && [ "$own" = "0::/lxcmgr-test-user/a/lxcmgr.payload.w" ] &&
		[ "$moncg" = "0::/lxcmgr-test-user/a/lxcmgr.monitor.w" ] && [ -z "$left" ] &&
		! grep -q "not enabled" /tmp/u.log && st=0 ;; esac
	case " $ctl " in *" memory "*" pids "*) ;; *) st=1 ;; esac
	check "$name" $st "lxc-start: rc $rc $(cat /tmp/u.log)" "inside: $res" "init's cgroup: $own" \
		"the monitor's ($mon): $moncg" "left in the scope: $left" "its subtree_control: $ctl"

	info=$(as shell lxc-info -n w 2>&1)
	echo "$info" | grep -q '^Memory use: *[1-9]'
	check "lxc-info shows the user's container's memory use" $? "$info"

	as shell lxc-cgroup -n w pids.max 30 > /tmp/ucg.log 2>&1; rc=$?
	got=$(as shell lxc-cgroup -n w pids.max 2>&1)
	[ $rc = 0 ] && [ "$got" = 30 ] && [ "$(cat $UP/a/lxcmgr.payload.w/pids.max)" = 30 ]
	check "lxc-cgroup as the user: pids.max set to 30 and read back" $? \
		"set: rc $rc $(cat /tmp/ucg.log)" "read: $got"

	# The fork loop last: it leaves the container without a free pid.
	res=$(as shell lxc-attach -n w -- sh -c '( i=0; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done ) 2> /dev/null; echo loop=$?' 2>&1)
	cur=$(cat $UP/a/lxcmgr.payload.w/pids.current); ev=$(cat $UP/a/lxcmgr.payload.w/pids.events)
	st=1
	case "$res" in *loop=0*) ;; *loop=*) [ "$cur" -le 30 ] && [ "${ev#max }" -ge 1 ] && st=0 ;; esac
	check "pids.max stops a fork loop in the user's container" $st "$res" \
		"pids.current $cur, pids.events $ev"
}

# A second container beside the first, from a scope of its own: both run
# with their own limits; their stops leave the scopes as they were.
t_user_two() {
	user_setup || return
	scope b
	unew w2 'lxc.cgroup2.memory.max = 32M' || return
	as b lxc-start -n w2 > /tmp/u2.log 2>&1; rc=$?
	r2=$(as shell lxc-attach -n w2 -- cat /sys/fs/cgroup/memory.max 2>&1)
	r1=$(as shell lxc-attach -n w -- true 2>&1; cat $UP/a/lxcmgr.payload.w/memory.max)
	[ $rc = 0 ] && [ "$r2" = 33554432 ] && [ "$r1" = 67108864 ]
	check "a second user container beside the first, each with its limits" $? \
		"lxc-start: rc $rc $(cat /tmp/u2.log)" "w2 inside: $r2" "w's memory.max: $r1"
	as shell lxc-stop -n w > /tmp/ustop.log 2>&1; r1=$?
	as shell lxc-stop -n w2 >> /tmp/ustop.log 2>&1; r2=$?
	st=0
	[ $r1 = 0 ] && [ $r2 = 0 ] || st=1
	for s in a b; do
		[ -z "$(subdirs $UP/$s)" ] && [ -z "$(cat $UP/$s/cgroup.subtree_control)" ] || st=1
	done
	check "the user's stops remove the monitor cgroups and turn the scopes' controllers off" $st \
		"$(cat /tmp/ustop.log)" "left: $(subdirs $UP/a) $(subdirs $UP/b)" \
		"subtree_control: a: $(cat $UP/a/cgroup.subtree_control) b: $(cat $UP/b/cgroup.subtree_control)"
}

# Another process in the caller's cgroup (a shell): a key that needs a
# controller is refused in one line naming the cgroup and the fix, with
# nothing left; a container without one starts, said in a notice.
t_user_busy() {
	user_setup || return
	scope c
	sh -c 'echo $$ > "$0/cgroup.procs" && exec /usr/bin/setpriv --reuid=61000 --regid=61000 \
		--clear-groups sleep 1000' $UP/c > /tmp/sleeper.log 2>&1 &
	sleeper=$!
	i=0; while [ $i -lt 100 ] && ! grep -qx "$sleeper" $UP/c/cgroup.procs; do sleep 0.05; i=$((i + 1)); done
	unew wb 'lxc.cgroup2.pids.max = 20' || return
	as c lxc-start -n wb > /tmp/ub.log 2>&1; rc=$?
	st=1
	[ $rc != 0 ] && [ -z "$(subdirs $UP/c)" ] && [ "$(wc -l < /tmp/ub.log)" = 1 ] &&
		grep -q "lxc.cgroup2.pids.max = 20 .*\"$UP/c\" (the caller's cgroup): other processes are in it: $sleeper (sleep).*systemd-run --user --scope -p Delegate=yes lxc-start -n wb" /tmp/ub.log &&
		st=0
	echo "VM: refused: $(cat /tmp/ub.log)"
	check "the user's cgroup holds another process: limits refused, naming it and the fix" $st \
		"rc $rc: $(cat /tmp/ub.log)" "left: $(subdirs $UP/c)"
	unew w3 || return
	as c lxc-start -n w3 > /tmp/ub3.log 2>&1; rc=$?
	as shell lxc-stop -n w3 >> /tmp/ub3.log 2>&1; rc2=$?
	[ $rc = 0 ] && [ $rc2 = 0 ] && grep -q "not enabled for the children of \"$UP/c\".*other processes are in it: $sleeper (sleep)" /tmp/ub3.log &&
		[ -z "$(subdirs $UP/c)" ]
	check "... and a container without limits starts there, saying so" $? "$(cat /tmp/ub3.log)" \
		"left: $(subdirs $UP/c)"
	kill $sleeper; wait $sleeper 2> /dev/null
}

# A value the kernel refuses, after the monitor took lxc-start out of the
# scope: one line, and the scope as it was (lxc-start back in it, gone).
# Then lxc-execute, whose monitor is the process itself.
t_user_fail_fg() {
	user_setup || return
	scope d
	unew wbad 'lxc.cgroup2.memory.max = lots' || return
	as d lxc-start -n wbad > /tmp/uf.log 2>&1; rc=$?
	st=1
	[ $rc != 0 ] && [ "$(wc -l < /tmp/uf.log)" = 1 ] && [ -z "$(subdirs $UP/d)" ] &&
		[ -z "$(cat $UP/d/cgroup.subtree_control)" ] && [ -z "$(cat $UP/d/cgroup.procs)" ] &&
		grep -q 'lxc.cgroup2.memory.max = lots .*memory.max' /tmp/uf.log && st=0
	check "a refused limit after lxc-start left the scope: one line, the scope as it was" $st \
		"rc $rc: $(cat /tmp/uf.log)" "left: $(subdirs $UP/d)" \
		"subtree_control: $(cat $UP/d/cgroup.subtree_control)"
	unew we 'lxc.cgroup2.memory.max = 48M' || return
	res=$(as d lxc-execute -n we -- cat /sys/fs/cgroup/memory.max 2>&1); rc=$?
	[ $rc = 0 ] && [ "$res" = 50331648 ] && [ -z "$(subdirs $UP/d)" ] &&
		[ -z "$(cat $UP/d/cgroup.subtree_control)" ]
	check "lxc-execute by the user: the limit inside, the scope as it was after" $? "rc $rc: $res" \
		"left: $(subdirs $UP/d)" "subtree_control: $(cat $UP/d/cgroup.subtree_control)"
}

# A cgroup of the user's own beside the container's (a shell the user moved
# into a child of the scope): the controllers stay on at the stop, and the
# monitor ends in lxcmgr.pivot, removing its own cgroup.
t_user_pivot() {
	user_setup || return
	scope p
	unew wp || return
	as p lxc-start -n wp > /tmp/up.log 2>&1
	pid=$(as shell lxc-info -n wp -p | awk '{print $2}')
	mon=$(awk '{print $4}' /proc/$pid/stat 2> /dev/null)
	as shell mkdir $UP/p/inner
	sh -c 'echo $$ > "$0/cgroup.procs" && exec /usr/bin/setpriv --reuid=61000 --regid=61000 \
		--clear-groups sleep 1000' $UP/p/inner > /dev/null 2>&1 &
	sleeper=$!
	i=0; while [ $i -lt 100 ] && ! grep -qx "$sleeper" $UP/p/inner/cgroup.procs; do sleep 0.05; i=$((i + 1)); done
	as shell lxc-stop -n wp >> /tmp/up.log 2>&1; rc=$?
	i=0; while [ $i -lt 200 ] && [ -e /proc/$mon ] && ! grep -q '^State:.*Z' /proc/$mon/status; do sleep 0.05; i=$((i + 1)); done
	left=$(subdirs $UP/p | tr '\n' ' ')
	ctl=$(cat $UP/p/cgroup.subtree_control)
	[ $rc = 0 ] && [ -n "$mon" ] && [ "$left" = "$UP/p/inner/ $UP/p/lxcmgr.pivot/ " ] &&
		[ -z "$(cat $UP/p/lxcmgr.pivot/cgroup.procs)" ] && [ -n "$ctl" ]
	check "beside a cgroup of the user's own, the monitor ends in lxcmgr.pivot, its cgroup removed" $? \
		"lxc-stop: rc $rc $(cat /tmp/up.log)" "left: $left" "subtree_control: $ctl"
	kill $sleeper; wait $sleeper 2> /dev/null
	i=0; while [ $i -lt 100 ] && [ -n "$(cat $UP/p/inner/cgroup.procs)" ]; do sleep 0.05; i=$((i + 1)); done
	rmdir $UP/p/inner $UP/p/lxcmgr.pivot $UP/p
}

# The monitor killed: the user's lxc-stop -k removes the cgroups it left
# and turns the scope's controllers off again; the scope takes a new start.
t_user_orphan() {
	user_setup || return
	as a lxc-start -n w > /tmp/uo.log 2>&1
	pid=$(as shell lxc-info -n w -p | awk '{print $2}')
	mon=$(awk '{print $4}' /proc/$pid/stat 2> /dev/null)
	kill -9 $mon
	i=0; while [ $i -lt 100 ] && [ -e /proc/$mon ] && ! grep -q '^State:.*Z' /proc/$mon/status; do sleep 0.05; i=$((i + 1)); done
	before=$(subdirs $UP/a)
	as shell lxc-stop -n w -k >> /tmp/uo.log 2>&1; rc=$?
	st=1
	[ -n "$before" ] && [ $rc = 0 ] && [ -z "$(subdirs $UP/a)" ] &&
		[ -z "$(cat $UP/a/cgroup.subtree_control)" ] && [ ! -e /proc/$pid ] && st=0
	check "the user's lxc-stop -k after a killed monitor: its cgroups gone, the scope as it was" $st \
		"$(cat /tmp/uo.log)" "before: $before" "left: $(subdirs $UP/a)" \
		"subtree_control: $(cat $UP/a/cgroup.subtree_control)"
	as a lxc-start -n w > /tmp/uo2.log 2>&1; rc=$?
	as shell lxc-stop -n w >> /tmp/uo2.log 2>&1
	[ $rc = 0 ] && [ -z "$(subdirs $UP/a)" ]
	check "... and the scope takes the next start" $? "$(cat /tmp/uo2.log)"
	for n in w w2 w3 wb wp wbad we; do as shell lxc-destroy -n $n > /dev/null 2>&1; done
	for s in a b c d shell; do rmdir $UP/$s; done
	rmdir $UP
	[ ! -d $UP ]; check "nothing of the user's cgroups left" $? "$(find $UP -type d 2> /dev/null)"
}

t_mounts() {
	new g 'lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed' 'lxc.cgroup2.pids.max = 66' || return
	res=$(run g 'awk '\''$5 ~ "^/sys/fs/cgroup" { print "mount", $5, $(NF-2), substr($6, 1, 2) }'\'' /proc/self/mountinfo
		echo max=$(cat /sys/fs/cgroup/pids.max); cat /proc/self/cgroup
		echo 70 > /sys/fs/cgroup/pids.max 2> /dev/null && echo raised=yes
		mkdir /sys/fs/cgroup/inner && echo inner=made')
	st=0
	for w in "mount /sys/fs/cgroup cgroup2 rw" max=66 0::/ inner=made; do
		case "$res" in *"$w"*) ;; *) st=1 ;; esac
	done
	case "$res" in *raised=yes*) st=1 ;; esac
	[ "$(cat $(payload g)/pids.max)" = 66 ] || st=1
	check "cgroup:mixed: cgroup2 at /sys/fs/cgroup, rooted at its own cgroup, whose limits it cannot raise" \
		$st "$res"
	stop g
	new r 'lxc.mount.auto = cgroup:ro proc:mixed sys:mixed' || return
	res=$(run r 'awk '\''$5 ~ "^/sys/fs/cgroup" { print "mount", $5, $(NF-2), substr($6, 1, 2) }'\'' /proc/self/mountinfo
		mkdir /sys/fs/cgroup/inner && echo inner=made')
	case "$res" in *"mount /sys/fs/cgroup cgroup2 ro"*) st=0 ;; *) st=1 ;; esac
	case "$res" in *inner=made*) st=1 ;; esac
	check "cgroup:ro: cgroup2 at /sys/fs/cgroup read-only" $st "$res"
	stop r
}

# A Debian container (systemd) boots to "running" with cgroup2 as its only
# hierarchy, and halts in order at lxc-stop. lane.sh packed its config and
# layer in /lxcmgr/debian; its rootfs is the read-only disk /dev/vda.
t_systemd() {
	D=lxcmgr-test-vmdeb name="a systemd container boots to running on cgroup2 and halts"
	if [ -f /test/debian.skip ]; then
		echo "VMTAP: ok - $name # SKIP $(cat /test/debian.skip)"
		return
	fi
	mkdir -p /mnt/debian $P/$D
	if ! mount -t ext4 -o ro /dev/vda /mnt/debian 2> /tmp/mnt.log; then
		notok "$name" "mount /dev/vda: $(cat /tmp/mnt.log)"
		return
	fi
	cp -a /lxcmgr/debian/. $P/$D/
	echo "lxc.console.logfile = /tmp/deb-console.log" >> $P/$D/config
	t0=$(cut -d' ' -f1 /proc/uptime)
	if ! lxc-start -P $P -n $D -l INFO -o /tmp/deb.log; then
		notok "$name" "lxc-start failed: $(tail -n 5 /tmp/deb.log)"
		umount /mnt/debian
		return
	fi
	state=$(lxc-attach -P $P -n $D -- timeout 240 sh -c \
		'until [ -S /run/systemd/private ]; do sleep 0.2; done; systemctl is-system-running --wait' 2>&1)
	echo "VM: systemd: $state after $(awk -v t0=$t0 '{ print $1 - t0 }' /proc/uptime)s"
	fs=$(lxc-attach -P $P -n $D -- stat -f -c %T /sys/fs/cgroup 2>&1)
	own=$(lxc-attach -P $P -n $D -- cat /proc/1/cgroup 2>&1)
	failed=$(lxc-attach -P $P -n $D -- systemctl --failed --no-legend --plain 2>&1)
	lxc-stop -P $P -n $D -t 120 > /tmp/deb-stop.log 2>&1; rc=$?
	st=0
	[ "$state" = running ] && [ "$fs" = cgroup2fs ] && [ "$own" = "0::/init.scope" ] || st=1
	[ $rc = 0 ] && grep -q "Reached target.*System Halt\|Halting system" /tmp/deb-console.log || st=1
	[ -d $(payload $D) ] && st=1
	check "$name" $st "is-system-running: $state" "/sys/fs/cgroup: $fs; /proc/1/cgroup: $own" \
		"failed units: $failed" "lxc-stop: rc $rc $(cat /tmp/deb-stop.log)" \
		"console: $(tail -n 5 /tmp/deb-console.log)"
	umount /mnt/debian
}

# VMTESTS (from the kernel command line, LXCMGR_VM_TESTS of lane.sh): only these.
for t in ${VMTESTS:-t_backend t_memory t_pids t_cpuset t_devices t_devices_change t_translation \
		t_lxc_cgroup \
		t_stop_k t_user t_user_two t_user_busy t_user_fail_fg t_user_pivot \
		t_user_orphan t_mounts t_systemd}; do
	$t
	echo "VM: $t done, uptime $(cut -d' ' -f1 /proc/uptime)s"
done
left=$(ls -d $CG/lxcmgr.* 2> /dev/null)
[ -z "$left" ]; check "no cgroup left after the tests" $? "$left"
