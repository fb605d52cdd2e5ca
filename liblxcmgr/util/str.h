/* Small string helpers. Functions returning int give 0 or -errno. */
#ifndef LXCMGR_UTIL_STR_H
#define LXCMGR_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static inline bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix);

/* Trims blanks (space, tab, \r, \n) at both ends, in place. */
char *str_trim(char *s);

/* Files of one entry a line (fstab, subuid): cuts the text at *CURSOR in
 * place and returns its next line that is neither blank nor a '#' comment,
 * trimmed, with *LINENO set to its number; NULL at the end. Start with
 * *CURSOR at the text and *LINENO at 0. */
char *str_next_entry(char **cursor, unsigned *lineno);

/* asprintf that returns the string, or NULL when out of memory. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Base-10 parsing of the whole string (no sign for the unsigned one, no
 * blanks, no trailing garbage). -EINVAL or -ERANGE on failure. */
int str_to_u64(const char *s, uint64_t *out);
int str_to_i64(const char *s, int64_t *out);

/* Edit distance, for "did you mean" suggestions. */
size_t str_distance(const char *a, const char *b);

/* NULL-terminated string vectors (free with strv_free from cleanup.h). */
size_t strv_len(char *const *v);
/* Appends s (taking ownership; s is freed on failure). */
int strv_push(char ***v, char *s);
int strv_push_dup(char ***v, const char *s);
char *strv_join(char *const *v, const char *sep);
bool strv_contains(char *const *v, const char *s);
/* Splits on any of the separator characters, dropping empty fields. */
char **str_split(const char *s, const char *seps);
/* The same in one allocation (the vector and the words), for reading only:
 * free it with free(), not strv_free(). */
char **str_words(const char *s, const char *seps);
/* Splits a command line into words as sh would, minus everything but
 * quoting: blanks separate words; '...' and "..." quote; a backslash
 * escapes the next character (inside "..." only one of \ " $ `). No
 * variables, globs or redirections: it is not a shell. Returns 0 with a
 * NULL-terminated vector (strv_free), -EINVAL for a quote never closed, or
 * -ENOMEM. */
int str_split_command(const char *s, char ***out);

#endif
