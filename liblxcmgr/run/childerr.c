/* Child error records: filled in the container's first process without
 * allocating, turned into one line by the monitor. */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "run/childerr.h"
#include "util/error.h"

/* Copies with snprintf semantics; a cut text ends in "..." so the reader
 * knows there was more. */
static void field_vprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void field_vprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

static void field_printf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_vprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void where_format(char *buf, size_t size, const struct plan_where *where)
{
	const char *key = where && where->key ? where->key : "";
	const char *origin = where && where->origin ? where->origin : "";

	field_printf(buf, size, "%s%s%s", key, key[0] && origin[0] ? ", " : "", origin);
}

int child_error_set(struct child_error *e, int errnum, const char *step,
		    const struct plan_where *where, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (errnum < 0)
		errnum = -errnum;
	if (!e || e->step[0])
		return errnum ? -errnum : -EINVAL;
	e->errnum = errnum;
	/* A record counts as set once step is not empty: never leave it so. */
	field_printf(e->step, sizeof(e->step), "%s", step && step[0] ? step : "setup");
	where_format(e->where, sizeof(e->where), where);
	field_printf(e->hint, sizeof(e->hint), "%s", hint ? hint : "");
	if (fmt) {
		va_start(ap, fmt);
		field_vprintf(e->what, sizeof(e->what), fmt, ap);
		va_end(ap);
	} else {
		e->what[0] = '\0';
	}
	return errnum ? -errnum : -EINVAL;
}

/* The record may come from another process: no field is trusted to be
 * NUL-terminated, hence the "%.*s" with each field's size. */
#define FIELD(f) (int)sizeof(f), (f)

static size_t field_len(const char *f, size_t size)
{
	return strnlen(f, size);
}

int child_error_report(const struct child_error *e, lxcmgr_error **err)
{
	/* Room for every field at its full size plus the separators and the
	 * longest errno text, so no snprintf below can be cut. */
	char line[sizeof(e->step) + sizeof(e->what) + sizeof(e->where) + sizeof(e->hint) + 160];
	bool has_what = field_len(e->what, sizeof(e->what)) > 0;
	bool has_where = field_len(e->where, sizeof(e->where)) > 0;
	bool has_hint = field_len(e->hint, sizeof(e->hint)) > 0;
	int errnum = e->errnum > 0 ? e->errnum : 0;
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "%.*s", FIELD(e->step));
	if (n == 0)
		n = (size_t)snprintf(line, sizeof(line), "container setup");
	if (has_what)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %.*s", FIELD(e->what));
	if (errnum)
		n += (size_t)snprintf(line + n, sizeof(line) - n, ": %s", strerror(errnum));
	if (has_where || has_hint)
		snprintf(line + n, sizeof(line) - n, " (%.*s%s%.*s)", FIELD(e->where),
			 has_where && has_hint ? "; " : "", FIELD(e->hint));
	return error_msg(err, errnum ? errnum : EINVAL, "%s", line);
}
