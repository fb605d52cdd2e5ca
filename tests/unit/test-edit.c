/* conf/edit: a save changes only the edited lines; edits land where they
 * take effect; values are quoted so they read back; defines are not saved;
 * and a random sequence of edits agrees with a simple model through saves
 * and reloads. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-edit.XXXXXX";
static char *top_path, *inc_path, *save_path;

static const char *const top_lines[] = {
	"# web container",                 /* 0 */
	"",                                /* 1 */
	"lxc.uts.name=web    # host name", /* 2 */
	"   lxc.tty.max  =  4",            /* 3 */
	"lxc.cap.drop = sys_module",       /* 4 */
	"lxc.include = inc.conf",          /* 5 */
	"",                                /* 6 */
	"\t# network",                     /* 7 */
	"lxc.net.0.type = veth",           /* 8 */
	"lxc.cap.drop = sys_time",         /* 9 */
	"lxc.group = web",                 /* 10 */
	"lxc.environment = 'A=1'",         /* 11 */
	NULL,
};

static const char inc_text[] = "lxc.init.cmd = /sbin/init\n"
			       "lxc.arch = x86_64\n"
			       "lxc.tty.max = 2\n"
			       "lxc.group = inc\n"
			       "lxc.sysctl.net.ipv4.ip_forward = 1\n"
			       "lxc.net.1.type = veth\n"
			       "lxc.net.1.link = br1\n";

/* The top lines joined, with line SKIP left out, REPLACE put in its place
 * (when not NULL), and INSERT added after line AFTER (when not NULL). */
static char *text_with(ssize_t skip, const char *replace, ssize_t after, const char *insert)
{
	cleanup_strv char **v = NULL;

	for (ssize_t i = 0; top_lines[i]; i++) {
		if (i == skip) {
			if (replace)
				strv_push_dup(&v, replace);
		} else {
			strv_push_dup(&v, top_lines[i]);
		}
		if (i == after && insert)
			strv_push_dup(&v, insert);
	}
	if (after == -2 && insert) /* at the end */
		strv_push_dup(&v, insert);
	strv_push_dup(&v, "");
	return strv_join(v, "\n");
}

static char *original_text(void)
{
	return text_with(-1, NULL, -1, NULL);
}

static struct conf *load_top(void)
{
	struct conf *c = conf_new();
	lxcmgr_error *err = NULL;

	EXPECT(conf_load(c, top_path, &err) == 0, "load %s: %s", top_path, err ? err->msg : "");
	lxcmgr_error_free(err);
	return c;
}

static char *get(struct conf *c, const char *key)
{
	char *v = NULL;
	lxcmgr_error *err = NULL;

	EXPECT(conf_get(c, key, &v, &err) == 0, "get %s: %s", key, err ? err->msg : "");
	lxcmgr_error_free(err);
	return v ? v : strdup("(error)");
}

static void expect_get(struct conf *c, const char *key, const char *want)
{
	cleanup_free char *v = get(c, key);
	EXPECT(strcmp(v, want) == 0, "%s = \"%s\", saw \"%s\"", key, want, v);
}

static int set(struct conf *c, const char *key, const char *value)
{
	lxcmgr_error *err = NULL;
	int ret = conf_set(c, key, value, &err);

	EXPECT(ret == 0, "set %s = \"%s\": %s", key, value, err ? err->msg : "");
	lxcmgr_error_free(err);
	return ret;
}

static int clear(struct conf *c, const char *key)
{
	lxcmgr_error *err = NULL;
	int ret = conf_clear(c, key, &err);

	EXPECT(ret == 0, "clear %s: %s", key, err ? err->msg : "");
	lxcmgr_error_free(err);
	return ret;
}

/* Saves C to save_path and loads it back. */
static struct conf *save_and_reload(struct conf *c)
{
	lxcmgr_error *err = NULL;
	struct conf *back = conf_new();

