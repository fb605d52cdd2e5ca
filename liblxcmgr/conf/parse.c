/* Reading config documents: lines, checks of each value, and includes. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf-internal.h"
#include "conf/lexer.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

/* The files being read, outermost first, to stop include loops. */
struct include_stack {
	dev_t dev[CONF_MAX_INCLUDE_DEPTH + 1];
	ino_t ino[CONF_MAX_INCLUDE_DEPTH + 1];
	const char *path[CONF_MAX_INCLUDE_DEPTH + 1];
	int depth;
};

static int doc_parse(struct conf_doc *doc, const char *text, size_t len,
		     struct include_stack *stack, lxcmgr_error **err);
static int line_build(struct conf_line *line, const char *key, char *value, bool value_in_text,
		      const char *file, unsigned lineno, const char *base_dir,
		      struct include_stack *stack, lxcmgr_error **err);

struct conf_doc *doc_new(const char *path)
{
	struct conf_doc *doc = calloc(1, sizeof(*doc));

	if (doc && path && !(doc->path = strdup(path))) {
		free(doc);
		return NULL;
	}
	return doc;
}

void line_release(struct conf_line *line)
{
	if (!line->value_in_text)
		free(line->value);
	free(line->text);
	key_ref_release(&line->ref);
	for (size_t i = 0; i < line->n_includes; i++)
		doc_free(line->includes[i]);
	free(line->includes);
	memset(line, 0, sizeof(*line));
}

void doc_free(struct conf_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n; i++)
		line_release(&doc->lines[i]);
	free(doc->lines);
	free(doc->path);
	free(doc);
}

int doc_insert_line(struct conf_doc *doc, size_t at, struct conf_line *line)
{
	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 32;
		struct conf_line *grown = realloc(doc->lines, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		doc->lines = grown;
		doc->cap = cap;
	}
	memmove(&doc->lines[at + 1], &doc->lines[at], (doc->n - at) * sizeof(*line));
	doc->lines[at] = *line;
	doc->n++;
	memset(line, 0, sizeof(*line));
	return 0;
}

/* ------------------------------------------------------------ includes */

static int read_doc(const char *path, struct include_stack *stack, struct conf_doc **out,
		    lxcmgr_error **err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ret;

	if (stat(path, &st) < 0)
		return error_set(err, errno, "\"%s\"", path);
	/* A FIFO or a device would block or never end. */
	if (!S_ISREG(st.st_mode))
		return error_msg(err, EINVAL, "\"%s\" is not a regular file", path);
	for (int i = 0; i < stack->depth; i++)
		if (stack->dev[i] == st.st_dev && stack->ino[i] == st.st_ino)
			return error_msg(err, ELOOP, "include loop: \"%s\" includes itself (through "
					 "\"%s\")", path, stack->path[stack->depth - 1]);
	if (stack->depth >= CONF_MAX_INCLUDE_DEPTH)
		return error_msg(err, ELOOP, "includes nested deeper than %d levels at \"%s\"",
				 CONF_MAX_INCLUDE_DEPTH, path);
	ret = file_read(path, CONF_MAX_FILE_SIZE, &text, &len);
	if (ret == -EFBIG)
		return error_msg(err, EFBIG, "\"%s\" is larger than %u MiB", path,
				 CONF_MAX_FILE_SIZE >> 20);
	if (ret < 0)
		return error_set(err, -ret, "read \"%s\"", path);

	struct conf_doc *doc = doc_new(path);
	if (!doc)
		return error_set(err, ENOMEM, "read \"%s\"", path);
	stack->dev[stack->depth] = st.st_dev;
	stack->ino[stack->depth] = st.st_ino;
	stack->path[stack->depth] = path;
	stack->depth++;
	ret = doc_parse(doc, text, len, stack, err);
	stack->depth--;
	if (ret < 0) {
		doc_free(doc);
		return ret;
	}
	*out = doc;
	return 0;
}

