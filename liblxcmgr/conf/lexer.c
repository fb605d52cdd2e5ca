#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"
#include "util/cleanup.h"
#include "util/str.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Finds a trailing comment: a '#' after a blank and outside quotes. A quote
 * that never closes (an apostrophe in prose) does not count as quoting. */
static char *find_comment(char *value, bool honour_quotes)
{
	char quote = 0;

	for (char *p = value; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (honour_quotes && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (*p == '#' && p > value && is_blank(p[-1])) {
			return p;
		}
	}
	return quote ? find_comment(value, false) : NULL;
}

static void cut_comment(char *value)
{
	char *hash = find_comment(value, true);
	if (hash)
		*hash = '\0';
}

static char *unquote(char *value)
{
	size_t len = strlen(value);

	if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
		value[len - 1] = '\0';
		return value + 1;
	}
	return value;
}

enum conf_line_kind conf_lex_line(char *line, char **key, char **value, const char **why)
{
	char *s = str_trim(line);

	if (*s == '\0')
		return CONF_LINE_BLANK;
	if (*s == '#')
		return CONF_LINE_COMMENT;
	char *eq = strchr(s, '=');
	if (!eq) {
		*why = "expected \"KEY = VALUE\"";
		return CONF_LINE_BAD;
	}
	*eq = '\0';
	*key = str_trim(s);
	if (**key == '\0') {
		*why = "missing key before \"=\"";
		return CONF_LINE_BAD;
	}
	char *v = str_trim(eq + 1);
	cut_comment(v);
	*value = unquote(str_trim(v));
	return CONF_LINE_ASSIGN;
}

/* Does TEXT, written as a value, read back as VALUE? */
static bool reads_back(const char *text, const char *value)
{
	cleanup_free char *line = str_printf("k = %s", text);
	char *key = NULL, *v = NULL;
	const char *why = NULL;

	return line && conf_lex_line(line, &key, &v, &why) == CONF_LINE_ASSIGN &&
	       strcmp(v, value) == 0;
}

char *conf_quote_value(const char *value)
{
	size_t len = strlen(value);
	bool needs = len > 0 && (is_blank(value[0]) || is_blank(value[len - 1]));

	needs = needs || strstr(value, " #") || strstr(value, "\t#");
	needs = needs || (len >= 2 && (value[0] == '"' || value[0] == '\'') &&
			  value[len - 1] == value[0]);
	if (!needs)
		return strdup(value);
	/* Prefer the quote character the value does not contain; when its own
	 * quotes would end that one early, try the other. */
	char first = strchr(value, '"') ? '\'' : '"';
	char second = first == '"' ? '\'' : '"';
	char *quoted = str_printf("%c%s%c", first, value, first);
	if (quoted && !reads_back(quoted, value)) {
		char *other = str_printf("%c%s%c", second, value, second);
		if (other && reads_back(other, value)) {
			free(quoted);
			quoted = other;
		} else {
			free(other);
		}
	}
	return quoted;
}

bool conf_value_writable(const char *value)
{
	cleanup_free char *quoted = conf_quote_value(value);

	return quoted && !strpbrk(value, "\r\n") && reads_back(quoted, value);
}
