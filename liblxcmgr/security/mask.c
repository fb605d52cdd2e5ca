/* Masked paths (mask.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/rootfs.h"
#include "security/mask.h"
#include "util/cleanup.h"

/* Docker's and LXC's AppArmor lists, less what proc:mixed already makes
 * read-only (/proc/sys, /proc/sysrq-trigger). */
static const char *const proc_masked[] = {
	"proc/kcore",      "proc/kmsg",        "proc/kallsyms",    "proc/kpagecount",
	"proc/kpageflags", "proc/kpagecgroup", "proc/timer_list",  "proc/sched_debug",
	"proc/latency_stats", "proc/keys",     "proc/acpi",        "proc/scsi",
	"proc/asound",
};

static const char *const sys_masked[] = {
	"sys/firmware",         "sys/kernel/security", "sys/kernel/debug",
	"sys/kernel/tracing",   "sys/devices/virtual/powercap",
	"sys/fs/bpf",           "sys/fs/pstore",       "sys/kernel/config",
};

static struct mount_attr locked = {
	.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
};

/* Moves the detached mount TREE onto TARGET. */
static int cover(int tree, int target)
{
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &locked, sizeof(locked)) < 0 ||
	    move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int mask_file(int target)
{
	cleanup_close int null = open("/dev/null", O_PATH | O_CLOEXEC);
	cleanup_close int tree = null < 0 ? -1 :
				 open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	return tree < 0 ? -errno : cover(tree, target);
}

static int mask_dir(int target)
{
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	cleanup_close int tree = -1;

	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	tree = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	return tree < 0 ? -errno : cover(tree, target);
}

static int mask_list(int root_fd, const char *const *paths, size_t n, const char **failed)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		cleanup_close int t = rootfs_open_inside(root_fd, paths[i], 0);
		if (t == -ENOENT)
			continue; /* not on this kernel */
		int r = t < 0 ? t : fstat(t, &st) < 0 ? -errno :
			S_ISDIR(st.st_mode) ? mask_dir(t) : mask_file(t);
		if (r < 0) {
			*failed = paths[i];
			return r;
		}
	}
	return 0;
}

int mask_proc(int root_fd, const char **failed)
{
	return mask_list(root_fd, proc_masked, ARRAY_SIZE(proc_masked), failed);
}

int mask_sys(int root_fd, const char **failed)
{
	return mask_list(root_fd, sys_masked, ARRAY_SIZE(sys_masked), failed);
}
