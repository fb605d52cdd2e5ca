/* The config model: loading, evaluation into effective items, lookups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf-internal.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

struct conf *conf_new(void)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->top = doc_new(NULL);
	c->defines = doc_new("command line");
	if (!c->top || !c->defines) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static void item_release(struct conf_item *it)
{
	free(it->values); /* the strings belong to the lines */
	free(it->origins);
}

static void items_clear(struct conf *c)
{
	for (size_t i = 0; i < c->n_items; i++)
		item_release(&c->items[i]);
	c->n_items = 0;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	items_clear(c);
	free(c->items);
	doc_free(c->top);
	doc_free(c->defines);
	free(c);
}

const char *conf_path(const struct conf *c)
{
	return c->top->path;
}

void conf_set_path(struct conf *c, const char *path)
{
	char *copy = path ? strdup(path) : NULL;
	free(c->top->path);
	c->top->path = copy;
}

/* ---------------------------------------------------------- evaluation */

/* Items of a key found by its table row: a row of one exact key matches
 * by pointer; family and network rows compare the spelled key too. */
static struct conf_item *item_find_ref(const struct conf *c, const struct key_ref *ref)
{
	bool exact = ref->key_static;

	for (size_t i = 0; i < c->n_items; i++) {
		const struct key_ref *r = &c->items[i].ref;
		if (r->def == ref->def && (exact || strcmp(r->key, ref->key) == 0))
			return &c->items[i];
	}
	return NULL;
}

static struct conf_item *item_find(const struct conf *c, const char *key)
{
	for (size_t i = 0; i < c->n_items; i++)
		if (strcmp(c->items[i].ref.key, key) == 0)
			return &c->items[i];
	return NULL;
}

static void item_remove(struct conf *c, size_t i)
{
	item_release(&c->items[i]);
	memmove(&c->items[i], &c->items[i + 1], (c->n_items - i - 1) * sizeof(c->items[0]));
	c->n_items--;
}

