/* lxcmgr-user-nic: installed setuid root, it gives an ordinary user's
 * network namespace a veth whose other end is on a host bridge, within
 * what the administrator allows in lxc-usernet (liblxcmgr/net/usernet.h).
 * The library runs it when an ordinary user starts a container with a
 * veth (liblxcmgr/net/usernic.h).
 *
 *   create LXCPATH NAME PID TYPE LINK [NICNAME]
 *   delete LXCPATH NAME NETNS TYPE LINK NICNAME
 *
 * Whatever the caller passes is hostile until checked:
 *  - the environment is cleared, fds 0-2 exist, the real and saved uids
 *    become root so the caller can no longer signal the helper half-way
 *    (between making a device and recording it);
 *  - the network namespace is opened with the caller's uid (the kernel's
 *    ptrace check: the process is theirs, or in a user namespace of
 *    theirs), and that fd is the one checked and the one used
 *    (IFLA_NET_NS_FD): no pid to be recycled in between;
 *  - the namespace must belong to a user namespace the caller made (the
 *    one below ours on its way up is owned by the caller's uid), so no
 *    host or other user's namespace gets a device;
 *  - names are checked (usernet_valid_ifname), the bridge must be one
 *    lxc-usernet gives the caller, and their count there is enforced under
 *    a lock, counting the devices of the record that still exist;
 *  - the config and record paths are compile-time constants, opened
 *    without following symlinks, in root-owned directories. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "net/link.h"
#include "net/netlink.h"
#include "net/usernet.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

#define PROG "lxcmgr-user-nic"
#define USERNET_PATH LXCMGRCONFDIR "/" USERNET_FILE
#define RECORD_DIR RUNTIMEPATH
#define RECORD_MAX (1u << 20)
#define USERNS_MAX_DEPTH 32 /* the kernel's limit */

static const char usage[] =
	"Usage: " PROG " create LXCPATH NAME PID TYPE LINK [NICNAME]\n"
	"       " PROG " delete LXCPATH NAME NETNS TYPE LINK NICNAME\n"
	"\n"
	"Setuid root: gives the network namespace of process PID (which must be\n"
	"yours, in a user namespace you made) a veth named NICNAME (default eth0)\n"
	"whose host end is on the bridge LINK, up; prints the host end's name and\n"
	"NICNAME. TYPE is veth. The bridges and counts allowed to each user are\n"
	"in " USERNET_PATH "; the devices made are recorded in " RECORD_DIR "/nics.\n"
	"delete removes such a veth: NETNS is the path of the network namespace\n"
	"(or a PID). LXCPATH and NAME say whose container it is (recorded only).\n";

static uid_t caller_uid;

/* Under ASan (CI's sanitizer lane): LeakSanitizer's tracer cannot attach
 * to a setuid process, and every refusal exits through die() holding
 * what it read; the helper lives for one request. */