	EXPECT(conf_save(c, save_path, &err) == 0, "save: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_load(back, save_path, &err) == 0, "reload: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	return back;
}

static void expect_render(struct conf *c, const char *want)
{
	cleanup_free char *text = conf_render(c);
	EXPECT(text && strcmp(text, want) == 0, "rendered:\n%s\n# expected:\n%s", text ? text : "",
	       want);
}

TEST(load_and_render_unchanged)
{
	struct conf *c = load_top();
	cleanup_free char *orig = original_text();

	expect_render(c, orig);
	expect_get(c, "lxc.tty.max", "2"); /* the include comes later */
	expect_get(c, "lxc.uts.name", "web");
	expect_get(c, "lxc.cap.drop", "sys_module\nsys_time");
	expect_get(c, "lxc.group", "inc\nweb");
	/* A save of an unedited config is byte-identical. */
	struct conf *back = save_and_reload(c);
	cleanup_free char *saved = NULL;
	EXPECT(file_read(save_path, 1 << 20, &saved, NULL) == 0, "read %s", save_path);
	EXPECT_STR(saved, orig);
	struct stat st;
	EXPECT(stat(save_path, &st) == 0 && (st.st_mode & 0777) == 0640, "saved with mode 0640");
	conf_free(back);
	conf_free(c);
}

TEST(set_existing_scalar_changes_one_line)
{
	struct conf *c = load_top();

	set(c, "lxc.uts.name", "db");
	cleanup_free char *want = text_with(2, "lxc.uts.name = db", -1, NULL);
	expect_render(c, want);
	expect_get(c, "lxc.uts.name", "db");
	struct conf *back = save_and_reload(c);
	expect_get(back, "lxc.uts.name", "db");
	expect_render(back, want);
	conf_free(back);
	/* Again: still one line. */
	set(c, "lxc.uts.name", "db2");
	cleanup_free char *want2 = text_with(2, "lxc.uts.name = db2", -1, NULL);
	expect_render(c, want2);
	conf_free(c);
}

TEST(set_new_key_appends)
{
	struct conf *c = load_top();

	set(c, "lxc.pty.max", "10");
	cleanup_free char *want = text_with(-1, NULL, -2, "lxc.pty.max = 10");
	expect_render(c, want);
	expect_get(c, "lxc.pty.max", "10");
	struct conf_origin o;
	EXPECT(conf_origin(c, "lxc.pty.max", &o) == 0 && o.line == 13,
	       "the new line is line 13, saw %u", o.line);
	conf_free(c);
}

TEST(set_list_key_after_its_last_line)
{
	struct conf *c = load_top();

	set(c, "lxc.cap.drop", "mknod");
	cleanup_free char *want = text_with(-1, NULL, 9, "lxc.cap.drop = mknod");
	expect_render(c, want);
	expect_get(c, "lxc.cap.drop", "sys_module\nsys_time\nmknod");
	conf_free(c);

	/* A list key set only by the include: after the include line. */
	c = load_top();
	set(c, "lxc.sysctl.net.ipv4.ip_forward", "0");
	cleanup_free char *want2 = text_with(-1, NULL, 5, "lxc.sysctl.net.ipv4.ip_forward = 0");
	expect_render(c, want2);
	expect_get(c, "lxc.sysctl.net.ipv4.ip_forward", "0");
	conf_free(c);
}

TEST(set_scalar_also_set_by_later_include)
{
	struct conf *c = load_top();

	set(c, "lxc.tty.max", "8");
	cleanup_free char *want = text_with(-1, NULL, 5, "lxc.tty.max = 8");
	expect_render(c, want);
	expect_get(c, "lxc.tty.max", "8");
	struct conf *back = save_and_reload(c);
	expect_get(back, "lxc.tty.max", "8");
	conf_free(back);
	conf_free(c);
}

TEST(clear_key_set_only_in_include)
{
	struct conf *c = load_top();

	clear(c, "lxc.arch");
	cleanup_free char *want = text_with(-1, NULL, 5, "lxc.arch =");
	expect_render(c, want);
	expect_get(c, "lxc.arch", "");
	struct conf *back = save_and_reload(c);
	expect_get(back, "lxc.arch", "");
	conf_free(back);
	/* Clearing again adds nothing. */
	clear(c, "lxc.arch");
	expect_render(c, want);
	conf_free(c);
}

TEST(clear_top_level_key_removes_its_lines)
{
	struct conf *c = load_top();

	clear(c, "lxc.cap.drop");
	cleanup_free char *orig = original_text();
	/* Lines 4 and 9 go; everything else is byte-identical. */
	cleanup_free char *l4 = str_printf("%s\n", top_lines[4]);
	cleanup_free char *l9 = str_printf("%s\n", top_lines[9]);
	cleanup_free char *want = strdup(orig);
	char *p = strstr(want, l4);
	memmove(p, p + strlen(l4), strlen(p + strlen(l4)) + 1);
	p = strstr(want, l9);
	memmove(p, p + strlen(l9), strlen(p + strlen(l9)) + 1);
	expect_render(c, want);
	expect_get(c, "lxc.cap.drop", "");
	conf_free(c);

	/* A list set at top level and in the include: its top line goes and a
	 * clear follows the include. */
	c = load_top();
	clear(c, "lxc.group");
	cleanup_free char *want2 = text_with(10, NULL, 5, "lxc.group =");
	expect_render(c, want2);
	expect_get(c, "lxc.group", "");
	conf_free(c);

	/* A family: lxc.net.1 = follows the include that defines device 1. */
	c = load_top();
	clear(c, "lxc.net.1");
	cleanup_free char *want3 = text_with(-1, NULL, 5, "lxc.net.1 =");
	expect_render(c, want3);
	expect_get(c, "lxc.net.1.link", "");
	expect_get(c, "lxc.net.0.type", "veth");
	conf_free(c);
}

TEST(failed_edits_change_nothing)
{
	struct conf *c = load_top();
	cleanup_free char *orig = original_text();
	lxcmgr_error *err = NULL;

	EXPECT(conf_set(c, "lxc.tty.max", "many", &err) == -EINVAL, "a bad value is refused");
	EXPECT(err && strstr(err->msg, "lxc.tty.max: ") && strstr(err->msg, "\"many\""),
	       "the message names the key and value: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	char too_long[70];
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	EXPECT(conf_set(c, "lxc.uts.name", too_long, &err) < 0,
	       "a bad replacement keeps the old line");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_set(c, "lxc.cap.dorp", "mknod", &err) < 0, "an unknown key is refused");
	EXPECT(err && strstr(err->msg, "did you mean lxc.cap.drop?"), "with a suggestion: %s",
	       err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_clear(c, "lxc.utsname", &err) < 0, "clearing an unknown key is refused");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_set(c, "lxc.include", "missing.conf", &err) < 0, "a missing include is refused");
	lxcmgr_error_free(err);
	expect_render(c, orig);
	expect_get(c, "lxc.tty.max", "2");
	expect_get(c, "lxc.uts.name", "web");
	conf_free(c);
}

