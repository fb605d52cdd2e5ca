/* lxc.rootfs.path values (see storage.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storage.h"
#include "util/cleanup.h"
#include "util/str.h"

/* An overlay path must be absolute, and free of what the mount options
 * would read as separators: ',' ends an option, '\\' escapes, and '=' is
 * harmless but ':' in UPPER would be taken for another layer. */
static bool overlay_path_ok(const char *p)
{
	return p[0] == '/' && !strpbrk(p, ",\\");
}

static int parse_overlay(const char *rest, struct storage_spec *spec, const char **why)
{
	const char *colon = strrchr(rest, ':');
	cleanup_free char *lower = NULL, *upper = NULL;

	if (!colon || colon == rest || !colon[1]) {
		*why = "an overlay is overlay:LOWER:UPPER (absolute directories)";
		return -EINVAL;
	}
	lower = strndup(rest, (size_t)(colon - rest));
	upper = strdup(colon + 1);
	if (!lower || !upper)
		return -ENOMEM;
	cleanup_free char **layers = str_words(lower, ":");
	if (!layers)
		return -ENOMEM;
	for (size_t i = 0; layers[i]; i++) {
		if (!overlay_path_ok(layers[i])) {
			*why = "overlay layers must be absolute paths without ',' or '\\'";
			return -EINVAL;
		}
	}
	if (!overlay_path_ok(upper)) {
		*why = "overlay layers must be absolute paths without ',' or '\\'";
		return -EINVAL;
	}
	size_t n = strlen(upper);
	while (n > 1 && upper[n - 1] == '/')
		upper[--n] = '\0';
	char *slash = strrchr(upper, '/');
	if (slash == upper) {
		*why = "the upper layer cannot be a directory of \"/\" (its work directory goes "
		       "beside it)";
		return -EINVAL;
	}
	spec->work = str_printf("%.*s/olwork", (int)(slash - upper), upper);
	if (!spec->work)
		return -ENOMEM;
	spec->type = STORAGE_OVERLAY;
	spec->lower = steal_ptr(lower);
	spec->upper = steal_ptr(upper);
	return 0;
}

int storage_parse(const char *value, struct storage_spec *spec, const char **why)
{
	memset(spec, 0, sizeof(*spec));
	*why = NULL;
	if (str_starts_with(value, "overlay:"))
		return parse_overlay(value + strlen("overlay:"), spec, why);
	if (str_starts_with(value, "overlayfs:"))
		return parse_overlay(value + strlen("overlayfs:"), spec, why);
	const char *path = str_starts_with(value, "dir:") ? value + 4 : value;
	if (path == value && value[0] != '/' && strchr(value, ':')) {
		*why = "not supported yet: only directories (dir:PATH) and overlays "
		       "(overlay:LOWER:UPPER) for now";
		return -EOPNOTSUPP;
	}
	if (path[0] != '/') {
		*why = "the path must be absolute";
		return -EINVAL;
	}
	spec->type = STORAGE_DIR;
	spec->dir = strdup(path);
	return spec->dir ? 0 : -ENOMEM;
}

void storage_spec_clear(struct storage_spec *spec)
{
	free(spec->dir);
	free(spec->lower);
	free(spec->upper);
	free(spec->work);
	memset(spec, 0, sizeof(*spec));
}

char *storage_overlay_data(const struct storage_spec *spec)
{
	return str_printf("lowerdir=%s,upperdir=%s,workdir=%s", spec->lower, spec->upper,
			  spec->work);
}