int __lsan_is_turned_off(void) __attribute__((visibility("default"), used));
int __lsan_is_turned_off(void)
{
	return 1;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void die_err(lxcmgr_error *err)
{
	die("%s", err ? err->msg : "failed");
}

/* ------------------------------------------------------- privileges */

static void sanitize(void)
{
	caller_uid = getuid();
	if (geteuid() != 0)
		die("not setuid root (as root: chown root %s; chmod 4755 it)", "lxcmgr-user-nic");
	/* Real and saved uid root: signals and ptrace of the caller's no
	 * longer reach us; as_caller() borrows their uid back. */
	if (setresuid(0, 0, 0) < 0)
		die("setresuid: %s", strerror(errno));
	clearenv();
	umask(022);
	signal(SIGXFSZ, SIG_IGN); /* an RLIMIT_FSIZE of the caller's: EFBIG, not death */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			die("no fd %d and no /dev/null", fd);
}

/* PATH opened with the caller's uid (and no capability of root's). */
static int open_as_caller(const char *path, int flags)
{
	if (setresuid((uid_t)-1, caller_uid, (uid_t)-1) < 0)
		die("setresuid: %s", strerror(errno));
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	int e = errno;
	if (setresuid((uid_t)-1, 0, (uid_t)-1) < 0)
		die("setresuid: %s", strerror(errno));
	errno = e;
	return fd;
}

static bool same_file(int fd, const struct stat *st)
{
	struct stat s;
	return fstat(fd, &s) == 0 && s.st_dev == st->st_dev && s.st_ino == st->st_ino;
}

/* The network namespace NETNS belongs to a user namespace the caller made
 * in ours (or below one): the one just below ours on its way up is owned by
 * the caller's uid. Root may use any. */
static int check_netns_owner(int netns, lxcmgr_error **err)
{
	struct stat self;
	cleanup_close int mine = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);

	struct statfs fs;

	/* No ioctl on anything but a namespace file: on a device the caller
	 * may open, the same number could mean something else, run as root. */
	if (fstatfs(netns, &fs) < 0 || fs.f_type != NSFS_MAGIC ||
	    ioctl(netns, NS_GET_NSTYPE) != CLONE_NEWNET)
		return error_msg(err, EINVAL, "that is not a network namespace");
	if (caller_uid == 0)
		return 0;
	if (mine < 0 || fstat(mine, &self) < 0)
		return error_set(err, errno, "open /proc/self/ns/user");
	cleanup_close int cur = ioctl(netns, NS_GET_USERNS);
	if (cur < 0)
		return error_set(err, errno, "user namespace of the network namespace");
	for (int depth = 0; depth < USERNS_MAX_DEPTH && !same_file(cur, &self); depth++) {
		cleanup_close int parent = ioctl(cur, NS_GET_PARENT);
		if (parent < 0)
			break; /* outside ours */
		if (same_file(parent, &self)) {
			uid_t owner;
			if (ioctl(cur, NS_GET_OWNER_UID, &owner) < 0)
				return error_set(err, errno, "owner of the user namespace");
			if (owner == caller_uid)
				return 0;
			break;
		}
		close(cur);
		cur = steal_fd(parent);
	}
	return error_msg(err, EPERM, "the network namespace is not in a user namespace of uid "
			 "%lu (make one: unshare --user --map-root-user --net, or lxc-usernsexec)",
			 (unsigned long)caller_uid);
}

/* ---------------------------------------------------------- the user */

struct caller {
	char *name;
	char **groups;
};

static void caller_release(struct caller *c)
{
	free(c->name);
	for (size_t i = 0; c->groups && c->groups[i]; i++)
		free(c->groups[i]);
	free(c->groups);
}

static void caller_lookup(struct caller *c)
{
	struct passwd *pw = getpwuid(caller_uid);

	if (!pw)
		die("uid %lu has no passwd entry: lxc-usernet names users",
		    (unsigned long)caller_uid);
	if (!(c->name = strdup(pw->pw_name)))
		die("out of memory");
	gid_t gid = pw->pw_gid;
	int n = 64;
	cleanup_free gid_t *gids = NULL;
	for (;;) {
		free(gids);
		if (!(gids = calloc((size_t)n, sizeof(*gids))))
			die("out of memory");
		int want = n;
		if (getgrouplist(c->name, gid, gids, &want) >= 0) {
			n = want;
			break;
		}
		if (want <= n || want > 65536)
			die("groups of user \"%s\": too many", c->name);
		n = want;
	}
	if (!(c->groups = calloc((size_t)n + 1, sizeof(*c->groups))))
		die("out of memory");
	for (int i = 0, k = 0; i < n; i++) {
		struct group *gr = getgrgid(gids[i]);
		if (gr && !(c->groups[k++] = strdup(gr->gr_name)))
			die("out of memory");
	}
}

