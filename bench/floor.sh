# Sourced by the bench scripts: the floor probes of bench/floor.c beside
# LXC's figures and ours. Needs $top and $work (the script's temporary
# directory, removed by its own cleanup).

# floor_build: builds bench/floor.c (static, like our lxc-info) into
# $work/floor-probe and sets $floor.
floor_build() {
	floor=$work/floor-probe
	cc -O2 -static -std=gnu11 -Wall -Wextra -Werror -o "$floor" "$top/bench/floor.c" ||
		{ echo "bench: bench/floor.c did not build" >&2; exit 1; }
}

# floor_rootfs SRC DST: a copy of a busybox container's rootfs with the
# probe in it as /floor (the init of "floor start" without -b).
floor_rootfs() {
	cp -a "$1" "$2"
	cp "$floor" "$2/floor"
}

# floor_stop_all STATE-DIR...: stops the containers of "floor start" whose
# state directories are given. Those without a state file are skipped: call
# it only once every tool has returned and its monitor has had a moment to
# write the file ("floor stop STATE" itself waits for it).
floor_stop_all() {
	local d
	for d in "$@"; do [ -f "$d/pid" ] && "$floor" stop "$d" 2> /dev/null; done
	return 0
}

# ratio A B: A / B to three places, "-" where either is not a figure.
ratio() {
	case "$1$2" in *[!0-9.]*|"") echo - ;; *) echo "scale=3; $1 / $2" | bc ;; esac
}

# floor_header / floor_row OPERATION LXC OURS FLOOR TARGET: a row with the
# floor beside LXC's and ours (ms), and the ratios ours/LXC (the target's),
# floor/LXC (the best any implementation could reach) and ours/floor.
floor_header() {
	printf '%-36s %9s %9s %9s %8s %9s %10s   %s\n' operation "LXC ms" "ours ms" "floor ms" \
		ours/LXC floor/LXC ours/floor target
}
floor_row() {
	printf '%-36s %9s %9s %9s %8s %9s %10s   %s\n' "$1" "$2" "$3" "$4" \
		"$(ratio "$3" "$2")" "$(ratio "$4" "$2")" "$(ratio "$3" "$4")" "$5"
}
