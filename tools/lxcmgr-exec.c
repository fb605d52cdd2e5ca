/* lxcmgr-exec: the last step of lxc-attach, run from a sealed memfd inside
 * the container. It only execs the command (searching PATH of the
 * environment it was given) and, when that fails, tells lxc-attach why
 * over the socket it names. Being a memfd, its /proc/self/exe is nothing
 * on the host: a command "#!/proc/self/exe" cannot reach lxc-attach's
 * binary through it (CVE-2019-5736). See liblxcmgr/attach/attach.h.
 *
 *   lxcmgr-exec SOCKFD FILE ARG0 [ARG]...
 *
 * Static, so it needs nothing from the container's file system. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LXCMGR_ATTACH_HELPER_ONLY
#include "attach/attach.h"

extern char **environ;

int main(int argc, char **argv)
{
	char *end = NULL;

	/* A script "#!/proc/self/exe" lands here with argv[0] "/proc/self/exe". */
	if (argc < 4 || strcmp(argv[0], ATTACH_HELPER_ARGV0) != 0) {
		fprintf(stderr, "lxcmgr-exec: not a command; lxc-attach runs it\n");
		return 126;
	}
	long sock = strtol(argv[1], &end, 10);
	if (*end || sock < 3 || fcntl((int)sock, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "lxcmgr-exec: bad socket \"%s\"\n", argv[1]);
		return 126;
	}
	execvpe(argv[2], &argv[3], environ);

	struct attach_msg m = { .kind = ATTACH_MSG_ERROR, .value = errno };
	int status = errno == ENOENT ? 127 : 126;
	snprintf(m.text, sizeof(m.text), "exec \"%s\"", argv[2]);
	if (send((int)sock, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		fprintf(stderr, "lxcmgr-exec: exec \"%s\": %s\n", argv[2], strerror(m.value));
	return status;
}
