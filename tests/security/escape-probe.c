/* One attempt at leaving a container, run inside it by tests/security/.
 * Static, so it runs in any rootfs. Prints "ok" when the attempt went
 * through, else the errno's name and text ("EPERM Operation not
 * permitted"), and exits 0 either way (2 for bad usage): the test decides
 * what each outcome means.
 *
 *   escape-probe ATTEMPT [ARG...]   see the table at the end */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EROFS: return "EROFS";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EBADF: return "EBADF";
	case ESRCH: return "ESRCH";
	case ENOEXEC: return "ENOEXEC";
	case ETXTBSY: return "ETXTBSY";
	default: return "E?";
	}
}

static int report(long ret)
{
	if (ret < 0)
		printf("%s %s\n", errno_name(errno), strerror(errno));
	else
		printf("ok\n");
	return 0;
}

static int finit_module_(char **a)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	return report(syscall(SYS_finit_module, fd, "", 0));
}

static int init_module_(char **a)
{
	static char image[4096];
	return report(syscall(SYS_init_module, image, sizeof(image), ""));
}

static int kexec_load_(char **a)
{
	return report(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
}

static int kexec_file_load_(char **a)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	return report(syscall(SYS_kexec_file_load, fd, -1, 1UL, "", 0UL));
}

/* The "shocker" escape: a handle of inode 2 (a root directory) on the
 * file system of the fd opened from. */
static int open_by_handle_at_(char **a)
{
	struct {
		struct file_handle h;
		unsigned char bytes[8];
	} fh = { .h = { .handle_bytes = 8, .handle_type = 1 } };
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned ino = 2;

	memcpy(fh.h.f_handle, &ino, sizeof(ino));
	return report(open_by_handle_at(root, &fh.h, O_RDONLY));
}

/* mknod-block PATH MAJOR MINOR */
static int mknod_block(char **a)
{
	return report(mknod(a[0], S_IFBLK | 0600, makedev(atoi(a[1]), atoi(a[2]))));
}

/* rootdev: the major and minor of the file system "/" is on: the host's
 * disk, for a rootfs that is a directory on it. */
static int rootdev(char **a)
{
	struct stat st;
	if (stat("/", &st) < 0)
		return report(-1);
	printf("%u %u\n", major(st.st_dev), minor(st.st_dev));
	return 0;
}

/* find-node DIR MAJOR MINOR: the block node in DIR with that number. */
static int find_node(char **a)
{
	dev_t want = makedev(atoi(a[1]), atoi(a[2]));
	DIR *d = opendir(a[0]);
	struct dirent *e;
	struct stat st;

	if (!d)
		return report(-1);
	while ((e = readdir(d))) {
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISBLK(st.st_mode) && st.st_rdev == want) {
			printf("%s/%s\n", a[0], e->d_name);
			closedir(d);
			return 0;
		}
	}
	printf("none\n");
	closedir(d);
	return 0;
}

static int settimeofday_(char **a)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return report(settimeofday(&tv, NULL));
}

static int clock_settime_(char **a)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return report(clock_settime(CLOCK_REALTIME, &ts));
}

static int keyctl_user_keyring(char **a)
{
	return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
}

static int bpf_(char **a)
{
	union {
		unsigned int map_type;
		char pad[128];
	} attr = { .map_type = 1 /* BPF_MAP_TYPE_HASH */ };
	return report(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, &attr, sizeof(attr)));
}

/* A CPU-wide event: every process on the host. */
static int perf_event_open_(char **a)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
					.config = PERF_COUNT_SW_CPU_CLOCK };
	return report(syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0));
}

/* reboot CMD: restart or power-off. */
static int reboot_(char **a)
{
	unsigned cmd = strcmp(a[0], "restart") == 0 ? LINUX_REBOOT_CMD_RESTART
						     : LINUX_REBOOT_CMD_POWER_OFF;
	sync();
	return report(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, NULL));
}

/* ptrace PID */
static int ptrace_(char **a)
{
	long r = ptrace(PTRACE_ATTACH, atoi(a[0]), 0, 0);
	if (r == 0) {
		waitpid(atoi(a[0]), NULL, 0);
		ptrace(PTRACE_DETACH, atoi(a[0]), 0, 0);
	}
	return report(r);
}

/* write FILE TEXT */
static int write_(char **a)
{
	int fd = open(a[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return report(-1);
	return report(write(fd, a[1], strlen(a[1])));
}

/* mount SOURCE TARGET FSTYPE FLAGS (a number: MS_NODEV is 4) */
static int mount_(char **a)
{
	return report(mount(a[0], a[1], a[2], strtoul(a[3], NULL, 0), NULL));
}

static int fsopen_(char **a)
{
	return report(syscall(SYS_fsopen, "tmpfs", 0));
}

/* open-write FILE: open for writing only */
static int open_write(char **a)
{
	return report(open(a[0], O_WRONLY | O_CLOEXEC));
}

static const struct {
	const char *name;
	int args;
	int (*fn)(char **);
} attempts[] = {
	{ "finit_module", 0, finit_module_ },
	{ "init_module", 0, init_module_ },
	{ "kexec_load", 0, kexec_load_ },
	{ "kexec_file_load", 0, kexec_file_load_ },
	{ "open_by_handle_at", 0, open_by_handle_at_ },
	{ "mknod-block", 3, mknod_block },
	{ "rootdev", 0, rootdev },
	{ "find-node", 3, find_node },
	{ "settimeofday", 0, settimeofday_ },
	{ "clock_settime", 0, clock_settime_ },
	{ "keyctl-user-keyring", 0, keyctl_user_keyring },
	{ "bpf", 0, bpf_ },
	{ "perf_event_open", 0, perf_event_open_ },
	{ "reboot", 1, reboot_ },
	{ "ptrace", 1, ptrace_ },
	{ "write", 2, write_ },
	{ "open-write", 1, open_write },
	{ "mount", 4, mount_ },
	{ "fsopen", 0, fsopen_ },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(attempts) / sizeof(attempts[0]); i++)
		if (strcmp(argv[1], attempts[i].name) == 0 && argc - 2 == attempts[i].args)
			return attempts[i].fn(argv + 2);
	fprintf(stderr, "usage: escape-probe ATTEMPT [ARG...] (see the source)\n");
	return 2;
}