/* How many veths the caller may have on BRIDGE. */
static unsigned quota_of(const struct caller *c, const char *bridge)
{
	cleanup_close int fd = open(USERNET_PATH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	cleanup_free char *text = NULL;
	cleanup_error lxcmgr_error *err = NULL;
	struct stat st;
	unsigned quota;

	if (fd < 0 && errno == ENOENT)
		die("%s does not exist: no user may make network devices (as root, add a line "
		    "\"%s veth %s 1\"; lxc-usernet(5))", USERNET_PATH, c->name, bridge);
	if (fd < 0 || fstat(fd, &st) < 0)
		die("open %s: %s", USERNET_PATH, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		die("%s must be a regular file owned by root and writable by root only "
		    "(chown root; chmod 644)", USERNET_PATH);
	int ret = file_read_fd(fd, RECORD_MAX, &text, NULL);
	if (ret < 0)
		die("read %s: %s", USERNET_PATH, strerror(-ret));
	struct usernet_who who = { .user = c->name, .groups = (const char *const *)c->groups };
	if (usernet_quota(text, USERNET_PATH, &who, "veth", bridge, &quota, &err) < 0)
		die_err(err);
	if (!quota)
		die("user \"%s\" may not put veth devices on \"%s\": no line of %s gives one "
		    "(as root, add \"%s veth %s 1\"; lxc-usernet(5))", c->name, bridge,
		    USERNET_PATH, c->name, bridge);
	return quota;
}

/* --------------------------------------------------------- the record */

/* The record, locked (its own lock file: the record itself is replaced
 * by rename, so a reader never sees half of it). */
struct record {
	int dir;
	int lock;
	char *text;
};

static void record_open(struct record *r)
{
	struct stat st;

	if (mkdir(RECORD_DIR, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", RECORD_DIR, strerror(errno));
	r->dir = open(RECORD_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->dir < 0 || fstat(r->dir, &st) < 0)
		die("open %s: %s", RECORD_DIR, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 022))
		die("%s must be owned by root and writable by root only", RECORD_DIR);
	r->lock = openat(r->dir, USERNET_RECORD ".lock",
			 O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (r->lock < 0 || flock(r->lock, LOCK_EX) < 0)
		die("lock %s/%s.lock: %s", RECORD_DIR, USERNET_RECORD, strerror(errno));
	cleanup_close int fd = openat(r->dir, USERNET_RECORD,
				      O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	int ret = fd < 0 ? -errno : file_read_fd(fd, RECORD_MAX, &r->text, NULL);
	if (ret == -ENOENT)
		ret = (r->text = strdup("")) ? 0 : -ENOMEM;
	if (ret < 0)
		die("read %s/%s: %s", RECORD_DIR, USERNET_RECORD, strerror(-ret));
}

static int record_save(struct record *r, const char *text)
{
	const char *tmp = USERNET_RECORD ".new";
	cleanup_close int fd = openat(r->dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
				      O_CLOEXEC | O_NOCTTY, 0644);
	int ret = fd < 0 ? -errno : file_write_all(fd, text, strlen(text));

	if (ret == 0 && renameat(r->dir, tmp, r->dir, USERNET_RECORD) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(r->dir, tmp, 0);
	return ret;
}

static void record_close(struct record *r)
{
	free(r->text);
	close(r->lock);
	close(r->dir);
}

/* The record's lines whose host device still exists, less the one for
 * DROP (may be NULL); *COUNT: how many of them are UID's on BRIDGE. */
static char *record_live(struct nl *nl, const char *text, const char *drop, uid_t uid,
			 const char *bridge, unsigned *count)
{
	cleanup_free char *copy = strdup(text);
	char *out = strdup("");

	*count = 0;
	if (!copy || !out)
		die("out of memory");
	for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct usernet_entry e;
		struct nl_link l;
		if (!usernet_entry_parse(line, &e) || (drop && str_eq(e.host, drop)))
			continue;
		if (nl_link_get(nl, e.host, 0, &l) == -ENODEV)
			continue; /* gone with its namespace */
		if (e.uid == uid && str_eq(e.bridge, bridge) && str_eq(e.type, "veth"))
			(*count)++;
		char *next = str_printf("%s%s\n", out, line);
		if (!next)
			die("out of memory");
		free(out);
		out = next;
	}
	return out;
}

/* ------------------------------------------------------------ commands */

struct request {
	const char *lxcpath, *name, *target, *type, *link, *nic;
};

static void check_request(const struct request *q)
{
	if (!str_eq(q->type, "veth"))
		die("type \"%s\" is not supported yet (only veth)", q->type);
	if (!usernet_valid_ifname(q->link))
		die("bridge name \"%s\" is not 1-15 characters of A-Z a-z 0-9 _ . -", q->link);
	if (!usernet_valid_ifname(q->nic))
		die("device name \"%s\" is not 1-15 characters of A-Z a-z 0-9 _ . -", q->nic);
	size_t n = strlen(q->name);
	if (n == 0 || n > 255)
		die("container name \"%s\" is not 1-255 characters", q->name);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)q->name[i] <= ' ' || q->name[i] == 0x7f)
			die("container name has a blank or control character");
}

/* The bridge, which must be one. */
static void find_bridge(struct nl *nl, const char *name, struct nl_link *out)
{
	int ret = nl_link_get(nl, name, 0, out);

	if (ret == -ENODEV)
		die("bridge \"%s\" does not exist (as root: ip link add %s type bridge)", name, name);
	if (ret < 0)
		die("look up \"%s\": %s", name, strerror(-ret));
	if (!str_eq(out->kind, "bridge"))
		die("\"%s\" is not a bridge (ip -d link show %s)", name, name);
}

static int open_netns(const char *target, bool pid_only)
{
	char path[64];
	uint64_t pid;
	bool is_pid = str_to_u64(target, &pid) == 0;

	if (is_pid && (pid == 0 || pid > 0x3fffffff))
		die("\"%s\" is not a process id", target);
	if (!is_pid && pid_only)
		die("\"%s\" is not a process id", target);
	if (is_pid)
		snprintf(path, sizeof(path), "/proc/%llu/ns/net", (unsigned long long)pid);
	int fd = open_as_caller(is_pid ? path : target, O_RDONLY);
	if (fd < 0 && is_pid && errno == ENOENT)
		die("no process %s", target);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		die("%s %s: %s (it must be yours, or in a user namespace of yours)",
		    is_pid ? "process" : "network namespace", target, strerror(errno));
	if (fd < 0)
		die("open %s: %s", is_pid ? path : target, strerror(errno));
	cleanup_error lxcmgr_error *err = NULL;
	if (check_netns_owner(fd, &err) < 0)
		die("%s %s: %s", is_pid ? "process" : "network namespace", target,
		    err->msg);
	return fd;
}

static void random_host_name(struct nl *nl, char out[IF_NAMESIZE])
{
	struct nl_link l;

	for (int tries = 0; tries < 16; tries++) {
		uint32_t r;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			die("getrandom: %s", strerror(errno));
		snprintf(out, IF_NAMESIZE, "vethu%08x", r);
		if (nl_link_get(nl, out, 0, &l) == -ENODEV)
			return;
	}
	die("no free host device name");
}

static int cmd_create(const struct request *q)
{
	cleanup_close int netns = open_netns(q->target, true);
	struct caller who = { 0 };
	struct nl nl = { 0 };
	struct nl_link bridge, host;
	struct record rec = { -1, -1, NULL };
	unsigned count;
	int ret;

	caller_lookup(&who);
	unsigned quota = quota_of(&who, q->link);
	if ((ret = nl_open(&nl)) < 0)
		die("netlink socket: %s", strerror(-ret));
	find_bridge(&nl, q->link, &bridge);
	record_open(&rec);
	cleanup_free char *live = record_live(&nl, rec.text, NULL, caller_uid, q->link, &count);
	if (count >= quota)
		die("user \"%s\" has %u of the %u veth devices %s allows on \"%s\" (delete one, "
		    "or raise the count)", who.name, count, quota, USERNET_PATH, q->link);

	/* Recorded before it exists: a helper killed half-way leaves a line
	 * that the next run drops, never a device that nobody counts. */
	struct usernet_entry e = { .uid = caller_uid };
	random_host_name(&nl, e.host);
	snprintf(e.type, sizeof(e.type), "veth");
	snprintf(e.bridge, sizeof(e.bridge), "%s", q->link);
	snprintf(e.container, sizeof(e.container), "%s", q->name);
	cleanup_free char *line = usernet_entry_format(&e);
	cleanup_free char *next = line ? str_printf("%s%s", live, line) : NULL;
	if (!next)
		die("out of memory");
	if ((ret = record_save(&rec, next)) < 0)
		die("write %s/%s: %s", RECORD_DIR, USERNET_RECORD, strerror(-ret));

	const char *step = "create the veth pair";
	ret = link_add_veth_fd(&nl, e.host, q->nic, netns, bridge.mtu);
	if (ret == 0 && (ret = nl_link_get(&nl, e.host, 0, &host)) == 0) {
		step = "put the host end on the bridge";
		ret = link_change(&nl, host.index, &(struct link_change){ .master = bridge.index,
									 .up = 1 });
		if (ret < 0)
			link_del(&nl, host.index);
	}
	if (ret < 0) {
		record_save(&rec, live);
		if (ret == -EEXIST)
			die("%s: a device named \"%s\" exists in that network namespace", step,
			    q->nic);
		die("%s \"%s\" - \"%s\": %s", step, e.host, q->nic, strerror(-ret));
	}
	record_close(&rec);
	nl_close(&nl);
	caller_release(&who);
	printf("%s %s\n", e.host, q->nic);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_delete(const struct request *q)
{
	cleanup_close int netns = open_netns(q->target, false);
	cleanup_close int host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nl in = { 0 }, nl = { 0 };
	struct nl_link peer, host, bridge;
	struct record rec = { -1, -1, NULL };
	unsigned count;
	int ret;

	if (host_ns < 0)
		die("open /proc/self/ns/net: %s", strerror(errno));
	if ((ret = nl_open_in(&in, netns, host_ns)) < 0)
		die("netlink socket in the network namespace: %s", strerror(-ret));
	ret = nl_link_get(&in, q->nic, 0, &peer);
	nl_close(&in);
	if (ret < 0)
		die("\"%s\" in that network namespace: %s", q->nic, strerror(-ret));
	if (!str_eq(peer.kind, "veth") || peer.link <= 0)
		die("\"%s\" is not a veth", q->nic);
	if ((ret = nl_open(&nl)) < 0)
		die("netlink socket: %s", strerror(-ret));
	find_bridge(&nl, q->link, &bridge);
	if ((ret = nl_link_get(&nl, NULL, peer.link, &host)) < 0 || host.master != bridge.index)
		die("the other end of \"%s\" is not on \"%s\"", q->nic, q->link);
	record_open(&rec);
	/* Only a device the record says this helper made for the caller. */
	bool ours = false;
	cleanup_free char *copy = strdup(rec.text);
	for (char *save = NULL, *line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct usernet_entry e;
		if (usernet_entry_parse(line, &e) && str_eq(e.host, host.name) &&
		    str_eq(e.bridge, q->link) && (e.uid == caller_uid || caller_uid == 0))
			ours = true;
	}
	if (!ours)
		die("\"%s\" (host end \"%s\") was not made by %s for uid %lu", q->nic, host.name,
		    PROG, (unsigned long)caller_uid);
	if ((ret = link_del(&nl, host.index)) < 0 && ret != -ENODEV)
		die("delete \"%s\": %s", host.name, strerror(-ret));
	cleanup_free char *live = record_live(&nl, rec.text, host.name, caller_uid, q->link, &count);
	if ((ret = record_save(&rec, live)) < 0)
		die("write %s/%s: %s", RECORD_DIR, USERNET_RECORD, strerror(-ret));
	record_close(&rec);
	nl_close(&nl);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (str_eq(argv[1], "-h") || str_eq(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	sanitize();
	bool create = argc > 1 && str_eq(argv[1], "create");
	bool delete = argc > 1 && str_eq(argv[1], "delete");
	if (!(create && (argc == 7 || argc == 8)) && !(delete && argc == 8)) {
		fputs(usage, stderr);
		return 2;
	}
	struct request q = { .lxcpath = argv[2], .name = argv[3], .target = argv[4],
			     .type = argv[5], .link = argv[6], .nic = argc == 8 ? argv[7] : "eth0" };
	check_request(&q);
	return create ? cmd_create(&q) : cmd_delete(&q);
}
