/* Descriptors passed over a unix socket (SCM_RIGHTS). */
#pragma once

#include <stddef.h>

/* At most this many descriptors in one message (the kernel's SCM_MAX_FD). */
#define FDPASS_MAX 253

/* Sends the LEN bytes of DATA on SOCK with those of the N descriptors of
 * FDS (NULL: none) that are not negative, at most FDPASS_MAX. Returns 0
 * once all of DATA went, -errno, or -EIO for a short send. Safe in a
 * vfork child on a stack of its own (not instrumented by ASan). */
int fd_send(int sock, const void *data, size_t len, const int *fds, size_t n);
