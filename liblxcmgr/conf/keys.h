/* The table of container config keys: one row per LXC 5.0 key with its kind
 * (scalar, list, clear-only), the check of its value, the form and an
 * example value, and a one-line doc. Set, get and clear are generic over the
 * kind, so a key cannot exist without all three; the man page's key list is
 * generated from this table (doc/gen-keydoc). */
#ifndef LXCMGR_CONF_KEYS_H
#define LXCMGR_CONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/values.h"

enum key_kind {
	KEY_SCALAR, /* the last value wins */
	KEY_LIST,   /* values append */
	KEY_CLEAR,  /* only "key =" is valid: clears a whole family */
};

/* Families that a clear-only key empties. */
enum key_group {
	GROUP_NONE = 0,
	GROUP_NET,
	GROUP_HOOK,
	GROUP_CGROUP1,
	GROUP_CGROUP2,
	GROUP_SYSCTL,
	GROUP_PRLIMIT,
	GROUP_PROC,
};

struct key_def {
	const char *name;  /* full key; a family prefix ends in '.'; a net sub-key has no "lxc." */
	enum key_kind kind;
	enum key_group group;   /* the family it belongs to, or clears for KEY_CLEAR */
	value_check_fn check;     /* NULL: any value */
	value_check_fn check_sub; /* families: checks the part after the prefix */
	const char *form;         /* the value's form, for docs */
	const char *example;      /* a valid value (docs and the round-trip test) */
	const char *section;      /* man page heading */
	const char *doc;          /* one line */
};

/* A key as resolved from text: its row and its normalized spelling
 * ("lxc.net.00.type" becomes "lxc.net.0.type"). */
struct key_ref {
	const struct key_def *def;
	char *key;       /* malloc'd, or the table's own name (key_static) */
	bool key_static; /* key is def->name: nothing to free */
	int net_index;   /* -1 when not a network key */
};

/* Resolves KEY. -EINVAL when unknown; then *why (malloc'd) says so, with a
 * "did you mean" or the key that replaced a removed one. */
int key_resolve(const char *key, struct key_ref *ref, char **why);
void key_ref_release(struct key_ref *ref);

/* Does a line that sets LINE_KEY (resolved as LINE) change TARGET? True when
 * they are the same key, or LINE is a clear-only key of TARGET's family. */
bool key_affects(const struct key_ref *line, const struct key_ref *target);

/* The tables, for docs and tests. */
const struct key_def *key_table(size_t *count);
const struct key_def *key_net_table(size_t *count);

#endif
