#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"
#include "conf/system.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

struct system_key {
	const char *name;
	const char *fallback; /* NULL: computed (see default_value) */
};

/* LXC's lxc.system.conf keys; the storage ones are accepted so LXC's
 * lxc.conf loads, and used by the backends that read them. */
static const struct system_key system_keys[SYSTEM_CONFIG_NKEYS] = {
	{ "lxc.lxcpath", LXCPATH },
	{ "lxc.default_config", NULL },
	{ "lxc.cgroup.pattern", "lxcmgr.payload.%n" },
	{ "lxc.cgroup.use", "" },
	{ "lxc.bdev.lvm.vg", "lxc" },
	{ "lxc.bdev.lvm.thin_pool", "lxc" },
	{ "lxc.bdev.zfs.root", "lxc" },
};

static const char *const system_key_names[SYSTEM_CONFIG_NKEYS + 1] = {
	"lxc.lxcpath", "lxc.default_config", "lxc.cgroup.pattern", "lxc.cgroup.use",
	"lxc.bdev.lvm.vg", "lxc.bdev.lvm.thin_pool", "lxc.bdev.zfs.root", NULL,
};

static int key_index(const char *key)
{
	for (int i = 0; i < SYSTEM_CONFIG_NKEYS; i++)
		if (strcmp(system_keys[i].name, key) == 0)
			return i;
	return -1;
}

static const char *closest_key(const char *key)
{
	const char *best = NULL;
	size_t best_d = 4;

	for (int i = 0; i < SYSTEM_CONFIG_NKEYS; i++) {
		size_t d = str_distance(key, system_keys[i].name);
		if (d < best_d) {
			best_d = d;
			best = system_keys[i].name;
		}
	}
	return best;
}

static int set_line(struct system_config *sc, const char *path, unsigned lineno, char *line,
		    lxcmgr_error **err)
{
	char *key = NULL, *value = NULL;
	const char *why = NULL;

	switch (conf_lex_line(line, &key, &value, &why)) {
	case CONF_LINE_BLANK:
	case CONF_LINE_COMMENT:
		return 0;
	case CONF_LINE_BAD:
		return error_msg(err, EINVAL, "%s:%u: %s", path, lineno, why);
	case CONF_LINE_ASSIGN:
		break;
	}
	int i = key_index(key);
	if (i < 0) {
		const char *near = closest_key(key);
		int ret = error_msg(err, EINVAL, "%s:%u: %s: unknown system config key", path,
				    lineno, key);
		if (near)
			error_hint(err, "did you mean %s?", near);
		else
			error_hint(err, "lxc-config -l lists the keys");
		return ret;
	}
	if (i == 0 && *value && *value != '/')
		return error_msg(err, EINVAL, "%s:%u: %s: \"%s\" is not an absolute path", path,
				 lineno, key, value);
	free(sc->values[i]);
	sc->values[i] = *value ? strdup(value) : NULL;
	return 0;
}

int system_config_load(struct system_config *sc, const char *config_dir, const char *path,
		       lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	unsigned lineno = 0;
	size_t len = 0;
	int ret;

	memset(sc, 0, sizeof(*sc));
	sc->values[1] = str_printf("%s/default.conf", config_dir);
	ret = file_read(path, 1 << 20, &text, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return error_set(err, -ret, "read system config \"%s\"", path);
	for (char *line = text, *next; line; line = next) {
		next = memchr(line, '\n', len - (size_t)(line - text));
		if (next)
			*next++ = '\0';
		lineno++;
		/* A NUL would end the line early and hide the rest of the file. */
		if (strlen(line) != (next ? (size_t)(next - 1 - line) : len - (size_t)(line - text)))
			return error_msg(err, EINVAL, "%s:%u: the line contains a NUL byte", path,
					 lineno);
		ret = set_line(sc, path, lineno, line, err);
		if (ret < 0)
			return ret;
	}
	/* "lxc.default_config =" brings back the default, as for other keys. */
	if (!sc->values[1])
		sc->values[1] = str_printf("%s/default.conf", config_dir);
	return 0;
}

const char *system_config_value(const struct system_config *sc, const char *key)
{
	int i = key_index(key);

	if (i < 0)
		return NULL;
	if (sc->values[i])
		return sc->values[i];
	return system_keys[i].fallback ? system_keys[i].fallback : "";
}

int system_config_set_default(struct system_config *sc, const char *key, const char *value)
{
	int i = key_index(key);

	if (i < 0)
		return -EINVAL;
	if (sc->values[i])
		return 0;
	sc->values[i] = strdup(value);
	return sc->values[i] ? 0 : -ENOMEM;
}

int system_config_override(struct system_config *sc, const char *key, const char *value)
{
	int i = key_index(key);
	char *copy = strdup(value);

	if (i < 0 || !copy) {
		free(copy);
		return i < 0 ? -EINVAL : -ENOMEM;
	}
	free(sc->values[i]);
	sc->values[i] = copy;
	return 0;
}

void system_config_release(struct system_config *sc)
{
	for (int i = 0; i < SYSTEM_CONFIG_NKEYS; i++) {
		free(sc->values[i]);
		sc->values[i] = NULL;
	}
}

LXCMGR_PUBLIC const char *const *lxcmgr_system_config_keys(void)
{
	return system_key_names;
}

#include "ctx.h"

LXCMGR_PUBLIC int lxcmgr_system_config_get(const struct lxcmgr_ctx *ctx, const char *key,
					   char **value, lxcmgr_error **err)
{
	const char *v = strcmp(key, "lxc.lxcpath") == 0 ? ctx->lxcpath
							: system_config_value(&ctx->sys, key);

	if (!v) {
		int ret = error_msg(err, EINVAL, "%s: unknown system config key", key);
		const char *near = closest_key(key);
		if (near)
			error_hint(err, "did you mean %s?", near);
		return ret;
	}
	*value = strdup(v);
	return *value ? 0 : error_set(err, ENOMEM, "%s", key);
}
