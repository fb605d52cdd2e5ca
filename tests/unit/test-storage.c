/* storage: lxc.rootfs.path values, dir and overlay. */
#include <errno.h>

#include "storage.h"
#include "unit.h"
#include "util/cleanup.h"

static int parse(const char *v, struct storage_spec *s, const char **why)
{
	return storage_parse(v, s, why);
}

TEST(dirs)
{
	struct storage_spec s;
	const char *why = NULL;

	EXPECT_INT(parse("dir:/var/lib/x/rootfs", &s, &why), 0);
	EXPECT_INT(s.type, STORAGE_DIR);
	EXPECT_STR(s.dir, "/var/lib/x/rootfs");
	storage_spec_clear(&s);
	EXPECT_INT(parse("/srv/r", &s, &why), 0);
	EXPECT_STR(s.dir, "/srv/r");
	storage_spec_clear(&s);
	EXPECT_INT(parse("dir:rel", &s, &why), -EINVAL);
	EXPECT_CONTAINS(why, "absolute");
	EXPECT_INT(parse("btrfs:/x", &s, &why), -EOPNOTSUPP);
	EXPECT_CONTAINS(why, "not supported yet");
	EXPECT_INT(parse("lvm:/dev/vg/x", &s, &why), -EOPNOTSUPP);
}

TEST(overlays)
{
	struct storage_spec s;
	const char *why = NULL;

	EXPECT_INT(parse("overlay:/c/v1/rootfs:/l/web/delta0", &s, &why), 0);
	EXPECT_INT(s.type, STORAGE_OVERLAY);
	EXPECT_STR(s.lower, "/c/v1/rootfs");
	EXPECT_STR(s.upper, "/l/web/delta0");
	EXPECT_STR(s.work, "/l/web/olwork"); /* beside the upper layer, as LXC has it */
	cleanup_free char *data = storage_overlay_data(&s);
	EXPECT_STR(data, "lowerdir=/c/v1/rootfs,upperdir=/l/web/delta0,workdir=/l/web/olwork");
	storage_spec_clear(&s);

	/* The old name; several lower layers; a trailing slash on the upper. */
	EXPECT_INT(parse("overlayfs:/a:/b:/l/w/up/", &s, &why), 0);
	EXPECT_STR(s.lower, "/a:/b");
	EXPECT_STR(s.upper, "/l/w/up");
	EXPECT_STR(s.work, "/l/w/olwork");
	storage_spec_clear(&s);

	EXPECT_INT(parse("overlay:/only", &s, &why), -EINVAL);
	EXPECT_CONTAINS(why, "overlay:LOWER:UPPER");
	EXPECT_INT(parse("overlay:/a:", &s, &why), -EINVAL);
	EXPECT_INT(parse("overlay::/u/d", &s, &why), -EINVAL);
	EXPECT_INT(parse("overlay:rel:/u/d", &s, &why), -EINVAL);
	EXPECT_CONTAINS(why, "absolute");
	EXPECT_INT(parse("overlay:/a:/u,x/d", &s, &why), -EINVAL);
	EXPECT_INT(parse("overlay:/a:/top", &s, &why), -EINVAL);
	EXPECT_CONTAINS(why, "work directory");
}

UNIT_MAIN(dirs, overlays)
