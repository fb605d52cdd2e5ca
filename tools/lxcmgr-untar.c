/* lxcmgr-untar: unpack a root file system tarball (.tar, .tar.gz, .tar.xz,
 * .tar.zst) into a directory, for templates/lxc-local. The archive is read
 * with libtar; compressed ones through a pipe from gzip, xz or zstd, chosen
 * by the file's first bytes.
 *
 * A tarball is untrusted input. Refused, each with a message naming the
 * member: absolute member names, ".." components, hard links to a name
 * that is not a member path, symbolic links whose relative target climbs
 * above the root (an absolute target is resolved in the container's root by
 * the container, and never followed here), and device nodes other than the
 * harmless ones a container may have (null, zero, full, random, urandom,
 * tty, console, ptmx). Nothing is written through a symlink: every parent
 * directory is resolved inside the target with openat2(RESOLVE_IN_ROOT),
 * and files are created with O_NOFOLLOW.
 *
 * Usage: lxcmgr-untar [--check] [--config-out FILE] ARCHIVE DIR
 *   --check       read the whole archive and report the first refused
 *                 member, writing nothing (DIR is ignored)
 *   --config-out  the archive may be an lxc-export one: when its first
 *                 member is a file named "config", that goes to FILE and
 *                 every other member must be "rootfs" or under "rootfs/",
 *                 which is stripped; otherwise FILE is not written
 * Exit 0 when done, 1 on a refused member or an error (one line on stderr:
 * "lxcmgr-untar: ARCHIVE: MEMBER: why (what to do)"). */
#include <errno.h>
#include <fcntl.h>
#include <libtar.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

struct untar {
	const char *archive;
	int root;      /* the target directory (O_PATH), or -1 with --check */
	pid_t decompressor;
	const char *config_out; /* --config-out FILE */
	bool exported;          /* the archive is in lxc-export's layout */
};

static void die(const struct untar *u, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

static void die(const struct untar *u, const char *member, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lxcmgr-untar: %s: ", u->archive);
	if (member)
		fprintf(stderr, "%s: ", member);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (u->decompressor > 0)
		kill(u->decompressor, SIGTERM);
	exit(1);
}

/* ------------------------------------------------------------ the input */

/* The decompressor for the first bytes of a file, or NULL: plain tar. */
static const char *decompressor_for(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "gzip";
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	return NULL;
}

/* An fd the tar stream can be read from: the file, or a pipe from
 * "PROG -dc" reading it. */
static int open_stream(struct untar *u)
{
	unsigned char magic[8];
	int fd = open(u->archive, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die(u, NULL, "%s (check the path)", strerror(errno));
	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0)
		die(u, NULL, "read: %s", strerror(errno));
	const char *prog = decompressor_for(magic, (size_t)n);
	if (!prog)
		return fd;

	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die(u, NULL, "pipe: %s", strerror(errno));
	u->decompressor = fork();
	if (u->decompressor < 0)
		die(u, NULL, "fork: %s", strerror(errno));
	if (u->decompressor == 0) {
		if (dup2(fd, STDIN_FILENO) < 0 || dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		execlp(prog, prog, "-dc", (char *)NULL);
		fprintf(stderr, "lxcmgr-untar: %s: %s: %s (install %s)\n", u->archive, prog,
			strerror(errno), strcmp(prog, "xz") == 0 ? "xz-utils" : prog);
		_exit(127);
	}
	close(fd);
	close(p[1]);
	return p[0];
}

/* libtar reads whole blocks; a pipe may give less per read. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int no_open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = EINVAL;
	return -1;
}

static ssize_t no_write(int fd, const void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	errno = EBADF;
	return -1;
}

static tartype_t stream_type = { no_open, close, read_full, no_write };

/* -------------------------------------------------------------- checks */

/* The member name without leading "./"; NULL (with *why) when refused. */
static const char *clean_name(const char *name, const char **why)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/' && name[1] == '\0')
		return "."; /* "/" alone, as some tools write the root */
	if (name[0] == '/') {
		*why = "an absolute path (members must be relative to the rootfs: tar -C ROOTFS .)";
		return NULL;
	}
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			*why = "a \"..\" component (it would reach out of the rootfs)";
			return NULL;
		}
		p += len;
		p += strspn(p, "/");
	}
	return name[0] ? name : ".";
}

