#!/usr/bin/env bash
# The pure cgroup2 lane: boots Debian's cloud kernel under qemu (TCG; no KVM
# needed) with an initramfs whose only cgroup hierarchy is cgroup2, and runs
# tests/vm/guest.sh there: the cgroup2 backend test (tests/vm/cgroup2-
# backend.c, built static here), busybox containers started with limits
# by the tools of BUILD, and a Debian container booting systemd (its rootfs
# from the tests' debootstrap cache, on a read-only virtio disk). Prints
# TAP ("ok N - ...", one line per guest test), or one "# SKIP" line saying
# why it cannot run.
#
#   tests/vm/lane.sh BUILD-DIR        (as root; tests/run calls it)
#
# Everything comes from Debian's archive, fetched into a cache on first use:
# the kernel .deb is downloaded and extracted, never installed. Environment:
#   LXCMGR_VM_CACHE    cache directory (default: .cache/vm in the tree)
#   LXCMGR_VM_TIMEOUT  seconds before qemu is killed (default 300)
#   LXCMGR_VM_TESTS    only these functions of guest.sh ("t_memory t_pids")
#   LXCMGR_TEST_CACHE_DIR  the tests' debootstrap cache (default
#                      /var/tmp/lxcmgr-test-cache, as test-template-debian.sh)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
cache=${LXCMGR_VM_CACHE:-$top/.cache/vm}
timeout=${LXCMGR_VM_TIMEOUT:-300}
name="cgroup2 VM lane"

