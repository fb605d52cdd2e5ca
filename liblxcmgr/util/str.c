
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/cleanup.h"
#include "util/str.h"

bool str_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *str_trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && is_blank(s[len - 1]))
		s[--len] = '\0';
	return s;
}

char *str_next_entry(char **cursor, unsigned *lineno)
{
	while (*cursor) {
		char *line = *cursor, *end = strchr(line, '\n');
		if (end)
			*end++ = '\0';
		*cursor = end;
		(*lineno)++;
		line = str_trim(line);
		if (*line && *line != '#')
			return line;
	}
	return NULL;
}

char *str_printf(const char *fmt, ...)
{
	char *out = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

int str_to_u64(const char *s, uint64_t *out)
{
	char *end = NULL;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int str_to_i64(const char *s, int64_t *out)
{
	char *end = NULL;

	if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

size_t str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	cleanup_free size_t *row = calloc(lb + 1, sizeof(*row));

	if (!row)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int strv_push(char ***v, char *s)
{
	if (!s)
		return -ENOMEM;
	size_t n = strv_len(*v);
	char **grown = realloc(*v, (n + 2) * sizeof(*grown));
	if (!grown) {
		free(s);
		return -ENOMEM;
	}
	grown[n] = s;
	grown[n + 1] = NULL;
	*v = grown;
	return 0;
}

int strv_push_dup(char ***v, const char *s)
{
	return strv_push(v, strdup(s));
}

char *strv_join(char *const *v, const char *sep)
{
	size_t total = 1, lsep = strlen(sep);
	for (size_t i = 0; v && v[i]; i++)
		total += strlen(v[i]) + lsep;
	char *out = malloc(total);
	if (!out)
		return NULL;
	char *p = out;
	for (size_t i = 0; v && v[i]; i++) {
		if (i > 0) {
			memcpy(p, sep, lsep);
			p += lsep;
		}
		size_t l = strlen(v[i]);
		memcpy(p, v[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char **str_split(const char *s, const char *seps)
{
	char **out = calloc(1, sizeof(*out));
	const char *p = s;

	if (!out)
		return NULL;
	while (*p) {
		size_t skip = strspn(p, seps);
		p += skip;
		size_t len = strcspn(p, seps);
		if (len == 0)
			break;
		if (strv_push(&out, strndup(p, len)) < 0) {
			strv_free(out);
			return NULL;
		}
		p += len;
	}
	return out;
}

char **str_words(const char *s, const char *seps)
{
	size_t n = 0, len = strlen(s);

	for (const char *p = s + strspn(s, seps); *p; p += strspn(p, seps)) {
		n++;
		p += strcspn(p, seps);
	}
	char **out = malloc((n + 1) * sizeof(*out) + len + 1);
	if (!out)
		return NULL;
	char *copy = (char *)(out + n + 1);
	memcpy(copy, s, len + 1);
	size_t i = 0;
	for (char *p = copy + strspn(copy, seps); *p; p += strspn(p, seps)) {
		out[i++] = p;
		p += strcspn(p, seps);
		if (*p)
			*p++ = '\0';
		else
			break;
	}
	out[i] = NULL;
	return out;
}

/* One word of a command line, from P: quotes and backslashes as in sh,
 * nothing else. Sets *WORD and *END (where the word ends); -EINVAL when a
 * quote is never closed. */
static int command_word(const char *p, char **word, const char **end)
{
	char *w = malloc(strlen(p) + 1);
	size_t n = 0;
	char quote = 0;

	if (!w)
		return -ENOMEM;
	for (; *p && (quote || !strchr(" \t\n", *p)); p++) {
		if (quote == '\'' && *p == '\'')
			quote = 0;
		else if (quote == '\'')
			w[n++] = *p;
		else if (*p == '\\' && p[1] && (!quote || strchr("\"\\$`", p[1])))
			w[n++] = *++p; /* in double quotes only these are escapes */
		else if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		else
			w[n++] = *p;
	}
	if (quote) {
		free(w);
		return -EINVAL;
	}
	w[n] = '\0';
	*word = w;
	*end = p;
	return 0;
}

int str_split_command(const char *s, char ***out)
{
	char **argv = calloc(1, sizeof(*argv));
	int ret = argv ? 0 : -ENOMEM;

	*out = NULL;
	for (const char *p = s + strspn(s, " \t\n"); ret == 0 && *p; p += strspn(p, " \t\n")) {
		char *word = NULL;
		ret = command_word(p, &word, &p);
		if (ret == 0 && strv_push(&argv, word) < 0)
			ret = -ENOMEM;
	}
	if (ret < 0) {
		strv_free(argv);
		return ret;
	}
	*out = argv;
	return 0;
}