/* A relative symlink TARGET in the directory of NAME must stay inside the
 * root when followed lexically; an absolute one is inside by definition
 * (the container resolves it in its own root). */
static bool link_stays_inside(const char *name, const char *target)
{
	const char *last = strrchr(name, '/'); /* NAME's directories end here */
	long depth = 0;

	if (target[0] == '/')
		return true;
	for (const char *p = name; last && p < last;) {
		size_t len = strcspn(p, "/");
		if (len && !(len == 1 && p[0] == '.'))
			depth++;
		p += len;
		p += strspn(p, "/");
	}
	for (const char *p = target; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (len && !(len == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return false;
		p += len;
		p += strspn(p, "/");
	}
	return true;
}

/* The device nodes any container may have (the devices cgroup of
 * config/common.conf allows these). */
static bool harmless_device(bool chr, unsigned maj, unsigned min)
{
	static const unsigned ok[][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 },
					  { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 } };

	for (size_t i = 0; chr && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i][0] == maj && ok[i][1] == min)
			return true;
	return false;
}

/* ------------------------------------------------------------- writing */

static int open_in_root(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, root, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

/* The directory holding NAME (made, with its parents, when missing);
 * *base: NAME's last component. */
static int open_parent(struct untar *u, const char *name, char *buf, size_t size,
		       const char **base)
{
	snprintf(buf, size, "%s", name);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash) {
		*base = buf;
		return open_in_root(u->root, ".", O_PATH | O_DIRECTORY);
	}
	*slash = '\0';
	*base = slash + 1;
	int fd = open_in_root(u->root, buf, O_PATH | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* mkdir -p, one component at a time, each resolved inside. */
	for (char *p = buf;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		int parent = -1;
		char *last = strrchr(buf, '/');
		if (last) {
			*last = '\0';
			parent = open_in_root(u->root, buf, O_PATH | O_DIRECTORY);
			*last = '/';
		} else {
			parent = open_in_root(u->root, ".", O_PATH | O_DIRECTORY);
		}
		if (parent < 0)
			return -1;
		int r = mkdirat(parent, last ? last + 1 : buf, 0755);
		int e = errno;
		close(parent);
		*p = saved;
		if (r < 0 && e != EEXIST) {
			errno = e;
			return -1;
		}
		if (saved == '\0')
			break;
	}
	return open_in_root(u->root, buf, O_PATH | O_DIRECTORY);
}

/* Whatever NAME is in DIR (not a directory), it goes: a member replaces
 * it, as tar does. */
static void remove_old(int dir, const char *base)
{
	struct stat st;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		unlinkat(dir, base, 0);
}

static void copy_data(struct untar *u, TAR *t, int out, const char *member)
{
	char block[T_BLOCKSIZE];
	unsigned long long left = th_get_size(t);

	while (left > 0) {
		ssize_t n = tar_block_read(t, block);
		if (n != T_BLOCKSIZE)
			die(u, member, "the archive ends inside this file (truncated download?)");
		size_t len = left < T_BLOCKSIZE ? (size_t)left : T_BLOCKSIZE;
		if (out >= 0 && write(out, block, len) != (ssize_t)len)
			die(u, member, "write: %s (check free space)", strerror(errno));
		left -= len;
	}
}

static void set_meta(struct untar *u, TAR *t, int dir, const char *base, const char *member,
		     bool is_link)
{
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = th_get_mtime(t) } };

	if (fchownat(dir, base, th_get_uid(t), th_get_gid(t), AT_SYMLINK_NOFOLLOW) < 0)
		die(u, member, "chown: %s", strerror(errno));
	/* After chown, which clears set-uid and set-gid bits. */
	if (!is_link && fchmodat(dir, base, th_get_mode(t) & 07777, 0) < 0)
		die(u, member, "chmod: %s", strerror(errno));
	utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
}