TEST(quoting_round_trips)
{
	static const struct {
		const char *key, *value, *rendered;
	} cases[] = {
		{ "lxc.environment", "NOTE=keep # this", "lxc.environment = \"NOTE=keep # this\"" },
		{ "lxc.environment", "TAB=a\t#b", "lxc.environment = \"TAB=a\t#b\"" },
		{ "lxc.seccomp.notify.cookie", " padded ", "lxc.seccomp.notify.cookie = \" padded \"" },
		{ "lxc.seccomp.notify.cookie", "\tx", "lxc.seccomp.notify.cookie = \"\tx\"" },
		{ "lxc.seccomp.notify.cookie", "say \"hi\" #1", "lxc.seccomp.notify.cookie = 'say \"hi\" #1'" },
		{ "lxc.seccomp.notify.cookie", "\"quoted\"", "lxc.seccomp.notify.cookie = '\"quoted\"'" },
		{ "lxc.seccomp.notify.cookie", "'single'", "lxc.seccomp.notify.cookie = \"'single'\"" },
		{ "lxc.seccomp.notify.cookie", "a#b", "lxc.seccomp.notify.cookie = a#b" },
		{ "lxc.seccomp.notify.cookie", "#x", "lxc.seccomp.notify.cookie = #x" },
		{ "lxc.seccomp.notify.cookie", "it's", "lxc.seccomp.notify.cookie = it's" },
		{ "lxc.seccomp.notify.cookie", "a = b", "lxc.seccomp.notify.cookie = a = b" },
		{ "lxc.seccomp.notify.cookie", "\"a'", "lxc.seccomp.notify.cookie = \"a'" },
		{ "lxc.init.cmd", "/bin/sh -c 'echo # x'", NULL },
		{ "lxc.init.cmd", "it's #1 \"ok\"", NULL },
		{ "lxc.init.cmd", "trailing\\", "lxc.init.cmd = trailing\\" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct conf *c = conf_new();
		if (set(c, cases[i].key, cases[i].value) == 0) {
			cleanup_free char *text = conf_render(c);
			if (cases[i].rendered) {
				cleanup_free char *want = str_printf("%s\n", cases[i].rendered);
				EXPECT(text && strcmp(text, want) == 0, "\"%s\" renders as %s, saw %s",
				       cases[i].value, cases[i].rendered, text ? text : "");
			}
			expect_get(c, cases[i].key, cases[i].value);
			struct conf *back = save_and_reload(c);
			expect_get(back, cases[i].key, cases[i].value);
			conf_free(back);
		}
		conf_free(c);
	}
}

/* Whatever conf_set accepts reads back the same after a save, or it is
 * refused: never a file that loads differently, or not at all. */
TEST(unwritable_values_are_refused)
{
	static const char *const values[] = {
		"x' #y\"", "a\"b' #c\"", "'a' #b'", "\"a\" #b\"", "line\nbreak", "cr\rhere", "end\n",
		"q' #\"", "'", "\"", "''", "x\" #y'", NULL,
	};
	for (size_t i = 0; values[i]; i++) {
		struct conf *c = conf_new();
		lxcmgr_error *err = NULL;
		int ret = conf_set(c, "lxc.seccomp.notify.cookie", values[i], &err);
		if (ret < 0) {
			EXPECT(err && strstr(err->msg, "lxc.seccomp.notify.cookie"),
			       "a refusal names the key: %s", err ? err->msg : "");
			cleanup_free char *text = conf_render(c);
			EXPECT_STR(text, "");
		} else {
			lxcmgr_error *e2 = NULL;
			struct conf *back = conf_new();
			EXPECT(conf_save(c, save_path, &e2) == 0, "save");
			lxcmgr_error_free(e2);
			e2 = NULL;
			int lret = conf_load(back, save_path, &e2);
			EXPECT(lret == 0, "value \"%s\" was accepted but its file does not load: %s",
			       values[i], e2 ? e2->msg : "");
			lxcmgr_error_free(e2);
			if (lret == 0) {
				cleanup_free char *v = get(back, "lxc.seccomp.notify.cookie");
				EXPECT(strcmp(v, values[i]) == 0,
				       "value \"%s\" was accepted but reads back as \"%s\"", values[i],
				       v);
			}
			conf_free(back);
		}
		lxcmgr_error_free(err);
		conf_free(c);
	}
}

TEST(defines_override_and_are_not_saved)
{
	struct conf *c = load_top();
	lxcmgr_error *err = NULL;

	EXPECT(conf_define(c, "-s", "lxc.uts.name=defined", &err) == 0, "define: %s",
	       err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_define(c, "-s", " lxc.group = extra ", &err) == 0, "define a list value");
	lxcmgr_error_free(err);
	expect_get(c, "lxc.uts.name", "defined");
	expect_get(c, "lxc.group", "inc\nweb\nextra");
	/* An edit of the document does not beat the define. */
	set(c, "lxc.uts.name", "edited");
	expect_get(c, "lxc.uts.name", "defined");
	cleanup_free char *text = conf_render(c);
	EXPECT(text && !strstr(text, "defined") && !strstr(text, "extra"),
	       "defines are not in the document: %s", text ? text : "");
	struct conf *back = save_and_reload(c);
	expect_get(back, "lxc.uts.name", "edited");
	expect_get(back, "lxc.group", "inc\nweb");
	conf_free(back);

	err = NULL;
	EXPECT(conf_define(c, "-s", "lxc.uts.name", &err) < 0, "a define needs '='");
	EXPECT(err && strstr(err->msg, "-s: "), "the error names the origin: %s",
	       err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	EXPECT(conf_define(c, "-s", "lxc.tty.max=lots", &err) < 0, "a define is checked");
	EXPECT(err && strstr(err->msg, "lxc.tty.max") && strstr(err->msg, "-s"),
	       "the error names the origin and key: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	expect_get(c, "lxc.tty.max", "2");
	/* A reload drops the defines. */
	err = NULL;
	EXPECT(conf_load(c, top_path, &err) == 0, "reload");
	lxcmgr_error_free(err);
	expect_get(c, "lxc.uts.name", "web");
	conf_free(c);
}

TEST(comments_and_paths)
{
	struct conf *c = conf_new();
	lxcmgr_error *err = NULL;

	EXPECT(conf_path(c) == NULL, "a new config has no path");
	EXPECT(conf_save(c, NULL, &err) < 0, "save without a path fails");
	EXPECT(err && strstr(err->msg, "no path"), "and says so: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT(conf_append_comment(c, "# Template used to create this container: busybox") == 0,
	       "append a comment");
	EXPECT(conf_append_comment(c, "") == 0, "append a blank line");
	set(c, "lxc.uts.name", "x");
	expect_render(c, "# Template used to create this container: busybox\n\nlxc.uts.name = x\n");
	conf_set_path(c, save_path);
	EXPECT_STR(conf_path(c), save_path);
	err = NULL;
	EXPECT(conf_save(c, NULL, &err) == 0, "save to its own path: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	struct conf_origin o;
	EXPECT(conf_origin(c, "lxc.uts.name", &o) == 0 && o.line == 3, "origin line 3, saw %u",
	       o.line);
	conf_free(c);
}

/* ------------------------------------------------------ random sequence */

struct model_item {
	char *key;
	char **values;
};

struct model {
	struct model_item items[64];
	size_t n;
};

static struct model_item *model_find(struct model *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->items[i].key, key) == 0)
			return &m->items[i];
	return NULL;
}

static void model_remove_at(struct model *m, size_t i)
{
	free(m->items[i].key);
	strv_free(m->items[i].values);
	m->items[i] = m->items[--m->n];
}

static void model_clear_prefix(struct model *m, const char *prefix, bool exact)
{
	for (size_t i = m->n; i-- > 0;)
		if (exact ? strcmp(m->items[i].key, prefix) == 0
			  : str_starts_with(m->items[i].key, prefix))
			model_remove_at(m, i);
}

static void model_set(struct model *m, const char *key, const char *value, bool list)
{
	struct model_item *it = model_find(m, key);

	if (!it) {
		it = &m->items[m->n++];
		it->key = strdup(key);
		it->values = NULL;
	}
	if (!list) {
		strv_free(it->values);
		it->values = NULL;
	}
	strv_push_dup(&it->values, value);
}

static void model_free(struct model *m)
{
	while (m->n)
		model_remove_at(m, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The effective items of C are those of M. */
static bool matches_model(struct conf *c, struct model *m, unsigned step, const char *what)
{
	cleanup_strv char **keys = conf_keys(c);
	size_t nk = strv_len(keys);
	bool ok = true;

	if (nk != m->n) {
		EXPECT(nk == m->n, "step %u (%s): %zu keys set, model has %zu", step, what, nk, m->n);
		ok = false;
	}
	qsort(keys, nk, sizeof(*keys), cmp_str);
	for (size_t i = 0; ok && i < nk; i++) {
		struct model_item *it = model_find(m, keys[i]);
		if (!it) {
			EXPECT(it, "step %u (%s): %s is set but not in the model", step, what, keys[i]);
			ok = false;
			break;
		}
		cleanup_free char *want = strv_join(it->values, "\n");
		cleanup_free char *v = get(c, keys[i]);
		if (strcmp(v, want) != 0) {
			EXPECT(0, "step %u (%s): %s = \"%s\", model \"%s\"", step, what, keys[i], v,
			       want);
			ok = false;
		}
	}
	return ok;
}

struct rkey {
	const char *key;
	int kind; /* 0 scalar, 1 list, 2 clear-only (prefix), 3 clear-only (net device) */
	const char *values[4];
};

static const struct rkey rkeys[] = {
	{ "lxc.uts.name", 0, { "a", "b", "c", NULL } },
	{ "lxc.tty.max", 0, { "1", "3", "9", NULL } },
	{ "lxc.init.cmd", 0, { "/sbin/init", "/bin/sh -c 'x #y'", " padded ", "\"q\"" } },
	{ "lxc.arch", 0, { "i686", "x86_64", NULL, NULL } },
	{ "lxc.net.0.type", 0, { "veth", "empty", NULL, NULL } },
	{ "lxc.net.1.link", 0, { "br0", "br1", NULL, NULL } },
	{ "lxc.net.1.type", 0, { "macvlan", "veth", NULL, NULL } },
	{ "lxc.sysctl.net.ipv4.ip_forward", 0, { "0", "1", NULL, NULL } },
	{ "lxc.sysctl.kernel.msgmax", 0, { "100", "200", NULL, NULL } },
	{ "lxc.cap.drop", 1, { "mknod", "sys_time sys_module", NULL, NULL } },
	{ "lxc.group", 1, { "g1", "g2", "g3", NULL } },
	{ "lxc.environment", 1, { "A=1", "NOTE=a #b", "B='x'", NULL } },
	{ "lxc.cgroup2.devices.allow", 1, { "c 1:3 rwm", "b 7:* rwm", NULL, NULL } },
	{ "lxc.net.0.ipv4.address", 1, { "10.0.3.5/24", "10.0.4.5/24", NULL, NULL } },
	{ "lxc.net", 2, { NULL } },
	{ "lxc.sysctl", 2, { NULL } },
	{ "lxc.cgroup2", 2, { NULL } },
	{ "lxc.net.1", 3, { NULL } },
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	/* xorshift64*: seeded, the same sequence on every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void model_init(struct model *m)
{
	/* The document and its include, in order. */
	model_set(m, "lxc.uts.name", "web", false);
	model_set(m, "lxc.tty.max", "4", false);
	model_set(m, "lxc.cap.drop", "sys_module", true);
	model_set(m, "lxc.include", "inc.conf", true);
	model_set(m, "lxc.init.cmd", "/sbin/init", false);
	model_set(m, "lxc.arch", "x86_64", false);
	model_set(m, "lxc.tty.max", "2", false);
	model_set(m, "lxc.group", "inc", true);
	model_set(m, "lxc.sysctl.net.ipv4.ip_forward", "1", false);
	model_set(m, "lxc.net.1.type", "veth", false);
	model_set(m, "lxc.net.1.link", "br1", false);
	model_set(m, "lxc.net.0.type", "veth", false);
	model_set(m, "lxc.cap.drop", "sys_time", true);
	model_set(m, "lxc.group", "web", true);
	model_set(m, "lxc.environment", "A=1", true);
}

TEST(random_edits_match_model)
{
	struct model m = { .n = 0 };
	struct conf *c = load_top();
	unsigned saves = 0, refusals = 0;
	char what[160];

	model_init(&m);
	EXPECT(matches_model(c, &m, 0, "load"), "the loaded config matches the model");
	for (unsigned step = 1; step <= 500; step++) {
		const struct rkey *k = &rkeys[rnd(ARRAY_SIZE(rkeys))];
		unsigned op = rnd(10);
		int ret = 0;

		if (k->kind >= 2) {
			snprintf(what, sizeof(what), "set %s =", k->key);
			ret = set(c, k->key, "");
			if (k->kind == 2) {
				cleanup_free char *prefix = str_printf("%s.", k->key);
				model_clear_prefix(&m, prefix, false);
			} else {
				cleanup_free char *prefix = str_printf("%s.", k->key);
				model_clear_prefix(&m, prefix, false);
			}
		} else if (op < 6) {
			size_t nv = 0;
			while (nv < 4 && k->values[nv])
				nv++;
			const char *v = k->values[rnd((unsigned)nv)];
			snprintf(what, sizeof(what), "set %s = \"%s\"", k->key, v);
			ret = set(c, k->key, v);
			model_set(&m, k->key, v, k->kind == 1);
		} else if (op < 8) {
			snprintf(what, sizeof(what), "clear %s", k->key);
			ret = clear(c, k->key);
			model_clear_prefix(&m, k->key, true);
		} else if (op < 9) {
			/* A refused edit changes nothing. */
			lxcmgr_error *err = NULL;
			snprintf(what, sizeof(what), "bad value for %s", k->key);
			cleanup_free char *before = conf_render(c);
			EXPECT(conf_set(c, k->key, "bad\nvalue", &err) < 0,
			       "step %u: a value with a line break is refused for %s", step, k->key);
			lxcmgr_error_free(err);
			err = NULL;
			if (strcmp(k->key, "lxc.tty.max") == 0 || strcmp(k->key, "lxc.arch") == 0) {
				EXPECT(conf_set(c, k->key, "?", &err) < 0, "step %u: \"?\" is refused",
				       step);
				refusals++;
			}
			lxcmgr_error_free(err);
			cleanup_free char *after = conf_render(c);
			EXPECT(before && after && strcmp(before, after) == 0,
			       "step %u: a refused edit leaves the document", step);
		} else {
			snprintf(what, sizeof(what), "save and reload");
			cleanup_free char *before = conf_render(c);
			struct conf *back = save_and_reload(c);
			cleanup_free char *after = conf_render(back);
			EXPECT(before && after && strcmp(before, after) == 0,
			       "step %u: the reloaded document renders the same", step);
			conf_free(c);
			c = back;
			saves++;
		}
		EXPECT(ret == 0, "step %u: %s", step, what);
		if (!matches_model(c, &m, step, what))
			break; /* one divergence is enough to report */
	}
	struct conf *back = save_and_reload(c);
	EXPECT(matches_model(back, &m, 501, "final save and reload"), "final state matches");
	EXPECT(saves > 10, "the sequence saved and reloaded %u times", saves);
	EXPECT(refusals > 0, "the sequence tried bad values");
	conf_free(back);
	conf_free(c);
	model_free(&m);
}

TEST(setup)
{
	EXPECT(mkdtemp(tmpdir) != NULL, "mkdtemp");
	top_path = str_printf("%s/config", tmpdir);
	inc_path = str_printf("%s/inc.conf", tmpdir);
	save_path = str_printf("%s/saved.conf", tmpdir);
	cleanup_free char *orig = original_text();
	EXPECT(file_write_atomic(top_path, orig, strlen(orig), 0644) == 0, "write config");
	EXPECT(file_write_atomic(inc_path, inc_text, strlen(inc_text), 0644) == 0, "write include");
}

TEST(teardown)
{
	EXPECT(rm_rf_at(AT_FDCWD, tmpdir, NULL) == 0, "remove %s", tmpdir);
	EXPECT(!path_exists(tmpdir), "%s is gone", tmpdir);
	free(top_path);
	free(inc_path);
	free(save_path);
}

UNIT_MAIN(setup, load_and_render_unchanged, set_existing_scalar_changes_one_line,
	  set_new_key_appends, set_list_key_after_its_last_line,
	  set_scalar_also_set_by_later_include, clear_key_set_only_in_include,
	  clear_top_level_key_removes_its_lines, failed_edits_change_nothing, quoting_round_trips,
	  unwritable_values_are_refused, defines_override_and_are_not_saved, comments_and_paths,
	  random_edits_match_model, teardown)
