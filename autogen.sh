#!/bin/sh
# Regenerate the autotools files (configure, Makefile.in). Run once after a clone.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf --force --install --warnings=all
# The TAP driver for `make check` ships with automake but is not copied by autoreconf.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
