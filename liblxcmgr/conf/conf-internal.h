/* Shared by conf.c (model and evaluation), parse.c (reading) and edit.c
 * (set, clear, render). Not for use outside conf/. */
#ifndef LXCMGR_CONF_INTERNAL_H
#define LXCMGR_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "conf/keys.h"

#define CONF_MAX_FILE_SIZE (16u << 20)
#define CONF_MAX_INCLUDE_DEPTH 16

struct conf_doc;

struct conf_line {
	char *text;          /* as read; NULL for a line made or edited in memory */
	struct key_ref ref;  /* ref.key is NULL for blank and comment lines */
	char *value;         /* owned, or (value_in_text) inside text's buffer */
	bool value_in_text;
	unsigned lineno;
	struct conf_doc **includes; /* lxc.include: the documents it read */
	size_t n_includes;
};

struct conf_doc {
	char *path;
	struct conf_line *lines;
	size_t n, cap;
};

/* An effective item. Its key and values point into the lines they came
 * from (lines outlive items: every edit re-evaluates), so evaluating a
 * config copies no strings. */
struct conf_item {
	struct key_ref ref;          /* ref.key borrowed */
	char **values;               /* NULL-terminated; the strings are borrowed */
	struct conf_origin *origins;
	size_t n, cap;
};

struct conf {
	struct conf_doc *top;
	struct conf_doc *defines;
	struct conf_item *items;
	size_t n_items, cap_items;
};

/* Documents (parse.c). */
struct conf_doc *doc_new(const char *path);
void doc_free(struct conf_doc *doc);
void line_release(struct conf_line *line);
int doc_insert_line(struct conf_doc *doc, size_t at, struct conf_line *line);
/* Parses TEXT into DOC (already named), reading includes. */
/* ST: the file's stat when DOC was read from one (include loop checks). */
int doc_parse_text(struct conf_doc *doc, const char *text, size_t len, const struct stat *st,
		   lxcmgr_error **err);
/* Builds a checked line from KEY and VALUE; FILE:LINENO name it in errors
 * (FILE NULL: errors are "key: message"). Reads the includes of an
 * lxc.include line relative to BASE_DIR. */
int line_from_assignment(struct conf_line *line, const char *key, const char *value,
			 const char *file, unsigned lineno, const char *base_dir,
			 lxcmgr_error **err);

/* Evaluation (conf.c): replays the documents into c->items. */
int conf_eval(struct conf *c);
/* Does any line of DOC (or its includes) change TARGET, or set a key that
 * TARGET (a clear-only key such as lxc.net.1) clears? */
bool doc_affects(const struct conf_doc *doc, const struct key_ref *target);

#endif