static int push_include(struct conf_line *line, struct conf_doc *doc)
{
	struct conf_doc **grown = realloc(line->includes, (line->n_includes + 1) * sizeof(*grown));
	if (!grown) {
		doc_free(doc);
		return -ENOMEM;
	}
	line->includes = grown;
	line->includes[line->n_includes++] = doc;
	return 0;
}

static int conf_file_filter(const struct dirent *de)
{
	return de->d_name[0] != '.' && str_ends_with(de->d_name, ".conf");
}

/* Byte order: alphasort follows the locale's collation. */
static int byte_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every *.conf of DIR, in byte order (LXC uses readdir order, which
 * differs between file systems). */
static int include_dir(struct conf_line *line, const char *dir, struct include_stack *stack,
		       lxcmgr_error **err)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, conf_file_filter, byte_order);
	const char *sep = str_ends_with(dir, "/") ? "" : "/";
	int ret = 0;

	if (n < 0)
		return error_set(err, errno, "read directory \"%s\"", dir);
	for (int i = 0; i < n; i++) {
		cleanup_free char *path = str_printf("%s%s%s", dir, sep, names[i]->d_name);
		struct conf_doc *doc = NULL;
		if (ret == 0 && !path)
			ret = error_set(err, ENOMEM, "include \"%s\"", dir);
		if (ret == 0 && path_is_dir(path))
			continue;
		if (ret == 0)
			ret = read_doc(path, stack, &doc, err);
		if (ret == 0 && push_include(line, doc) < 0)
			ret = error_set(err, ENOMEM, "include \"%s\"", path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static int load_includes(struct conf_line *line, const char *base_dir,
			 struct include_stack *stack, lxcmgr_error **err)
{
	const char *value = line->value;
	cleanup_free char *path = value[0] == '/' || !base_dir
					  ? strdup(value)
					  : str_printf("%s/%s", base_dir, value);
	struct conf_doc *doc = NULL;
	struct stat st;
	int ret;

	if (!path)
		return error_set(err, ENOMEM, "include \"%s\"", value);
	if (stat(path, &st) < 0) {
		int e = errno;
		/* LXC accepts a missing directory: config snippets are optional. */
		if (e == ENOENT && str_ends_with(value, "/"))
			return 0;
		ret = error_set(err, e, "\"%s\"", path);
		if (e == ENOENT)
			error_hint(err, "a directory include ends in /, and may be missing");
		return ret;
	}
	if (S_ISDIR(st.st_mode))
		return include_dir(line, path, stack, err);
	ret = read_doc(path, stack, &doc, err);
	if (ret < 0)
		return ret;
	return push_include(line, doc) < 0 ? error_set(err, ENOMEM, "include \"%s\"", path) : 0;
}

/* --------------------------------------------------------------- lines */

static int line_error(lxcmgr_error **err, const char *file, unsigned lineno, const char *key,
		      const char *why)
{
	if (file)
		return error_msg(err, EINVAL, "%s:%u: %s: %s", file, lineno, key, why);
	return error_msg(err, EINVAL, "%s: %s", key, why);
}

static int check_value(const struct key_def *def, const char *value, char **why)
{
	if (*value == '\0') {
		if (def == NULL)
			return 0;
		if (strcmp(def->name, "lxc.include") == 0) {
			*why = strdup("needs a file or directory");
			return -EINVAL;
		}
		return 0; /* an empty value clears */
	}
	if (def->kind == KEY_CLEAR) {
		*why = str_printf("only an empty value is allowed here (\"%s =\" clears)", def->name);
		return -EINVAL;
	}
	*why = def->check ? def->check(value) : NULL;
	return *why ? -EINVAL : 0;
}

/* VALUE_IN_TEXT: VALUE points into line->text's buffer and is kept there
 * rather than copied (the common case: a line read from a file). */
static int line_build(struct conf_line *line, const char *key, char *value, bool value_in_text,
		      const char *file, unsigned lineno, const char *base_dir,
		      struct include_stack *stack, lxcmgr_error **err)
{
	cleanup_free char *why = NULL;
	int ret;

	line->lineno = lineno;
	ret = key_resolve(key, &line->ref, &why);
	if (ret == -ENOMEM)
		return error_set(err, ENOMEM, "%s", key);
	if (ret < 0)
		return line_error(err, file, lineno, key, why);
	if (check_value(line->ref.def, value, &why) < 0)
		return line_error(err, file, lineno, key, why ? why : "invalid value");
	line->value_in_text = value_in_text;
	line->value = value_in_text ? value : strdup(value);
	if (!line->value)
		return error_set(err, ENOMEM, "%s", key);
	if (strcmp(line->ref.key, "lxc.include") == 0 && *value) {
		ret = load_includes(line, base_dir, stack, err);
		if (ret < 0) {
			if (file)
				return error_wrap(err, ret, "%s:%u: lxc.include", file, lineno);
			return error_wrap(err, ret, "lxc.include");
		}
	}
	return 0;
}

int line_from_assignment(struct conf_line *line, const char *key, const char *value,
			 const char *file, unsigned lineno, const char *base_dir,
			 lxcmgr_error **err)
{
	struct include_stack stack = { .depth = 0 };
	int ret = line_build(line, key, (char *)value, false, file, lineno, base_dir, &stack, err);
	if (ret < 0)
		line_release(line);
	return ret;
}

static int parse_one(struct conf_doc *doc, const char *raw, size_t len, unsigned lineno,
		     const char *base_dir, struct include_stack *stack, lxcmgr_error **err)
{
	struct conf_line line = { .lineno = lineno };
	char *key = NULL, *value = NULL;
	const char *why = NULL;
	const char *file = doc->path ? doc->path : "config";
	int ret = 0;

	if (memchr(raw, '\0', len))
		return error_msg(err, EINVAL, "%s:%u: the line contains a NUL byte", file, lineno);
	/* One allocation: the text as read, then a copy the lexer cuts up.
	 * The copy lives only during this call; freeing the text frees both. */
	line.text = malloc(2 * len + 2);
	if (!line.text)
		return error_set(err, ENOMEM, "%s:%u", file, lineno);
	memcpy(line.text, raw, len);
	line.text[len] = '\0';
	char *scratch = line.text + len + 1;
	memcpy(scratch, raw, len + 1);
	scratch[len] = '\0';
	switch (conf_lex_line(scratch, &key, &value, &why)) {
	case CONF_LINE_BLANK:
	case CONF_LINE_COMMENT:
		break;
	case CONF_LINE_BAD:
		ret = error_msg(err, EINVAL, "%s:%u: %s", file, lineno, why);
		break;
	case CONF_LINE_ASSIGN:
		ret = line_build(&line, key, value, true, file, lineno, base_dir, stack, err);
		break;
	}
	if (ret == 0)
		ret = doc_insert_line(doc, doc->n, &line);
	if (ret == -ENOMEM)
		error_set(err, ENOMEM, "%s:%u", file, lineno);
	line_release(&line);
	return ret;
}

static int doc_parse(struct conf_doc *doc, const char *text, size_t len,
		     struct include_stack *stack, lxcmgr_error **err)
{
	cleanup_free char *dir_copy = doc->path ? strdup(doc->path) : NULL;
	const char *base_dir = dir_copy ? dirname(dir_copy) : NULL;
	unsigned lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - start) : len - pos;
		int ret = parse_one(doc, start, line_len, ++lineno, base_dir, stack, err);
		if (ret < 0)
			return ret;
		pos += line_len + (nl ? 1 : 0);
	}
	return 0;
}

int doc_parse_text(struct conf_doc *doc, const char *text, size_t len, const struct stat *st,
		   lxcmgr_error **err)
{
	struct include_stack stack = { .depth = 0 };

	/* The top document counts in the loop check when it is a file. */
	if (doc->path && st) {
		stack.dev[0] = st->st_dev;
		stack.ino[0] = st->st_ino;
		stack.path[0] = doc->path;
		stack.depth = 1;
	}
	return doc_parse(doc, text, len, &stack, err);
}
