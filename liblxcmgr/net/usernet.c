#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/usernet.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/str.h"

#define USERNET_MAX_COUNT 100000 /* more would be a typo */

bool usernet_valid_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IF_NAMESIZE || str_eq(name, ".") || str_eq(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static bool who_matches(const struct usernet_who *who, const char *name)
{
	if (name[0] != '@')
		return str_eq(name, who->user);
	for (size_t i = 0; who->groups && who->groups[i]; i++)
		if (str_eq(who->groups[i], name + 1))
			return true;
	return false;
}

/* "USER|@GROUP TYPE BRIDGE COUNT" into its words; COUNT checked. */
static int parse_line(char *line, const char *path, unsigned lineno, char *words[4],
		      unsigned *count, lxcmgr_error **err)
{
	size_t n = 0;
	uint64_t v;

	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return error_msg(err, EINVAL, "%s:%u: more than USER TYPE BRIDGE COUNT",
					 path, lineno);
		words[n++] = w;
	}
	if (n != 4)
		return error_msg(err, EINVAL, "%s:%u: expected USER TYPE BRIDGE COUNT (or @GROUP "
				 "TYPE BRIDGE COUNT)", path, lineno);
	if (str_to_u64(words[3], &v) < 0 || v > USERNET_MAX_COUNT)
		return error_msg(err, EINVAL, "%s:%u: count \"%s\" is not a number from 0 to %u",
				 path, lineno, words[3], USERNET_MAX_COUNT);
	*count = (unsigned)v;
	return 0;
}

/* Calls FN with the words and count of each line of TEXT that names WHO
 * (or one of their groups); the first line that does not parse is the
 * error. */
typedef int (*line_fn)(char *words[4], unsigned count, void *data);

static int each_line_of(const char *text, const char *path, const struct usernet_who *who,
			line_fn fn, void *data, lxcmgr_error **err)
{
	cleanup_free char *copy = strdup(text);
	unsigned lineno = 0;

	if (!copy)
		return error_set(err, ENOMEM, "%s", path);
	for (char *line = copy, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = str_trim(line);
		if (!*line)
			continue;
		char *words[4];
		unsigned count = 0;
		int ret = parse_line(line, path, lineno, words, &count, err);
		if (ret < 0)
			return ret;
		if (who_matches(who, words[0]) && (ret = fn(words, count, data)) < 0)
			return error_set(err, -ret, "%s", path);
	}
	return 0;
}

static unsigned add_capped(unsigned a, unsigned b)
{
	return a + b > USERNET_MAX_COUNT ? USERNET_MAX_COUNT : a + b;
}

struct quota_ask {
	const char *type, *bridge;
	unsigned quota;
};

static int add_quota(char *words[4], unsigned count, void *data)
{
	struct quota_ask *q = data;

	if (str_eq(words[1], q->type) && str_eq(words[2], q->bridge))
		q->quota = add_capped(q->quota, count);
	return 0;
}

int usernet_quota(const char *text, const char *path, const struct usernet_who *who,
		  const char *type, const char *bridge, unsigned *quota, lxcmgr_error **err)
{
	struct quota_ask q = { type, bridge, 0 };
	int ret = each_line_of(text, path, who, add_quota, &q, err);

	*quota = ret < 0 ? 0 : q.quota;
	return ret;
}

/* The allowances so far: "TYPE BRIDGE" and its count, in the order named. */
struct allowances {
	char **keys;
	unsigned *counts;
	size_t n;
};

static int add_allowance(char *words[4], unsigned count, void *data)
{
	struct allowances *a = data;
	cleanup_free char *key = str_printf("%s %s", words[1], words[2]);
	size_t i = 0;

	if (!key)
		return -ENOMEM;
	while (i < a->n && !str_eq(a->keys[i], key))
		i++;
	if (i == a->n) {
		unsigned *counts = realloc(a->counts, (a->n + 1) * sizeof(*counts));
		if (!counts)
			return -ENOMEM;
		a->counts = counts;
		if (strv_push(&a->keys, steal_ptr(key)) < 0)
			return -ENOMEM;
		a->counts[a->n++] = 0;
	}
	a->counts[i] = add_capped(a->counts[i], count);
	return 0;
}

int usernet_allowances(const char *text, const char *path, const struct usernet_who *who,
		       char **out, lxcmgr_error **err)
{
	struct allowances a = { 0 };
	int ret = each_line_of(text, path, who, add_allowance, &a, err);
	char *list = strdup("");

	for (size_t i = 0; ret == 0 && list && i < a.n; i++) {
		const char *sp = strchr(a.keys[i], ' '); /* "TYPE BRIDGE" */
		if (!a.counts[i])
			continue;
		char *next = str_printf("%s%s%u %.*s on %s", list, *list ? ", " : "", a.counts[i],
					(int)(sp - a.keys[i]), a.keys[i], sp + 1);
		free(list);
		list = next;
	}
	strv_free(a.keys);
	free(a.counts);
	if (ret < 0) {
		free(list);
		return ret;
	}
	if (!list)
		return error_set(err, ENOMEM, "%s", path);
	*out = list;
	return 0;
}

bool usernet_entry_parse(const char *line, struct usernet_entry *out)
{
	unsigned long uid;
	int end = 0;

	memset(out, 0, sizeof(*out));
	if (sscanf(line, "%lu %15s %15s %15s %255s%n", &uid, out->type, out->bridge, out->host,
		   out->container, &end) != 5 || (uid_t)uid != uid)
		return false;
	out->uid = (uid_t)uid;
	return line[end] == '\0' || line[end] == '\n';
}

char *usernet_entry_format(const struct usernet_entry *e)
{
	return str_printf("%lu %s %s %s %s\n", (unsigned long)e->uid, e->type, e->bridge, e->host,
			  e->container[0] ? e->container : "-");
}
