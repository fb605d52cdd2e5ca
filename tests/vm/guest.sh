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

# An ordinary user (uid 61000, subordinate ids from 1100000) starts a
# container from a cgroup delegated to them as systemd's Delegate=yes does:
# the directory, cgroup.procs, cgroup.subtree_control, cgroup.threads.
t_user() {
	name="an ordinary user starts a container from a delegated cgroup2 cgroup"
	PATH=$PATH:/usr/bin:/usr/sbin
	command -v setpriv > /dev/null && command -v newuidmap > /dev/null ||
		{ notok "$name" "setpriv or newuidmap was not packed"; return; }
	u=61000 h=/home/user d=$CG/lxcmgr-test-udeleg
	[ -e /etc/passwd ] || echo 'root:x:0:0::/root:/bin/sh' > /etc/passwd
	[ -e /etc/group ] || echo 'root:x:0:' > /etc/group
	echo "user:x:$u:$u::$h:/bin/sh" >> /etc/passwd; echo "user:x:$u:" >> /etc/group
	echo "user:1100000:65536" > /etc/subuid; echo "user:1200000:65536" > /etc/subgid
	mkdir -p $h/.config/lxcmgr /run/user/$u $d
	cp $LXCMGR_CONFIG_PATH/default.conf $h/.config/lxcmgr/
	chown -R $u:$u $h /run/user/$u
	chown $u:$u $d $d/cgroup.procs $d/cgroup.subtree_control $d/cgroup.threads
	as() {
		sh -c 'echo $$ > "$0/cgroup.procs" && exec /usr/bin/setpriv --reuid=61000 --regid=61000 \
			--clear-groups env -u LXCMGR_CONFIG_PATH -u LXCMGR_RUNTIME_PATH \
			HOME=/home/user XDG_RUNTIME_DIR=/run/user/61000 "$@"' $d "$@"
	}
	as lxc-create -n w -t busybox > /tmp/u.log 2>&1 &&
		as lxc-start -n w >> /tmp/u.log 2>&1
	res=$(as lxc-attach -n w -- sh -c 'id -u; cat /proc/self/uid_map; cat /proc/1/cgroup' 2>&1)
	pid=$(as lxc-info -n w -p | awk '{print $2}')
	own=$(cat /proc/$pid/cgroup 2> /dev/null)
	as lxc-stop -n w >> /tmp/u.log 2>&1; rc=$?
	as lxc-destroy -n w >> /tmp/u.log 2>&1
	st=1
	case "$res" in 0*1100000*65536*) [ "$own" = "0::/lxcmgr-test-udeleg/lxcmgr.payload.w" ] &&
		[ $rc = 0 ] && [ -z "$(ls -d $d/*/ 2> /dev/null)" ] &&
		grep -q "not enabled for the children of" /tmp/u.log && st=0 ;; esac
	echo "VM: the user's lxc-start said: $(cat /tmp/u.log)"
	check "$name" $st "inside: $res" "init's cgroup: $own" "log: $(cat /tmp/u.log)" \
		"left: $(ls -d $d/*/ 2> /dev/null)"
	rmdir $d 2> /dev/null
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
		t_stop_k t_user t_mounts t_systemd}; do
	$t
	echo "VM: $t done, uptime $(cut -d' ' -f1 /proc/uptime)s"
done
left=$(ls -d $CG/lxcmgr.* 2> /dev/null)
[ -z "$left" ]; check "no cgroup left after the tests" $? "$left"