skip() { echo "ok 1 - $name # SKIP $*"; echo "1..1"; exit 0; }
die() { echo "not ok 1 - $name: $*"; echo "1..1"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
command -v qemu-system-x86_64 > /dev/null ||
	skip "qemu-system-x86_64 is not installed (scripts/install-deps --test)"
command -v cpio > /dev/null || skip "cpio is not installed (scripts/install-deps --test)"
busybox=$(command -v busybox) && ! ldd "$busybox" > /dev/null 2>&1 ||
	skip "no static busybox (scripts/install-deps: busybox-static)"
mkdir -p "$cache" || die "cannot make the cache $cache"

# ---- the kernel: Debian's current cloud kernel (small, LZ4, cgroup2 built in)
kroot=$cache/kernel
if ! ls "$kroot"/boot/vmlinuz-* > /dev/null 2>&1; then
	pkg=$(apt-cache depends linux-image-cloud-amd64 2> /dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
	[ -n "$pkg" ] || skip "no kernel: apt-cache knows no linux-image-cloud-amd64 (apt-get update?)"
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg" > /dev/null 2>&1) ||
		{ rm -rf "$tmp"; skip "no kernel: apt-get download $pkg failed (is Debian's archive reachable?)"; }
	rm -rf "$kroot.new"
	dpkg-deb -x "$tmp"/*.deb "$kroot.new" || { rm -rf "$tmp" "$kroot.new"; die "dpkg-deb -x $pkg"; }
	rm -rf "$tmp" "$kroot"
	mv "$kroot.new" "$kroot"
fi
kernel=$(ls "$kroot"/boot/vmlinuz-* | head -n 1)

# ---- a systemd guest: a Debian container made on the host by the debian
# template from the tests' debootstrap cache (built first when missing, as
# test-template-debian.sh's need_cache does), handed to the guest as
# - the cache version's rootfs: an ext4 image on a read-only virtio disk,
#   made once per cache version (the cloud kernel has no 9p);
# - the container's own layer (delta0) and config, in the initramfs.
# The guest's kernel modules (virtio disk, overlay) go in /lib/modules with
# the order to load them in. When any of it cannot be had, /test/debian.skip
# says why and the guest's test reports a skip.
debian_skip() { echo "$*" > "$root/test/debian.skip"; }
# modules_closure NAME...: NAME and what it needs, dependencies first.
modules_closure() {
	local m f
	for m in "$@"; do
		case " $mods " in *" $m "*) continue ;; esac
		f=$(find "$kroot/lib/modules" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || return 1
		modules_closure $(modinfo -F depends "$f" | tr ',' ' ') || return 1
		mods="$mods $m"; cp "$f" "$root/lib/modules/"
	done
}
debian_container() {
	local tcache=${LXCMGR_TEST_CACHE_DIR:-/var/tmp/lxcmgr-test-cache} arch keydir m ver rootfs kib
	for m in debootstrap:debootstrap modinfo:kmod mke2fs:e2fsprogs; do
		command -v "${m%:*}" > /dev/null ||
			{ debian_skip "${m%:*} is not installed (scripts/install-deps --test: ${m#*:})"; return; }
	done
	arch=$(dpkg --print-architecture 2> /dev/null || echo amd64)
	keydir=$tcache/debian/bookworm-$arch
	if [ ! -d "$keydir/current/rootfs" ]; then
		m=$(awk '/^(URIs:|deb )/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2> /dev/null)
		m=${m:-http://deb.debian.org/debian}
		timeout 20 wget -q --spider "$m/dists/bookworm/Release" 2> /dev/null ||
			{ debian_skip "no bookworm cache in $tcache and debootstrap cannot reach $m"; return; }
		echo "# building the debootstrap cache in $tcache (minutes, once per machine)"
	fi
	local h=$work/host
	mkdir -p "$h/lxcpath" "$h/etc"
	printf 'lxc.lxcpath = %s\nlxc.default_config = %s\n' "$h/lxcpath" "$h/etc/default.conf" \
		> "$h/etc/lxc.conf"
	sed '/^lxc\.net\./d' "$top/config/default.conf" > "$h/etc/default.conf"
	echo 'lxc.net.0.type = empty' >> "$h/etc/default.conf"
	if ! LXCMGR_CONFIG_PATH=$h/etc LXCMGR_RUNTIME_PATH=$h/run LXCMGR_CACHE_DIR=$tcache \
		LXCMGR_TEMPLATE_PATH=$top/templates "$build/tools/lxc-create" -P "$h/lxcpath" \
		-n lxcmgr-test-vmdeb -t debian > "$work/debian.log" 2>&1; then
		debian_skip "lxc-create -t debian failed: $(tail -n 3 "$work/debian.log" | tr '\n' ' ')"
		return
	fi
	ver=$(readlink "$keydir/current")
	rootfs=$keydir/$ver/rootfs
	disk=$cache/debian-$arch-$ver.ext4
	if [ ! -f "$disk" ]; then
		rm -f "$cache"/debian-"$arch"-*.ext4
		kib=$(du -sk "$rootfs" | cut -f1)
		# a third more than the files, as 4 KiB blocks
		mke2fs -q -t ext4 -O ^has_journal -b 4096 -d "$rootfs" "$disk.new" \
			$((kib * 4 / 3 / 4 + 8192)) > "$work/mke2fs.log" 2>&1 &&
			mv "$disk.new" "$disk" ||
			{ rm -f "$disk.new"; disk=
			  debian_skip "mke2fs -d $rootfs: $(head -n 2 "$work/mke2fs.log")"; return; }
	fi
	mkdir -p "$root/lib/modules" "$root/lxcmgr/debian"
	mods=
	modules_closure virtio_pci virtio_blk overlay ||
		{ disk=; debian_skip "$kernel has no virtio_pci, virtio_blk or overlay module"; return; }
	echo $mods > "$root/lib/modules/order"
	cp -a "$h/lxcpath/lxcmgr-test-vmdeb/." "$root/lxcmgr/debian/"
	# the guest's paths: the disk's rootfs at /mnt/debian, the layer under its lxcpath
	local layer=/var/lib/lxcmgr/lxcmgr-test-vmdeb/delta0
	sed -e "s|^lxc\.rootfs\.path = .*|lxc.rootfs.path = overlay:/mnt/debian:$layer|" \
		-e "s|$top/config/|/lxcmgr/config/|g" \
		"$h/lxcpath/lxcmgr-test-vmdeb/config" > "$root/lxcmgr/debian/config" ||
		{ disk=; debian_skip "cannot write the guest's config"; }
}

# ---- what the guest runs: built now, from this tree
work=$(mktemp -d /tmp/lxcmgr-vm.XXXXXX)
qpid=
cleanup() { [ -n "$qpid" ] && kill "$qpid" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,var,etc,test,lxcmgr/bin,lxcmgr/config}
cp "$busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
cp "$here/guest.sh" "$root/test/guest.sh"
gcc -static -std=gnu11 -O1 -I "$top/liblxcmgr" -I "$build" -include "$build/config.h" \
	-o "$root/test/cgroup2-backend" "$here/cgroup2-backend.c" \
	"$top"/liblxcmgr/cgroup/{cgroup,v1,v2,devices,delegate,freezer,stats}.c \
	"$top"/liblxcmgr/util/{error,str,file,clock}.c > "$work/gcc.log" 2>&1 ||
	die "building tests/vm/cgroup2-backend.c failed: $(head -n 5 "$work/gcc.log" | tr '\n' ' ')"
for t in lxc-create lxc-start lxc-stop lxc-info lxc-cgroup lxc-attach lxc-attach-full lxc-freeze \
		lxc-unfreeze lxcmgr-init lxc-execute lxcmgr-exec lxc-destroy; do
	# (lxc-attach, the front, hands over to the lxc-attach-full beside it)
	[ -x "$build/tools/$t" ] || die "$build/tools/$t is not built"
	cp "$build/tools/$t" "$root/lxcmgr/bin/"
	# the libraries at the paths the loader looks for them
	for l in $(ldd "$build/tools/$t" 2> /dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$l")"
		[ -e "$root$l" ] || cp -L "$l" "$root$l"
	done
done
# an ordinary user's start (t_user): setpriv, and the setuid map helpers
for t in setpriv newuidmap newgidmap; do
	f=$(command -v $t) || continue
	mkdir -p "$root$(dirname "$f")"
	cp -p "$f" "$root$f"
	for l in $(ldd "$f" 2> /dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$l")"
		[ -e "$root$l" ] || cp -L "$l" "$root$l"
	done
done
cp -r "$top/templates" "$root/lxcmgr/templates"
cp "$top"/config/*.conf "$top"/config/*.seccomp "$root/lxcmgr/config/"
disk=
debian_container
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz" ||
	die "packing the initramfs failed"

# ---- boot: the serial console is the guest's stdout
log=$work/serial.log
qemu-system-x86_64 -m 1024 -smp 2 -nographic -nic none -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	${disk:+-drive file="$disk",if=virtio,format=raw,readonly=on} \
	-append "console=ttyS0 quiet panic=-1 ${LXCMGR_VM_TESTS:+VMTESTS=\"$LXCMGR_VM_TESTS\"}" < /dev/null > "$log" 2>&1 &
qpid=$!
deadline=$(($(date +%s) + timeout))
while kill -0 "$qpid" 2> /dev/null; do
	[ "$(date +%s)" -ge "$deadline" ] && { kill "$qpid"; echo "# qemu killed after ${timeout}s"; break; }
	sleep 0.2
done
wait "$qpid" 2> /dev/null; qpid=

# ---- results
tr -d '\r' < "$log" | grep -a '^VM: ' | sed 's/^/# /'
n=0
while IFS= read -r line; do
	case "$line" in
	"VMTAP: ok - "*) n=$((n + 1)); echo "ok $n - ${line#VMTAP: ok - }" ;;
	"VMTAP: not ok - "*) n=$((n + 1)); echo "not ok $n - ${line#VMTAP: not ok - }" ;;
	"VMTAP: #"*) echo "${line#VMTAP: }" ;;
	esac
done < <(tr -d '\r' < "$log" | grep -a '^VMTAP: ')
if ! tr -d '\r' < "$log" | grep -aq '^VM: done'; then
	n=$((n + 1))
	echo "not ok $n - $name: the guest did not finish; serial log:"
	tr -d '\r' < "$log" | tail -n 30 | sed 's/^/#   | /'
fi
echo "1..$n"