static void extract_one(struct untar *u, TAR *t, const char *member, const char *name)
{
	char buf[PATH_MAX];
	const char *base;
	int dir;

	if (strcmp(name, ".") == 0) { /* the root itself: its metadata only */
		if (!TH_ISDIR(t))
			die(u, member, "the root of the archive is not a directory");
		if (u->root >= 0) {
			fchownat(u->root, "", th_get_uid(t), th_get_gid(t), AT_EMPTY_PATH);
		}
		return;
	}
	if (u->root < 0) {
		if (TH_ISREG(t))
			copy_data(u, t, -1, member);
		return;
	}
	dir = open_parent(u, name, buf, sizeof(buf), &base);
	if (dir < 0)
		die(u, member, "its directory: %s", strerror(errno));

	if (TH_ISDIR(t)) {
		if (mkdirat(dir, base, 0700) < 0 && errno != EEXIST)
			die(u, member, "mkdir: %s", strerror(errno));
		struct stat st;
		if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			die(u, member, "a directory member where a file of another kind is");
	} else if (TH_ISSYM(t)) {
		remove_old(dir, base);
		if (symlinkat(th_get_linkname(t), dir, base) < 0)
			die(u, member, "symlink: %s", strerror(errno));
	} else if (TH_ISLNK(t)) {
		const char *why = NULL;
		const char *target = clean_name(th_get_linkname(t), &why);
		int src = target ? open_in_root(u->root, target, O_PATH | O_NOFOLLOW) : -1;
		if (src < 0)
			die(u, member, "hard link to \"%s\": %s", th_get_linkname(t),
			    why ? why : strerror(errno));
		remove_old(dir, base);
		if (linkat(src, "", dir, base, AT_EMPTY_PATH) < 0)
			die(u, member, "hard link: %s", strerror(errno));
		close(src);
		close(dir);
		return; /* the inode's metadata is its first name's */
	} else if (TH_ISCHR(t) || TH_ISBLK(t) || TH_ISFIFO(t)) {
		mode_t type = TH_ISCHR(t) ? S_IFCHR : TH_ISBLK(t) ? S_IFBLK : S_IFIFO;
		dev_t dev = TH_ISFIFO(t) ? 0 : makedev(th_get_devmajor(t), th_get_devminor(t));
		remove_old(dir, base);
		if (mknodat(dir, base, type | 0600, dev) < 0)
			die(u, member, "mknod: %s", strerror(errno));
	} else if (TH_ISREG(t)) {
		remove_old(dir, base);
		int out = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				 0600);
		if (out < 0)
			die(u, member, "create: %s", strerror(errno));
		copy_data(u, t, out, member);
		close(out);
	} else {
		die(u, member, "an archive member of type '%c' is not supported",
		    t->th_buf.typeflag);
	}
	set_meta(u, t, dir, base, member, TH_ISSYM(t));
	close(dir);
}

/* Refuses what must not be unpacked; *name: the cleaned member name. */
static void check_member(struct untar *u, TAR *t, const char *member, const char **name)
{
	const char *why = NULL;

	*name = clean_name(member, &why);
	if (!*name)
		die(u, member, "refused: %s", why);
	if (TH_ISSYM(t) && !link_stays_inside(*name, th_get_linkname(t)))
		die(u, member, "refused: a symbolic link to \"%s\", out of the rootfs",
		    th_get_linkname(t));
	if (TH_ISLNK(t) && !clean_name(th_get_linkname(t), &why))
		die(u, member, "refused: a hard link to \"%s\": %s", th_get_linkname(t), why);
	if ((TH_ISCHR(t) || TH_ISBLK(t)) &&
	    !harmless_device(TH_ISCHR(t), (unsigned)th_get_devmajor(t),
			     (unsigned)th_get_devminor(t)))
		die(u, member, "refused: a %s device node %u:%u, which a container may not have "
			       "(remove it from the archive; lxc.mount.entry can bind a device)",
		    TH_ISCHR(t) ? "character" : "block", (unsigned)th_get_devmajor(t),
		    (unsigned)th_get_devminor(t));
}

/* The member's name as the archive has it: libtar's th_get_pathname
 * quietly drops a leading '/' (Debian's fix for CVE-2013-4420), and an
 * absolute name must be refused, not unpacked somewhere else. */
static void raw_pathname(struct untar *u, TAR *t, char *buf, size_t size)
{
	struct tar_header *h = &t->th_buf;
	int n;

	if (h->gnu_longname)
		n = snprintf(buf, size, "%s", h->gnu_longname);
	else if (h->prefix[0])
		n = snprintf(buf, size, "%.*s/%.*s", (int)sizeof(h->prefix), h->prefix,
			     (int)sizeof(h->name), h->name);
	else
		n = snprintf(buf, size, "%.*s", (int)sizeof(h->name), h->name);
	if (n < 0 || (size_t)n >= size)
		die(u, NULL, "refused: a member name longer than %zu bytes", size - 1);
}

