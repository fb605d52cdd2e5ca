#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/usernic.h"
#include "net/usernet.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

#define HELPER_OUTPUT_MAX 4096

extern char **environ;

const char *usernic_helper(void)
{
	const char *env = getenv("LXCMGR_USER_NIC");
	return env && *env ? env : LIBEXECDIR "/lxcmgr/lxcmgr-user-nic";
}

/* Runs the helper with ARGV, KEEP_FD (or -1) left open across exec; OUT
 * gets its stdout and stderr together. 0 when it exited 0; otherwise an
 * error naming its last line. */
static int run(char *const argv[], int keep_fd, char **out, lxcmgr_error **err)
{
	int pipefd[2];
	cleanup_free char *buf = calloc(1, HELPER_OUTPUT_MAX + 1);
	size_t len = 0;
	int status;

	if (!buf)
		return error_set(err, ENOMEM, "%s", argv[0]);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_set(err, errno, "pipe for %s", argv[0]);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return error_set(err, e, "fork for %s", argv[0]);
	}
	if (pid == 0) {
		if (dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0 ||
		    (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0) < 0))
			_exit(126);
		execve(argv[0], argv, environ);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t n = read(pipefd[0], buf + len, HELPER_OUTPUT_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == HELPER_OUTPUT_MAX)
			break;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return error_set(err, errno, "wait for %s", argv[0]);
	buf[len] = '\0';
	char *last = str_trim(buf);
	char *nl = strrchr(last, '\n');
	if (nl)
		last = nl + 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*out = strdup(last);
		return *out ? 0 : error_set(err, ENOMEM, "%s", argv[0]);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		int ret = error_set(err, ENOENT, "%s", argv[0]);
		error_hint(err, "install lxcmgr (lxcmgr-user-nic, setuid root), or set "
			   "LXCMGR_USER_NIC to it");
		return ret;
	}
	if (WIFSIGNALED(status))
		return error_msg(err, EINTR, "%s killed by signal %d", argv[0], WTERMSIG(status));
	/* Its message names itself: "lxcmgr-user-nic: ...". */
	return error_msg(err, EPERM, "%s", *last ? last : "lxcmgr-user-nic failed");
}

int usernic_create(const char *lxcpath, const char *name, pid_t pid, const char *link,
		   const char *nic, char host[IF_NAMESIZE], lxcmgr_error **err)
{
	char pidtext[16];
	cleanup_free char *out = NULL;
	char got_host[IF_NAMESIZE] = "", got_nic[IF_NAMESIZE] = "";

	char verb[] = "create", type[] = "veth";

	snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
	char *argv[] = { (char *)usernic_helper(), verb, (char *)lxcpath, (char *)name,
			 pidtext, type, (char *)link, (char *)nic, NULL };
	int ret = run(argv, -1, &out, err);
	if (ret < 0)
		return ret;
	if (sscanf(out, "%15s %15s", got_host, got_nic) != 2 || !str_eq(got_nic, nic) ||
	    !usernet_valid_ifname(got_host))
		return error_msg(err, EPROTO, "%s create: unexpected answer \"%s\"", argv[0], out);
	snprintf(host, IF_NAMESIZE, "%s", got_host);
	return 0;
}

int usernic_delete(const char *lxcpath, const char *name, int netns_fd, const char *link,
		   const char *nic, lxcmgr_error **err)
{
	char path[32];
	cleanup_free char *out = NULL;

	char verb[] = "delete", type[] = "veth";

	snprintf(path, sizeof(path), "/proc/self/fd/%d", netns_fd);
	char *argv[] = { (char *)usernic_helper(), verb, (char *)lxcpath, (char *)name,
			 path, type, (char *)link, (char *)nic, NULL };
	return run(argv, netns_fd, &out, err);
}
