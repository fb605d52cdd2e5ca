#!/usr/bin/env bash
# Builds the config fuzzer with clang's libFuzzer, ASan and UBSan, from the
# library sources. Usage: tests/fuzz/build.sh BUILD-DIR OUTPUT
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 out=$2
mkdir -p "$(dirname "$out")"
srcs=$(find "$top/liblxcmgr/util" "$top/liblxcmgr/conf" -name '*.c')
# shellcheck disable=SC2086
clang -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-include "$build/config.h" -I"$top/liblxcmgr" \
	-DLXCPATH='"/var/lib/lxcmgr"' -DRUNTIMEPATH='"/run/lxcmgr"' -DLXCMGRCONFDIR='"/etc/lxcmgr"' \
	-DCACHEPATH='"/var/cache/lxcmgr"' -DTEMPLATEDIR='"/usr/share/lxcmgr/templates"' \
	-DLXCCONFDIR='"/usr/share/lxcmgr/config"' -DHOOKDIR='"/usr/share/lxcmgr/hooks"' \
	$srcs "$top/tests/fuzz/fuzz-config.c" -o "$out"
