/* The line grammar shared by container configs and the system config:
 *
 *   line    := blank | "#" comment | key "=" value
 *   value   := text, with a trailing comment removed: a "#" that follows a
 *              blank and is outside quotes starts a comment (LXC keeps it
 *              in the value; we document the difference). A value wrapped
 *              in matching '...' or "..." is unquoted.
 */
#ifndef LXCMGR_CONF_LEXER_H
#define LXCMGR_CONF_LEXER_H

#include <stdbool.h>

enum conf_line_kind {
	CONF_LINE_BLANK,
	CONF_LINE_COMMENT,
	CONF_LINE_ASSIGN,
	CONF_LINE_BAD, /* *why says what is wrong */
};

/* Splits LINE in place. For CONF_LINE_ASSIGN, *key and *value point into it,
 * trimmed and unquoted. */
enum conf_line_kind conf_lex_line(char *line, char **key, char **value, const char **why);

/* Quotes VALUE for writing when reading it back would change it (blanks at
 * either end, a " #", or surrounding quotes). Returns a malloc'd string. */
char *conf_quote_value(const char *value);

/* Does conf_quote_value(VALUE) read back as VALUE? False for line breaks and
 * for values whose quotes of both kinds hide a " #" from neither quoting. */
bool conf_value_writable(const char *value);

#endif
