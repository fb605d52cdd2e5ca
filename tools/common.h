/* What every lxc-* tool shares: the common options (-n -P -o -l -q -h
 * --version --rcfile), the log file, and printing of errors.
 *
 * Errors go to stderr as one line, "lxc-create: web: <message>", and to the
 * log file when -o is given. Without -o, warnings the library logs go to
 * stderr in the same form (not with -q); nothing else does unless asked. */
#ifndef LXCMGR_TOOLS_COMMON_H
#define LXCMGR_TOOLS_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "lxcmgr.h"

enum {
	OPT_VERSION = 0x1000,
	OPT_RCFILE,
	OPT_USAGE,
	OPT_TOOL_FIRST = 0x1100, /* tools number their own long-only options from here */
};

#define TOOL_COMMON_SHORTOPTS "n:P:o:l:qh"
#define TOOL_COMMON_LONGOPTS                                  \
	{ "name", required_argument, NULL, 'n' },             \
	{ "lxcpath", required_argument, NULL, 'P' },          \
	{ "logfile", required_argument, NULL, 'o' },          \
	{ "logpriority", required_argument, NULL, 'l' },      \
	{ "quiet", no_argument, NULL, 'q' },                  \
	{ "help", no_argument, NULL, 'h' },                   \
	{ "usage", no_argument, NULL, OPT_USAGE },            \
	{ "version", no_argument, NULL, OPT_VERSION },        \
	{ "rcfile", required_argument, NULL, OPT_RCFILE }

/* The help text of the common options, for each tool's --help. */
#define TOOL_COMMON_HELP                                                                  \
	"Common options:\n"                                                               \
	"  -n, --name=NAME          name of the container\n"                              \
	"  -P, --lxcpath=PATH       directory of the containers (default: lxc.lxcpath)\n" \
	"  -o, --logfile=FILE       write a full log to FILE\n"                           \
	"  -l, --logpriority=LEVEL  log level: TRACE DEBUG INFO NOTICE WARN ERROR\n"      \
	"                           (default ERROR; DEBUG when -o is given)\n"            \
	"  -q, --quiet              show no output but errors\n"                          \
	"      --rcfile=FILE        load FILE as the container config\n"                  \
	"  -h, --help               show this help\n"                                     \
	"      --version            show the version\n"

struct tool {
	const char *progname; /* "lxc-create" */
	const char *help;     /* full --help text, printed by -h */
	const char *name;     /* -n */
	const char *lxcpath;  /* -P */
	const char *logfile;  /* -o */
	const char *loglevel; /* -l */
	const char *rcfile;   /* --rcfile */
	bool quiet;           /* -q */
	char **defines;       /* -s KEY=VAL, in order */
	size_t n_defines;
	char *shares[4];      /* --share-net, -ipc, -uts, -pid: "lxc.namespace.share.NS=VALUE" */
	FILE *log;
	int log_level;
	struct lxcmgr_ctx *ctx;
};

/* Handles a common option. Returns 1 when handled, 0 when the option is the
 * tool's own, and exits for -h, --version and --usage. */
int tool_common_option(struct tool *t, int opt, const char *arg);

/* Opens the log file and makes the library context. Prints the error and
 * returns -1 on failure. */
int tool_setup(struct tool *t);
void tool_finish(struct tool *t);

/* Prints "progname: name: message" to stderr (and to the log). */
void tool_error(struct tool *t, const lxcmgr_error *err);
void tool_errorf(struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the usage error and the --help hint, then exits 1. */
__attribute__((noreturn)) void tool_usage_error(struct tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends a tool that made one container call: prints ERR when RET is not 0,
 * frees ERR and C, finishes T. Returns the exit status. */
int tool_exit(struct tool *t, int ret, lxcmgr_error *err, struct lxcmgr_container *c);

/* -s KEY=VAL: kept for tool_apply_defines (LINE is not copied). */
void tool_add_define(struct tool *t, char *line);
/* --share-net, --share-ipc, --share-uts, --share-pid (long options, numbered
 * from OPT_SHARE_NET): handled when OPT is one of them, returning true. They
 * set lxc.namespace.share.NS, as in LXC, after every -s define. */
enum { OPT_SHARE_NET = OPT_TOOL_FIRST + 0x80, OPT_SHARE_IPC, OPT_SHARE_UTS, OPT_SHARE_PID };
#define TOOL_SHARE_LONGOPTS                                                \
	{ "share-net", required_argument, NULL, OPT_SHARE_NET },           \
	{ "share-ipc", required_argument, NULL, OPT_SHARE_IPC },           \
	{ "share-uts", required_argument, NULL, OPT_SHARE_UTS },           \
	{ "share-pid", required_argument, NULL, OPT_SHARE_PID }
#define TOOL_SHARE_HELP                                                                   \
	"      --share-net=NAME|PID share the network namespace of container NAME or\n"  \
	"                           process PID (lxc.namespace.share.net); likewise\n"    \
	"      --share-ipc, --share-uts, --share-pid\n"
bool tool_share_option(struct tool *t, int opt, const char *arg);

/* Applies the -s defines on top of C's loaded config, in order. */
int tool_apply_defines(struct tool *t, struct lxcmgr_container *c, lxcmgr_error **err);

/* Requires -n. */
void tool_require_name(struct tool *t);

/* The container -n names, for a tool that asks its monitor (the config is
 * not read: the running container has what it needs, and the file may be
 * mid-edit): requires -n (exits on a usage error), then tool_setup. NULL,
 * with the error printed and T finished, when there is no such container
 * or the setup failed. */
struct lxcmgr_container *tool_existing_container(struct tool *t);

#endif
