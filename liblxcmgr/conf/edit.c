/* Editing a config and writing it back: only the edited lines change, so
 * the user's comments, includes and order survive a save. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-internal.h"
#include "conf/lexer.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* Index of the last top-level line that changes TARGET (or sets a key that
 * TARGET clears), directly or through an include; -1 when none does. */
static ssize_t last_contributor(const struct conf_doc *top, const struct key_ref *target)
{
	for (size_t i = top->n; i-- > 0;) {
		const struct conf_line *line = &top->lines[i];
		if (line->ref.key &&
		    (key_affects(&line->ref, target) || key_affects(target, &line->ref)))
			return (ssize_t)i;
		for (size_t j = 0; j < line->n_includes; j++)
			if (doc_affects(line->includes[j], target))
				return (ssize_t)i;
	}
	return -1;
}

/* Renumbers so that origins of edited lines point at where they will be
 * once saved. */
static void renumber(struct conf_doc *top)
{
	for (size_t i = 0; i < top->n; i++)
		top->lines[i].lineno = (unsigned)i + 1;
}

static char *base_dir_of(const struct conf *c)
{
	cleanup_free char *copy = c->top->path ? strdup(c->top->path) : NULL;
	return copy ? strdup(dirname(copy)) : NULL;
}

static int insert_assignment(struct conf *c, size_t at, const char *key, const char *value,
			     lxcmgr_error **err)
{
	struct conf_line line = { 0 };
	cleanup_free char *base = base_dir_of(c);
	int ret;

	/* A saved value must read back the same: no line breaks, and quotes
	 * that a reader can tell apart from a trailing comment. */
	if (strpbrk(value, "\r\n"))
		return error_msg(err, EINVAL, "%s: a value cannot span lines", key);
	if (!conf_value_writable(value))
		return error_msg(err, EINVAL, "%s: \"%s\" cannot be written so that it reads "
				 "back the same (quotes of both kinds around a \" #\")", key, value);
	ret = line_from_assignment(&line, key, value, NULL, (unsigned)at + 1, base, err);
	if (ret < 0)
		return ret;
	ret = doc_insert_line(c->top, at, &line);
	line_release(&line);
	return ret < 0 ? error_set(err, ENOMEM, "%s", key) : 0;
}

static int finish_edit(struct conf *c, const char *key, lxcmgr_error **err)
{
	renumber(c->top);
	return conf_eval(c) < 0 ? error_set(err, ENOMEM, "%s", key) : 0;
}

int conf_set(struct conf *c, const char *key, const char *value, lxcmgr_error **err)
{
	struct key_ref target;
	cleanup_free char *why = NULL;
	int ret;

	if (*value == '\0')
		return conf_clear(c, key, err);
	ret = key_resolve(key, &target, &why);
	if (ret < 0)
		return error_msg(err, -ret, "%s: %s", key, why ? why : "unknown key");

	ssize_t last = last_contributor(c->top, &target);
	struct conf_line *at = last >= 0 ? &c->top->lines[last] : NULL;
	bool replace = at && target.def->kind == KEY_SCALAR && at->ref.key &&
		       strcmp(at->ref.key, target.key) == 0;
	if (replace) {
		/* Build the new line first, so a bad value leaves the old one. */
		ret = insert_assignment(c, (size_t)last + 1, target.key, value, err);
		if (ret == 0) {
			line_release(&c->top->lines[last]);
			memmove(&c->top->lines[last], &c->top->lines[last + 1],
				(c->top->n - (size_t)last - 1) * sizeof(struct conf_line));
			c->top->n--;
		}
	} else {
		ret = insert_assignment(c, last >= 0 ? (size_t)last + 1 : c->top->n, target.key,
					value, err);
	}
	if (ret == 0)
		ret = finish_edit(c, target.key, err);
	key_ref_release(&target);
	return ret;
}

/* Does TARGET cover a line setting LINE (same key, or TARGET clears LINE's
 * family)? */
static bool covers(const struct key_ref *target, const struct key_ref *line)
{
	return key_affects(target, line);
}

static bool any_item_covered(const struct conf *c, const struct key_ref *target)
{
	for (size_t i = 0; i < c->n_items; i++)
		if (covers(target, &c->items[i].ref))
			return true;
	return false;
}

int conf_clear(struct conf *c, const char *key, lxcmgr_error **err)
{
	struct key_ref target;
	cleanup_free char *why = NULL;
	int ret = key_resolve(key, &target, &why);

	if (ret < 0)
		return error_msg(err, -ret, "%s: %s", key, why ? why : "unknown key");
	for (size_t i = c->top->n; i-- > 0;) {
		struct conf_line *line = &c->top->lines[i];
		if (!line->ref.key || !covers(&target, &line->ref))
			continue;
		line_release(line);
		memmove(line, line + 1, (c->top->n - i - 1) * sizeof(*line));
		c->top->n--;
	}
	ret = finish_edit(c, target.key, err);
	/* Still set by an include: clear it after the include. */
	if (ret == 0 && any_item_covered(c, &target)) {
		ssize_t last = last_contributor(c->top, &target);
		ret = insert_assignment(c, last >= 0 ? (size_t)last + 1 : c->top->n, target.key,
					"", err);
		if (ret == 0)
			ret = finish_edit(c, target.key, err);
	}
	key_ref_release(&target);
	return ret;
}

int conf_append_comment(struct conf *c, const char *comment)
{
	struct conf_line line = { .text = strdup(comment) };

	if (!line.text)
		return -ENOMEM;
	int ret = doc_insert_line(c->top, c->top->n, &line);
	line_release(&line);
	renumber(c->top);
	return ret;
}

/* ---------------------------------------------------------- rendering */

char *conf_render(const struct conf *c)
{
	cleanup_strv char **lines = calloc(1, sizeof(*lines));

	if (!lines)
		return NULL;
	for (size_t i = 0; i < c->top->n; i++) {
		const struct conf_line *line = &c->top->lines[i];
		char *text;
		if (line->text) {
			text = strdup(line->text);
		} else {
			cleanup_free char *quoted = conf_quote_value(line->value);
			if (quoted && *quoted == '\0')
				text = str_printf("%s =", line->ref.key);
			else
				text = quoted ? str_printf("%s = %s", line->ref.key, quoted) : NULL;
		}
		if (strv_push(&lines, text) < 0)
			return NULL;
	}
	if (c->top->n > 0 && strv_push_dup(&lines, "") < 0) /* final newline */
		return NULL;
	return strv_join(lines, "\n");
}

int conf_save(struct conf *c, const char *path, lxcmgr_error **err)
{
	cleanup_free char *text = conf_render(c);
	int ret;

	if (!path)
		path = c->top->path;
	if (!path)
		return error_msg(err, EINVAL, "save config: no path given");
	if (!text)
		return error_set(err, ENOMEM, "save config \"%s\"", path);
	ret = file_write_atomic(path, text, strlen(text), 0640);
	if (ret < 0)
		return error_set(err, -ret, "write config \"%s\"", path);
	return 0;
}
