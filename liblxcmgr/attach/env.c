/* The attached command's environment. By default a clean one: the
 * caller's PATH, HOME or HISTFILE mean nothing inside the container (and
 * LXC's keeping them is a known source of "No such file or directory"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "util/cleanup.h"

#define ATTACH_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct envv {
	char **v;
	size_t n, cap;
	bool failed;
};

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Adds ENTRY ("NAME=VALUE", copied), replacing an earlier NAME. */
static void env_put(struct envv *e, const char *entry)
{
	size_t len = name_len(entry);
	char *copy = strdup(entry);

	if (!copy || !strchr(entry, '=')) {
		free(copy);
		e->failed |= !copy;
		return;
	}
	for (size_t i = 0; i < e->n; i++)
		if (name_len(e->v[i]) == len && strncmp(e->v[i], entry, len) == 0) {
			free(e->v[i]);
			e->v[i] = copy;
			return;
		}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		char **v = realloc(e->v, cap * sizeof(*v));
		if (!v) {
			free(copy);
			e->failed = true;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = copy;
	e->v[e->n] = NULL;
}

static void env_set(struct envv *e, const char *name, const char *value)
{
	cleanup_free char *entry = NULL;

	if (asprintf(&entry, "%s=%s", name, value) < 0)
		e->failed = true;
	else
		env_put(e, entry);
}

static const char *caller_get(char **env, const char *name)
{
	size_t len = strlen(name);

	for (char **p = env; p && *p; p++)
		if (strncmp(*p, name, len) == 0 && (*p)[len] == '=')
			return *p + len + 1;
	return NULL;
}

char **attach_build_env(const struct attach_job *job, const char *user, const char *home,
			const char *shell)
{
	const struct lxcmgr_attach_options *o = job->opts;
	struct envv e = { 0 };
	const char *term = caller_get(job->caller_env, "TERM");

	if (o->env_mode == LXCMGR_ATTACH_ENV_KEEP)
		for (char **p = job->caller_env; p && *p; p++)
			env_put(&e, *p);
	env_set(&e, "container", "lxc");
	if (o->env_mode != LXCMGR_ATTACH_ENV_KEEP)
		env_set(&e, "PATH", ATTACH_PATH);
	if (o->env_mode == LXCMGR_ATTACH_ENV_CLEAN) {
		/* The terminal is the caller's, so is its type. */
		env_set(&e, "TERM", term ? term : "linux");
		env_set(&e, "HOME", home);
		env_set(&e, "SHELL", shell);
		if (user) {
			env_set(&e, "USER", user);
			env_set(&e, "LOGNAME", user);
		}
	}
	for (const char *const *k = o->keep_vars; k && *k; k++) {
		const char *value = caller_get(job->caller_env, *k);
		if (value)
			env_set(&e, *k, value);
	}
	for (const char *const *s = o->set_vars; s && *s; s++)
		env_put(&e, *s);
	if (e.failed) {
		strv_free(e.v);
		return NULL;
	}
	return e.v;
}
