# Helpers for the tests that run the tools as an ordinary user (test-unpriv,
# test-unpriv-start, test-usernic). No user is added to the machine: the
# tools run as a free uid in a private mount namespace where the test's
# copies of /etc files are bound over the host's; cgroups delegated to that
# uid are the test's own, beneath its cgroup. Source after lib.sh.

# free_id [FROM]: a uid and gid no passwd or group entry of the host uses.
free_id() {
	local id=${1:-61000}
	while getent passwd "$id" > /dev/null || getent group "$id" > /dev/null; do
		id=$((id + 1))
	done
	echo "$id"
}

# need_subids: what a user's user namespace needs here, or a skip naming it.
need_subids() {
	command -v newuidmap > /dev/null || { skip "no newuidmap (scripts/install-deps installs uidmap)"; return 1; }
	local f
	for f in subuid subgid; do
		[ -e "/etc/$f" ] || { skip "no /etc/$f to bind the test's copy over (the test makes no files in /etc)"; return 1; }
	done
}

# user_files NAME UID SUBUID SUBGID: in $U (made), the /etc copies with
# NAME as UID (home $U/home), its subordinate ranges, and the user's home
# (with the test's default.conf as its own) and runtime directory.
user_files() {
	local name=$1 uid=$2
	mkdir -p "$U/etc" "$U/home/.config/lxcmgr" "$U/run"
	cp /etc/passwd /etc/group "$U/etc/"
	echo "$name:x:$uid:$uid::$U/home:/bin/sh" >> "$U/etc/passwd"
	echo "$name:x:$uid:" >> "$U/etc/group"
	echo "$name:$3:65536" > "$U/etc/subuid"
	echo "$name:$4:65536" > "$U/etc/subgid"
	# The test's default config: loopback only, cgroups below the test's own.
	cp "$T/etc/default.conf" "$U/home/.config/lxcmgr/default.conf"
	chown -R "$uid:$uid" "$U/home" "$U/run"
	chmod 700 "$U/run"
}

# The mount point of the hierarchy whose /proc/self/cgroup field is $1
# ("" for cgroup2, "cpu,cpuacct", "name=systemd").
hier_mount() {
	case "$1" in
	"") awk '$(NF-2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo ;;
	*) awk -v o="$1" '$(NF-2) == "cgroup" && ("," $NF ",") ~ ("," o ",") { print $5; exit }' \
		/proc/self/mountinfo ;;
	esac
}

# delegate UID [CONTROLLER...]: a cgroup lxcmgr-test-deleg-$$ beneath the
# test's own in each hierarchy (only the named v1 controllers' among the v1
# ones when given; cgroup2 and name=systemd always), given to UID as
# systemd's Delegate=yes would: the directory, cgroup.procs, tasks,
# cgroup.subtree_control, cgroup.threads. $DELEG lists them (to move the
# user's process into); removed at cleanup, children first.
delegate() {
	local uid=$1 id ctrls path mnt dir f want
	shift
	DELEG=()
	while IFS=: read -r id ctrls path; do
		mnt=$(hier_mount "$ctrls")
		[ -n "$mnt" ] || continue
		case ",$ctrls," in
		,, | *,name=systemd,*) ;;
		*)
			if [ $# -gt 0 ]; then
				want=
				for f in "$@"; do case ",$ctrls," in *",$f,"*) want=1 ;; esac; done
				[ -n "$want" ] || continue
			fi
			;;
		esac
		dir=$mnt${path%/}/lxcmgr-test-deleg-$$
		mkdir "$dir" || { fail "mkdir $dir"; return 1; }
		at_cleanup find "$dir" -depth -type d -exec rmdir {} +
		# cpuset: a new cgroup has no CPUs until given its parent's.
		for f in cpuset.cpus cpuset.mems; do
			[ -e "$dir/$f" ] && cat "$mnt${path%/}/$f" > "$dir/$f"
		done
		chown "$uid:$uid" "$dir"
		for f in cgroup.procs tasks cgroup.subtree_control cgroup.threads; do
			[ -e "$dir/$f" ] && chown "$uid:$uid" "$dir/$f"
		done
		DELEG+=("$dir")
	done < /proc/self/cgroup
}
