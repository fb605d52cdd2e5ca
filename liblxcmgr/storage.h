/* lxc.rootfs.path: which storage a container's root file system is on.
 *
 *   dir:PATH or /PATH     a directory
 *   overlay:LOWER:UPPER   an overlay mount (LXC's spelling; "overlayfs:" is
 *                         the old name): LOWER is one directory or several
 *                         separated by ':' (the last given is the lowest),
 *                         UPPER the container's own layer, and the work
 *                         directory is "olwork" beside UPPER, as LXC has it
 *
 * Parsing only: the start mounts it (run/rootfs.c), lxc-destroy removes the
 * container's own layer and never a lower one. */
#ifndef LXCMGR_STORAGE_H
#define LXCMGR_STORAGE_H

enum storage_type {
	STORAGE_DIR,
	STORAGE_OVERLAY,
};

struct storage_spec {
	enum storage_type type;
	char *dir;   /* STORAGE_DIR: the directory */
	char *lower; /* STORAGE_OVERLAY: "L1:L2..." for overlayfs's lowerdir */
	char *upper;
	char *work;  /* dirname(upper)/olwork */
};

/* Parses VALUE. On failure returns -EINVAL or -EOPNOTSUPP (another storage
 * type) with *why set to a static explanation. */
int storage_parse(const char *value, struct storage_spec *spec, const char **why);
void storage_spec_clear(struct storage_spec *spec);

/* "lowerdir=...,upperdir=...,workdir=..." for mount(2). */
char *storage_overlay_data(const struct storage_spec *spec);

#endif
