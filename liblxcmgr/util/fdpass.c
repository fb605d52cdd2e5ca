/* Descriptors passed over a unix socket: one sender for the start's
 * handshake, attach's child, the mount-lock helper and the netlink socket
 * made inside a user namespace. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "util/fdpass.h"

/* Callers run it in CLONE_VM children on stacks AddressSanitizer does not
 * know (see attach/child.c). */
__attribute__((no_sanitize_address)) int fd_send(int sock, const void *data, size_t len,
						  const int *fds, size_t n)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * FDPASS_MAX)];
	} cbuf;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t passed = 0;

	memset(&cbuf, 0, sizeof(cbuf));
	for (size_t i = 0; fds && i < n && passed < FDPASS_MAX; i++)
		if (fds[i] >= 0)
			memcpy(CMSG_DATA(&cbuf.align) + passed++ * sizeof(int), &fds[i], sizeof(int));
	if (passed > 0) {
		cbuf.align.cmsg_level = SOL_SOCKET;
		cbuf.align.cmsg_type = SCM_RIGHTS;
		cbuf.align.cmsg_len = CMSG_LEN(passed * sizeof(int));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(passed * sizeof(int));
	}
	ssize_t sent = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (sent < 0)
		return -errno;
	return (size_t)sent == len ? 0 : -EIO;
}
