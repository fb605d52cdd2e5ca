#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void log_to_file(void *data, int level, const char *msg)
{
	struct tool *t = data;
	struct timeval tv;
	struct tm tm;
	char stamp[32];

	if (!t->log)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(t->log, "%s.%03ld %s %-6s %s%s%s\n", stamp, (long)(tv.tv_usec / 1000), t->progname,
		lxcmgr_log_level_name(level), t->name ? t->name : "", t->name ? ": " : "", msg);
	fflush(t->log);
}

/* Without a log file, warnings and errors the library logs along the way
 * (a skipped hook, a failed stop hook in -F) still reach the user. */
static void log_to_stderr(void *data, int level, const char *msg)
{
	struct tool *t = data;

	if (level < LXCMGR_LOG_WARN)
		return;
	fprintf(stderr, "%s: %s%s%s\n", t->progname, t->name ? t->name : "", t->name ? ": " : "",
		msg);
}

int tool_common_option(struct tool *t, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		t->name = arg;
		return 1;
	case 'P':
		t->lxcpath = arg;
		return 1;
	case 'o':
		t->logfile = arg;
		return 1;
	case 'l':
		t->loglevel = arg;
		return 1;
	case 'q':
		t->quiet = true;
		return 1;
	case OPT_RCFILE:
		t->rcfile = arg;
		return 1;
	case 'h':
		fputs(t->help, stdout);
		exit(0);
	case OPT_USAGE:
		fputs(t->help, stdout);
		exit(0);
	case OPT_VERSION:
		printf("%s %s\n", t->progname, lxcmgr_version());
		exit(0);
	default:
		return 0;
	}
}

void tool_usage_error(struct tool *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", t->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", t->progname);
	exit(1);
}

void tool_require_name(struct tool *t)
{
	if (!t->name || !*t->name)
		tool_usage_error(t, "missing container name; use -n NAME");
}

int tool_setup(struct tool *t)
{
	lxcmgr_error *err = NULL;

	t->log_level = t->logfile ? LXCMGR_LOG_DEBUG : LXCMGR_LOG_WARN;
	if (t->loglevel) {
		int level = lxcmgr_log_level_from_name(t->loglevel);
		if (level < 0)
			tool_usage_error(t, "unknown log level \"%s\"; use TRACE, DEBUG, INFO, NOTICE, WARN or ERROR",
					 t->loglevel);
		t->log_level = level;
	}
	if (t->logfile && strcmp(t->logfile, "none") != 0) {
		t->log = strcmp(t->logfile, "-") == 0 ? stderr : fopen(t->logfile, "ae");
		if (!t->log) {
			tool_errorf(t, "open log file \"%s\": %s", t->logfile, strerror(errno));
			return -1;
		}
	}
	struct lxcmgr_ctx_options opts = {
		.lxcpath = t->lxcpath,
		.log_fn = t->log ? log_to_file : t->quiet ? NULL : log_to_stderr,
		.log_data = t,
		.log_level = t->log_level,
	};
	t->ctx = lxcmgr_ctx_new(&opts, &err);
	if (!t->ctx) {
		tool_error(t, err);
		lxcmgr_error_free(err);
		return -1;
	}
	return 0;
}

void tool_finish(struct tool *t)
{
	lxcmgr_ctx_free(t->ctx);
	t->ctx = NULL;
	free(t->defines);
	t->defines = NULL;
	for (size_t i = 0; i < ARRAY_LEN(t->shares); i++) {
		free(t->shares[i]);
		t->shares[i] = NULL;
	}
	if (t->log && t->log != stderr)
		fclose(t->log);
	t->log = NULL;
}

static void tool_print(struct tool *t, const char *msg)
{
	if (t->name)
		fprintf(stderr, "%s: %s: %s\n", t->progname, t->name, msg);
	else
		fprintf(stderr, "%s: %s\n", t->progname, msg);
	if (t->log && t->log != stderr)
		log_to_file(t, LXCMGR_LOG_ERROR, msg);
}

void tool_error(struct tool *t, const lxcmgr_error *err)
{
	tool_print(t, err && err->msg ? err->msg : "unknown error");
}

void tool_errorf(struct tool *t, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	tool_print(t, msg ? msg : fmt);
	free(msg);
}

int tool_exit(struct tool *t, int ret, lxcmgr_error *err, struct lxcmgr_container *c)
{
	if (ret != 0)
		tool_error(t, err);
	lxcmgr_error_free(err);
	lxcmgr_container_put(c);
	tool_finish(t);
	return ret == 0 ? 0 : 1;
}

struct lxcmgr_container *tool_existing_container(struct tool *t)
{
	lxcmgr_error *err = NULL;
	struct lxcmgr_container *c = NULL;

	tool_require_name(t);
	if (tool_setup(t) < 0)
		goto fail;
	c = lxcmgr_container_new_unloaded(t->ctx, t->name, &err);
	if (!c) {
		tool_error(t, err);
		lxcmgr_error_free(err);
		goto fail;
	}
	if (!lxcmgr_container_is_defined(c)) {
		tool_errorf(t, "no container \"%s\" in \"%s\"", t->name, lxcmgr_ctx_lxcpath(t->ctx));
		lxcmgr_container_put(c);
		goto fail;
	}
	return c;
fail:
	tool_finish(t);
	return NULL;
}

void tool_add_define(struct tool *t, char *line)
{
	char **grown = realloc(t->defines, (t->n_defines + 1) * sizeof(*grown));

	if (!grown)
		abort();
	t->defines = grown;
	t->defines[t->n_defines++] = line;
}

bool tool_share_option(struct tool *t, int opt, const char *arg)
{
	static const char *const ns[] = { "net", "ipc", "uts", "pid" };
	size_t i = (size_t)(opt - OPT_SHARE_NET);

	if (opt < OPT_SHARE_NET || i >= ARRAY_LEN(ns))
		return false;
	free(t->shares[i]); /* the last one given wins */
	if (asprintf(&t->shares[i], "lxc.namespace.share.%s=%s", ns[i], arg) < 0)
		abort();
	return true;
}

int tool_apply_defines(struct tool *t, struct lxcmgr_container *c, lxcmgr_error **err)
{
	for (size_t i = 0; i < t->n_defines; i++)
		if (lxcmgr_container_define(c, "-s", t->defines[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_LEN(t->shares); i++)
		if (t->shares[i] && lxcmgr_container_define(c, "--share", t->shares[i], err) < 0)
			return -1;
	return 0;
}