static struct conf_item *item_add(struct conf *c, const struct key_ref *ref)
{
	if (c->n_items == c->cap_items) {
		size_t cap = c->cap_items ? c->cap_items * 2 : 32;
		struct conf_item *grown = realloc(c->items, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		c->items = grown;
		c->cap_items = cap;
	}
	struct conf_item *it = &c->items[c->n_items];
	memset(it, 0, sizeof(*it));
	it->ref = *ref;
	c->n_items++;
	return it;
}

static int item_push(struct conf_item *it, const char *value, struct conf_origin origin)
{
	if (it->n + 1 >= it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 2;
		char **values = realloc(it->values, cap * sizeof(*values));
		if (!values)
			return -ENOMEM;
		it->values = values;
		struct conf_origin *origins = realloc(it->origins, cap * sizeof(*origins));
		if (!origins)
			return -ENOMEM;
		it->origins = origins;
		it->cap = cap;
	}
	it->values[it->n] = (char *)value;
	it->origins[it->n++] = origin;
	it->values[it->n] = NULL;
	return 0;
}

static int apply_line(struct conf *c, const struct conf_line *line, const char *file)
{
	const struct key_ref *ref = &line->ref;
	struct conf_origin origin = { file, line->lineno };

	if (ref->def->kind == KEY_CLEAR || line->value[0] == '\0') {
		for (size_t i = c->n_items; i-- > 0;)
			if (key_affects(ref, &c->items[i].ref))
				item_remove(c, i);
		return 0;
	}
	struct conf_item *it = item_find_ref(c, ref);
	if (!it && !(it = item_add(c, ref)))
		return -ENOMEM;
	if (ref->def->kind == KEY_SCALAR)
		it->n = 0; /* the last value wins */
	return item_push(it, line->value, origin);
}

static int eval_doc(struct conf *c, const struct conf_doc *doc)
{
	const char *file = doc->path ? doc->path : "config";

	for (size_t i = 0; i < doc->n; i++) {
		const struct conf_line *line = &doc->lines[i];
		if (!line->ref.key)
			continue;
		int ret = apply_line(c, line, file);
		for (size_t j = 0; ret == 0 && j < line->n_includes; j++)
			ret = eval_doc(c, line->includes[j]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The walk of eval_doc, counting assignments until ORIGIN's. */
static bool find_line(const struct conf_doc *doc, const struct conf_origin *origin, long *n)
{
	const char *file = doc->path ? doc->path : "config";

	for (size_t i = 0; i < doc->n; i++) {
		const struct conf_line *line = &doc->lines[i];
		if (!line->ref.key)
			continue;
		if (line->lineno == origin->line && strcmp(file, origin->file) == 0)
			return true;
		(*n)++;
		for (size_t j = 0; j < line->n_includes; j++)
			if (find_line(line->includes[j], origin, n))
				return true;
	}
	return false;
}

long conf_origin_order(const struct conf *c, const struct conf_origin *origin)
{
	long n = 0;

	if (find_line(c->top, origin, &n) || find_line(c->defines, origin, &n))
		return n;
	return -1;
}

int conf_eval(struct conf *c)
{
	items_clear(c);
	int ret = eval_doc(c, c->top);
	return ret < 0 ? ret : eval_doc(c, c->defines);
}

bool doc_affects(const struct conf_doc *doc, const struct key_ref *target)
{
	for (size_t i = 0; i < doc->n; i++) {
		const struct conf_line *line = &doc->lines[i];
		if (line->ref.key &&
		    (key_affects(&line->ref, target) || key_affects(target, &line->ref)))
			return true;
		for (size_t j = 0; j < line->n_includes; j++)
			if (doc_affects(line->includes[j], target))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------- loading */

static void conf_reset(struct conf *c, struct conf_doc *top)
{
	items_clear(c);
	doc_free(c->top);
	c->top = top;
	doc_free(c->defines);
	c->defines = doc_new("command line");
}

/* Parses TEXT as the document NAME and makes it the config; on an error the
 * config is left empty. */
static int conf_adopt(struct conf *c, const char *name, const char *text, size_t len,
		      const struct stat *st, lxcmgr_error **err)
{
	struct conf_doc *doc = doc_new(name);
	int ret;

	if (!doc)
		return error_set(err, ENOMEM, "load config");
	ret = doc_parse_text(doc, text, len, st, err);
	if (ret < 0) {
		doc_free(doc);
		conf_reset(c, doc_new(name));
		return ret;
	}
	conf_reset(c, doc);
	if (!c->defines || conf_eval(c) < 0)
		return error_set(err, ENOMEM, "load config");
	return 0;
}

int conf_load_text(struct conf *c, const char *name, const char *text, lxcmgr_error **err)
{
	struct stat st;
	bool is_file = name && stat(name, &st) == 0;

	return conf_adopt(c, name, text, strlen(text), is_file ? &st : NULL, err);
}

int conf_load(struct conf *c, const char *path, lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ret = file_read_regular(path, CONF_MAX_FILE_SIZE, &text, &len, &st);

	if (ret == -EFBIG)
		return error_msg(err, EFBIG, "config \"%s\" is larger than %u MiB", path,
				 CONF_MAX_FILE_SIZE >> 20);
	if (ret == -EINVAL)
		return error_msg(err, EINVAL, "config \"%s\" is not a regular file", path);
	if (ret < 0)
		return error_set(err, -ret, "read config \"%s\"", path);
	return conf_adopt(c, path, text, len, &st, err);
}

int conf_define(struct conf *c, const char *origin, const char *text, lxcmgr_error **err)
{
	struct conf_line line = { 0 };
	cleanup_free char *copy = strdup(text);
	char *eq = copy ? strchr(copy, '=') : NULL;
	int ret;

	if (!copy)
		return error_set(err, ENOMEM, "%s", origin);
	if (!eq)
		return error_msg(err, EINVAL, "%s: \"%s\" is not KEY=VALUE", origin, text);
	*eq = '\0';
	ret = line_from_assignment(&line, str_trim(copy), str_trim(eq + 1), origin,
				   (unsigned)c->defines->n + 1, NULL, err);
	if (ret < 0)
		return ret;
	ret = doc_insert_line(c->defines, c->defines->n, &line);
	line_release(&line);
	if (ret == 0)
		ret = conf_eval(c);
	return ret < 0 ? error_set(err, -ret, "%s", origin) : 0;
}

/* ------------------------------------------------------------- lookups */

const char *conf_value(const struct conf *c, const char *key)
{
	const struct conf_item *it = item_find(c, key);
	return it && it->n ? it->values[it->n - 1] : NULL;
}

char *const *conf_values(const struct conf *c, const char *key)
{
	const struct conf_item *it = item_find(c, key);
	return it && it->n ? it->values : NULL;
}

int conf_origin(const struct conf *c, const char *key, struct conf_origin *origin)
{
	const struct conf_item *it = item_find(c, key);

	if (!it || it->n == 0)
		return -ENOENT;
	*origin = it->origins[it->n - 1];
	return 0;
}

int conf_origins(const struct conf *c, const char *key, const struct conf_origin **origins)
{
	const struct conf_item *it = item_find(c, key);

	*origins = it ? it->origins : NULL;
	return it ? (int)it->n : 0;
}

int conf_get(struct conf *c, const char *key, char **value, lxcmgr_error **err)
{
	struct key_ref ref;
	cleanup_free char *why = NULL;
	int ret = key_resolve(key, &ref, &why);

	if (ret < 0)
		return error_msg(err, -ret, "%s: %s", key, why ? why : "unknown key");
	const struct conf_item *it = item_find_ref(c, &ref);
	key_ref_release(&ref);
	*value = it ? strv_join(it->values, "\n") : strdup("");
	return *value ? 0 : error_set(err, ENOMEM, "%s", key);
}

char **conf_keys(const struct conf *c)
{
	char **keys = calloc(1, sizeof(*keys));

	for (size_t i = 0; keys && i < c->n_items; i++) {
		if (strv_push_dup(&keys, c->items[i].ref.key) < 0) {
			strv_free(keys);
			return NULL;
		}
	}
	return keys;
}
