/* A container config: the user's document (kept line by line so a save
 * changes only what was edited), the documents it includes, "-s" defines,
 * and the effective items that result from replaying them in order.
 *
 * Every value is checked when its line is read, so a config that loads is
 * one whose values all have a valid form. */
#ifndef LXCMGR_CONF_CONF_H
#define LXCMGR_CONF_CONF_H

#include "lxcmgr.h"

struct conf;

struct conf_origin {
	const char *file; /* owned by the config */
	unsigned line;
};

struct conf *conf_new(void);
void conf_free(struct conf *c);

/* Replaces the whole config with the file at PATH. On error the config is
 * left empty and the message is "file:line: key: message". */
int conf_load(struct conf *c, const char *path, lxcmgr_error **err);
/* Same, with TEXT read as if from NAME. */
int conf_load_text(struct conf *c, const char *name, const char *text, lxcmgr_error **err);
/* Path of the loaded document (NULL when made in memory). */
const char *conf_path(const struct conf *c);
void conf_set_path(struct conf *c, const char *path);

/* A "KEY=VALUE" line applied after the document and never saved. */
int conf_define(struct conf *c, const char *origin, const char *line, lxcmgr_error **err);

/* Edits of the document. set: a scalar is replaced where it stands, a list
 * value is added after the key's last line; an empty value clears. */
int conf_set(struct conf *c, const char *key, const char *value, lxcmgr_error **err);
int conf_clear(struct conf *c, const char *key, lxcmgr_error **err);
/* Appends raw lines (lxc-create's header comments). */
int conf_append_comment(struct conf *c, const char *comment);

/* Effective values. KEY must be spelled canonically for the two lookups. */
int conf_get(struct conf *c, const char *key, char **value, lxcmgr_error **err);
const char *conf_value(const struct conf *c, const char *key);   /* last value or NULL */
char *const *conf_values(const struct conf *c, const char *key); /* NULL when unset */
int conf_origin(const struct conf *c, const char *key, struct conf_origin *origin);
/* The origin of each value of KEY, in the order of conf_values(); returns the
 * count (0 when unset). The array belongs to the config. */
int conf_origins(const struct conf *c, const char *key, const struct conf_origin **origins);
/* Where ORIGIN's line comes when the config is read in order, includes
 * where they stand and defines last (0 first), or -1: for items that
 * must be applied in the order written across keys. */
long conf_origin_order(const struct conf *c, const struct conf_origin *origin);
/* Keys set, in first-set order; NULL-terminated, malloc'd. */
char **conf_keys(const struct conf *c);

/* The document as text, and an atomic write of it. */
char *conf_render(const struct conf *c);
int conf_save(struct conf *c, const char *path, lxcmgr_error **err);

#endif
