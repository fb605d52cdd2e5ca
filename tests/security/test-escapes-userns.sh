#!/usr/bin/env bash
# The escape suite (test-escapes.sh) again, in an unprivileged container:
# lxc.idmap with a rootfs shifted at create.
ESCAPE_USERNS=1
LXCMGR_TEST_NAME=test-escapes-userns
. "$(dirname "$0")/test-escapes.sh"