/* A hard link in an lxc-export archive names "rootfs/PATH": PATH is the
 * link's target in the container. */
static void strip_link(struct untar *u, TAR *t, const char *member)
{
	struct tar_header *h = &t->th_buf;
	char *l = h->gnu_longlink ? h->gnu_longlink : h->linkname;
	size_t max = h->gnu_longlink ? strlen(l) : strnlen(l, sizeof(h->linkname));

	if (max < 7 || strncmp(l, "rootfs/", 7) != 0)
		die(u, member, "refused: a hard link to \"%.*s\", outside rootfs/", (int)max, l);
	memmove(l, l + 7, max - 7);
	l[max - 7] = '\0';
}

/* lxc-export's "config" member, to --config-out (at most 1 MiB). */
static void save_config(struct untar *u, TAR *t, const char *member)
{
	if (th_get_size(t) > (1u << 20))
		die(u, member, "refused: a config of %u bytes", th_get_size(t));
	if (u->root < 0) { /* --check */
		copy_data(u, t, -1, member);
		return;
	}
	int out = open(u->config_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (out < 0)
		die(u, member, "write \"%s\": %s", u->config_out, strerror(errno));
	copy_data(u, t, out, member);
	close(out);
}

/* An lxc-export member without its "rootfs/" (the root itself for
 * "rootfs"); anything else does not belong in such an archive. */
static const char *strip_rootfs(struct untar *u, const char *member)
{
	const char *m = member;

	while (m[0] == '.' && m[1] == '/')
		m += 2;
	if (strcmp(m, "rootfs") == 0 || strcmp(m, "rootfs/") == 0)
		return ".";
	if (strncmp(m, "rootfs/", 7) == 0)
		return m + 7;
	die(u, member, "refused: an exported container has only \"config\" and \"rootfs/\"");
}

int main(int argc, char **argv)
{
	struct untar u = { .root = -1 };
	TAR *t = NULL;
	bool check = false;
	unsigned members = 0;
	int r;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("Usage: lxcmgr-untar [--check] [--config-out FILE] ARCHIVE DIR\n"
		       "Unpack a rootfs tarball (.tar, .tar.gz, .tar.xz, .tar.zst) into DIR,\n"
		       "refusing absolute paths, \"..\", links out of the rootfs and device\n"
		       "nodes a container may not have. --check only reads it. With\n"
		       "--config-out, an lxc-export archive's config goes to FILE.\n");
		return 0;
	}
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--config-out") == 0 && i + 1 < argc)
			u.config_out = argv[++i];
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "lxcmgr-untar: usage: lxcmgr-untar [--check] [--config-out FILE] "
				"ARCHIVE DIR\n");
		return 2;
	}
	u.archive = argv[i];
	if (!check) {
		u.root = open(argv[i + 1], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (u.root < 0)
			die(&u, NULL, "target \"%s\": %s (create it first)", argv[i + 1],
			    strerror(errno));
	}
	int fd = open_stream(&u);
	if (tar_fdopen(&t, fd, u.archive, &stream_type, O_RDONLY, 0, TAR_GNU) < 0)
		die(&u, NULL, "%s", strerror(errno));
	while ((r = th_read(t)) == 0) {
		char member[PATH_MAX];
		const char *name;
		raw_pathname(&u, t, member, sizeof(member));
		if (members == 0 && u.config_out && TH_ISREG(t) && strcmp(member, "config") == 0) {
			save_config(&u, t, member);
			u.exported = true;
			members++;
			continue;
		}
		const char *inner = u.exported ? strip_rootfs(&u, member) : member;
		if (u.exported && TH_ISLNK(t))
			strip_link(&u, t, member);
		check_member(&u, t, inner, &name);
		extract_one(&u, t, inner, name);
		members++;
	}
	if (r < 0)
		die(&u, NULL, "not a tar archive, or damaged after %u members (%s)", members,
		    errno ? strerror(errno) : "bad header");
	tar_close(t);
	if (u.decompressor > 0) {
		int status;
		waitpid(u.decompressor, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die(&u, NULL, "the decompressor failed (a damaged or truncated archive?)");
	}
	if (members == 0)
		die(&u, NULL, "an empty archive");
	return 0;
}
