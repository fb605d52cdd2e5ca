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

int usernet_quota(const char *text, const char *path, const struct usernet_who *who,
		  const char *type, const char *bridge, unsigned *quota, lxcmgr_error **err)
{
	cleanup_free char *copy = strdup(text);
	unsigned lineno = 0;

	*quota = 0;
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
		if (!who_matches(who, words[0]) || !str_eq(words[1], type) ||
		    !str_eq(words[2], bridge))
			continue;
		*quota = *quota + count > USERNET_MAX_COUNT ? USERNET_MAX_COUNT : *quota + count;
	}
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
