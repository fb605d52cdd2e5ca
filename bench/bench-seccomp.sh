#!/usr/bin/env bash
# What seccomp costs a start: lxc-start of a busybox container (no network
# device) with the default policy (config/common.seccomp, from the cache)
# against the same container without a policy; and Debian's LXC the same
# way with its own common.seccomp. Starts alternate between the two configs
# of a side, so the machine's drift hits both; median of N each.
#   ours: policy / none             target <= 1.2
#   first start, empty cache        (compile + write), for the record
#   LXC: its policy / none, ours / LXC with policies
#
# Then, in-process (bench/seccomp-cost.c, built against _build's library):
# compile, cache hit and the kernel's load, for common.seccomp and for an
# allowlist of every x86_64 system call.
#
# Usage: bench/bench-seccomp.sh [-n N]
# Root, Debian's lxc (scripts/install-deps --test), a build in _build.
set -eu
n=15
while getopts n: opt; do
	case $opt in
	n) n=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
. "$(dirname "$0")/lib.sh"
bench_need lxc-start /usr/bin/lxc-start
bench_setup

ratio() { echo "scale=3; $1 / $2" | bc; }

# Ours: the template sets the default policy; "off" clears it.
"$ours/lxc-create" -P "$work/ours" -n on -t busybox > /dev/null
# "off2", a second container without a policy, shows the noise floor:
# its ratio to "off" says how much of a ratio is the machine's.
for c in off off2; do
	"$ours/lxc-create" -P "$work/ours" -n $c -t busybox > /dev/null
	echo "lxc.seccomp.profile =" >> "$work/ours/$c/config"
done
# LXC's busybox template sets none: "on" gets LXC's common.seccomp.
for c in on off; do
	/usr/bin/lxc-create -P "$work/lxc" -n $c -t busybox > /dev/null 2>&1
	lxc_no_net "$work/lxc/$c/config"
done
echo "lxc.seccomp.profile = /usr/share/lxc/config/common.seccomp" >> "$work/lxc/on/config"

# START STOP NAME...: N rounds over the names; prints one median per name.
rounds() {
	local start=$1 stop=$2; shift 2
	local i c s e
	declare -A t
	for i in $(seq "$n"); do
		for c in "$@"; do
			s=$(now_ns); $start -n "$c" > /dev/null; e=$(now_ns)
			t[$c]="${t[$c]:-} $((e - s))"
			$stop -n "$c" -k > /dev/null
		done
	done
	for c in "$@"; do echo "${t[$c]}" | tr ' ' '\n' | grep . | median; done
}

# The first start compiles and writes the cache; the rounds read it.
s=$(now_ns); "$ours/lxc-start" -P "$work/ours" -n on; e=$(now_ns)
first=$(echo "$((e - s))" | median)
"$ours/lxc-stop" -P "$work/ours" -n on -k
{ read -r our_on; read -r our_off; read -r our_off2; } < <(rounds "$ours/lxc-start -P $work/ours" "$ours/lxc-stop -P $work/ours" on off off2)
{ read -r lxc_on; read -r lxc_off; } < <(rounds "/usr/bin/lxc-start -P $work/lxc" "/usr/bin/lxc-stop -P $work/lxc" on off)

echo "seccomp and lxc-start, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r), median of $n, load $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-44s %9s\n' "lxc-start returns" "ms"
printf '%-44s %9s\n' "ours, no policy" "$our_off"
printf '%-44s %9s   ratio %s (noise floor)\n' "ours, no policy, a second container" "$our_off2" "$(ratio "$our_off2" "$our_off")"
printf '%-44s %9s   ratio %s (target <= 1.2)\n' "ours, common.seccomp (cached)" "$our_on" "$(ratio "$our_on" "$our_off")"
printf '%-44s %9s\n' "ours, common.seccomp, first start (compiles)" "$first"
printf '%-44s %9s\n' "LXC, no policy" "$lxc_off"
printf '%-44s %9s   ratio %s\n' "LXC, its common.seccomp" "$lxc_on" "$(ratio "$lxc_on" "$lxc_off")"
printf '%-44s %9s\n' "ours / LXC, each with its policy" "$(ratio "$our_on" "$lxc_on")"

# In-process figures.
if cc -std=gnu11 -O2 -include "$top/_build/config.h" -I"$top/liblxcmgr" -o "$work/cost" \
	"$top/bench/seccomp-cost.c" "$top/_build/liblxcmgr/.libs/liblxcmgr-internal.a" \
	-lseccomp -lcap -lapparmor -ltar 2> "$work/cc.log"; then
	awk '/#define __NR_/ { sub("__NR_", "", $2); print $2 }' \
		/usr/include/x86_64-linux-gnu/asm/unistd_64.h > "$work/names" 2> /dev/null || true
	{ printf '2\nallowlist errno 1\n'; cat "$work/names"; } > "$work/allow-all.seccomp"
	for p in "$top/config/common.seccomp" "$work/allow-all.seccomp"; do
		mkdir -m 0700 "$work/cache"
		"$work/cost" "$p" "$work/cache" | sed "s|$top/||; s|$work/||"
		rm -rf "$work/cache"
	done
else
	echo "(bench/seccomp-cost.c did not build: $(head -n 1 "$work/cc.log"))"
fi
