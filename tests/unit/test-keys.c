/* conf/keys: every row of the key tables round-trips through set, get and
 * clear (and a save and reload); clear-only keys clear their family;
 * LXC 5.0 key names resolve; unknown keys get useful messages. */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf-internal.h"
#include "conf/conf.h"
#include "conf/keys.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-keys.XXXXXX";
static char *include_file; /* stands in for the lxc.include example when it is not installed */

/* A concrete member of each family: the part after the prefix. */
static const struct {
	const char *prefix;
	const char *sub;
} family_members[] = {
	{ "lxc.cgroup.", "memory.limit_in_bytes" }, { "lxc.cgroup2.", "memory.max" },
	{ "lxc.sysctl.", "net.ipv4.ip_forward" },   { "lxc.prlimit.", "nofile" },
	{ "lxc.proc.", "oom_score_adj" },
};

/* Other values tried as a second, different value of a key. */
static const char *const alternates[] = {
	"0", "1", "2", "8", "2048", "up", "SIGTERM", "other", "/x", "web2", "10.0.3.6/24",
	"fd00::6/64", "10.0.3.2", "fd00::2", "lxcmgr1", "00:16:3e:00:00:01", "mknod", "pid",
	"2h", "256KB", "i686", "u 1 200000 1000", "LANG=C", "/a b none bind 0 0", "proc:rw",
	"l2", "private", "router", "macvlan", "dir:/srv/x", "unix:/run/y.sock", "INFO", "4,5",
	"2048:unlimited", "3000", NULL,
};

struct row {
	const struct key_def *def;
	char *key;           /* the concrete key set in the test */
	const char *example; /* the value used */
};

static bool is_family(const struct key_def *d)
{
	return str_ends_with(d->name, ".");
}

static const char *member_of(const struct key_def *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(family_members); i++)
		if (strcmp(family_members[i].prefix, d->name) == 0)
			return family_members[i].sub;
	return NULL;
}

/* Every row of both tables, with the key spelled as a config would. */
static struct row *all_rows(size_t *count)
{
	size_t nk, nn;
	const struct key_def *k = key_table(&nk);
	const struct key_def *n = key_net_table(&nn);
	struct row *rows = calloc(nk + nn, sizeof(*rows));

	for (size_t i = 0; rows && i < nk; i++) {
		rows[i].def = &k[i];
		rows[i].example = k[i].example;
		if (is_family(&k[i]))
			rows[i].key = str_printf("%s%s", k[i].name,
						 member_of(&k[i]) ? member_of(&k[i]) : "MISSING");
		else
			rows[i].key = strdup(k[i].name);
		if (strcmp(k[i].name, "lxc.include") == 0 && !path_exists(k[i].example))
			rows[i].example = include_file;
	}
	for (size_t i = 0; rows && i < nn; i++) {
		rows[nk + i].def = &n[i];
		rows[nk + i].example = n[i].example;
		rows[nk + i].key = str_printf("lxc.net.0.%s", n[i].name);
	}
	*count = nk + nn;
	return rows;
}

static void free_rows(struct row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		free(rows[i].key);
	free(rows);
}

static char *get(struct conf *c, const char *key)
{
	char *v = NULL;
	lxcmgr_error *err = NULL;
	int ret = conf_get(c, key, &v, &err);

	EXPECT(ret == 0, "conf_get(%s) succeeds, saw %d: %s", key, ret, err ? err->msg : "");
	lxcmgr_error_free(err);
	return v;
}

static int set(struct conf *c, const char *key, const char *value)
{
	lxcmgr_error *err = NULL;
	int ret = conf_set(c, key, value, &err);

	EXPECT(ret == 0, "conf_set(%s, \"%s\") succeeds, saw %d: %s", key, value, ret,
	       err ? err->msg : "");
	lxcmgr_error_free(err);
	return ret;
}

static bool passes(value_check_fn check, const char *value)
{
	cleanup_free char *why = check ? check(value) : NULL;
	return why == NULL;
}

/* A valid value of ROW other than its example, or NULL. */
static const char *alternate(const struct row *r)
{
	for (size_t i = 0; alternates[i]; i++)
		if (strcmp(alternates[i], r->example) != 0 && passes(r->def->check, alternates[i]))
			return alternates[i];
	return NULL;
}

TEST(table_rows_are_complete)
{
	size_t n;
	struct row *rows = all_rows(&n);

	EXPECT(n > 80, "the tables hold LXC 5.0's keys, saw %zu rows", n);
	for (size_t i = 0; i < n; i++) {
		const struct key_def *d = rows[i].def;
		EXPECT(d->doc && *d->doc, "%s has a doc line", d->name);
		EXPECT(d->form && *d->form, "%s has a form", d->name);
		EXPECT(d->section && *d->section, "%s has a section", d->name);
		EXPECT(d->example != NULL, "%s has an example", d->name);
		if (d->kind == KEY_CLEAR) {
			EXPECT(d->group != GROUP_NONE, "clear-only %s names the family it clears",
			       d->name);
			EXPECT(d->example && *d->example == '\0', "clear-only %s has an empty example",
			       d->name);
			continue;
		}
		EXPECT(d->example && *d->example, "%s has a non-empty example", d->name);
		cleanup_free char *why = d->check && d->example ? d->check(d->example) : NULL;
		EXPECT(why == NULL, "example \"%s\" of %s passes its own check, saw \"%s\"",
		       d->example, d->name, why ? why : "");
		if (is_family(d)) {
			const char *sub = member_of(d);
			EXPECT(sub != NULL, "the test knows a member of family %s", d->name);
			EXPECT(d->check_sub != NULL, "family %s checks its sub-key", d->name);
			if (sub && d->check_sub) {
				cleanup_free char *bad = d->check_sub(sub);
				EXPECT(bad == NULL, "%s%s passes check_sub, saw \"%s\"", d->name, sub,
				       bad ? bad : "");
			}
			EXPECT(d->group != GROUP_NONE, "family %s belongs to a group", d->name);
		} else {
			EXPECT(d->check_sub == NULL, "non-family %s has no check_sub", d->name);
		}
	}
	/* Each concrete key is unique and resolves to its own row. */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			EXPECT(strcmp(rows[i].key, rows[j].key) != 0, "key %s appears twice",
			       rows[i].key);
		struct key_ref ref;
		cleanup_free char *why = NULL;
		int ret = key_resolve(rows[i].key, &ref, &why);
		EXPECT(ret == 0, "%s resolves, saw %d: %s", rows[i].key, ret, why ? why : "");
		if (ret == 0) {
			EXPECT(ref.def == rows[i].def, "%s resolves to its own row (%s), saw %s",
			       rows[i].key, rows[i].def->name, ref.def ? ref.def->name : "NULL");
			EXPECT_STR(ref.key, rows[i].key);
			EXPECT_INT(ref.net_index, str_starts_with(rows[i].key, "lxc.net.0.") ? 0 : -1);
		}
		key_ref_release(&ref);
	}
	free_rows(rows, n);
}

/* set -> get == example -> clear -> get == "", and the same through a save
 * and a reload. */
TEST(every_key_round_trips)
{
	size_t n;
	struct row *rows = all_rows(&n);
	cleanup_free char *path = str_printf("%s/roundtrip.conf", tmpdir);
	size_t tested = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		if (r->def->kind == KEY_CLEAR)
			continue;
		struct conf *c = conf_new();
		if (set(c, r->key, r->example) == 0) {
			cleanup_free char *v = get(c, r->key);
			EXPECT(v && strcmp(v, r->example) == 0, "get %s = \"%s\", saw \"%s\"", r->key,
			       r->example, v ? v : "(null)");
			EXPECT_STR(conf_value(c, r->key), r->example);

			lxcmgr_error *err = NULL;
			EXPECT(conf_save(c, path, &err) == 0, "save with %s: %s", r->key,
			       err ? err->msg : "");
			lxcmgr_error_free(err);
			err = NULL;
			struct conf *back = conf_new();
			EXPECT(conf_load(back, path, &err) == 0, "reload with %s: %s", r->key,
			       err ? err->msg : "");
			lxcmgr_error_free(err);
			cleanup_free char *again = get(back, r->key);
			EXPECT(again && strcmp(again, r->example) == 0,
			       "after save and load, %s = \"%s\", saw \"%s\"", r->key, r->example,
			       again ? again : "(null)");
			conf_free(back);

			err = NULL;
			EXPECT(conf_clear(c, r->key, &err) == 0, "clear %s: %s", r->key,
			       err ? err->msg : "");
			lxcmgr_error_free(err);
			cleanup_free char *cleared = get(c, r->key);
			EXPECT(cleared && *cleared == '\0', "after clear, %s is \"\", saw \"%s\"", r->key,
			       cleared ? cleared : "(null)");
			EXPECT(conf_value(c, r->key) == NULL, "after clear, conf_value(%s) is NULL",
			       r->key);
			cleanup_free char *text = conf_render(c);
			EXPECT(text && strstr(text, r->key) == NULL,
			       "after clear, the rendered config does not mention %s: \"%s\"", r->key,
			       text ? text : "");
			tested++;
		}
		conf_free(c);
	}
	EXPECT(tested > 80, "round-tripped every settable key, saw %zu", tested);
	unlink(path);
	free_rows(rows, n);
}

/* Scalars: the last value wins. Lists: values join with '\n'. */
TEST(scalars_replace_lists_append)
{
	size_t n;
	struct row *rows = all_rows(&n);
	size_t with_alternate = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		if (r->def->kind == KEY_CLEAR || strcmp(r->def->name, "lxc.include") == 0)
			continue;
		const char *other = alternate(r);
		const char *second = other ? other : r->example;
		struct conf *c = conf_new();

		with_alternate += other != NULL;
		set(c, r->key, second);
		set(c, r->key, r->example);
		cleanup_free char *v = get(c, r->key);
		cleanup_free char *joined = str_printf("%s\n%s", second, r->example);
		const char *want = r->def->kind == KEY_LIST ? joined : r->example;
		EXPECT(v && strcmp(v, want) == 0, "%s %s set twice: expected \"%s\", saw \"%s\"",
		       r->def->kind == KEY_LIST ? "list" : "scalar", r->key, want, v ? v : "(null)");
		char *const *vals = conf_values(c, r->key);
		EXPECT_INT(strv_len(vals), r->def->kind == KEY_LIST ? 2 : 1);
		EXPECT_STR(conf_value(c, r->key), r->example);
		/* A scalar set twice stays on one line of the document. */
		cleanup_free char *text = conf_render(c);
		size_t lines = 0;
		for (const char *p = text; p && (p = strstr(p, r->key)); p++)
			lines++;
		EXPECT(lines == (r->def->kind == KEY_LIST ? 2u : 1u),
		       "%s appears %zu times in \"%s\"", r->key, lines, text ? text : "");

		/* The same from a file that sets the key twice. */
		cleanup_free char *doc = str_printf("%s = %s\n%s = %s\n", r->key, second, r->key,
						    r->example);
		lxcmgr_error *err = NULL;
		EXPECT(conf_load_text(c, "twice.conf", doc, &err) == 0, "load \"%s\": %s", doc,
		       err ? err->msg : "");
		lxcmgr_error_free(err);
		cleanup_free char *v2 = get(c, r->key);
		EXPECT(v2 && strcmp(v2, want) == 0, "%s set twice in a file: expected \"%s\", saw \"%s\"",
		       r->key, want, v2 ? v2 : "(null)");
		struct conf_origin o = { 0 };
		EXPECT(conf_origin(c, r->key, &o) == 0 && o.line == 2,
		       "%s comes from line 2 of the file, saw %u", r->key, o.line);
		conf_free(c);
	}
	EXPECT(with_alternate > 70, "most keys were tried with two different values, saw %zu",
	       with_alternate);
	free_rows(rows, n);
}

/* The keys a clear-only row empties: members of its group. */
static bool in_group(const struct row *r, enum key_group g)
{
	return r->def->kind != KEY_CLEAR && r->def->group == g;
}

TEST(clear_only_keys_clear_their_family)
{
	size_t n;
	struct row *rows = all_rows(&n);
	size_t clear_rows = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *cr = &rows[i];
		if (cr->def->kind != KEY_CLEAR)
			continue;
		clear_rows++;

		/* A value is refused, through conf_set and through a file. */
		struct conf *c = conf_new();
		lxcmgr_error *err = NULL;
		EXPECT(conf_set(c, cr->key, "x", &err) < 0, "conf_set(%s, \"x\") is refused",
		       cr->key);
		EXPECT(err && strstr(err->msg, "only an empty value"),
		       "the refusal of %s = x says why: \"%s\"", cr->key, err ? err->msg : "");
		lxcmgr_error_free(err);
		err = NULL;
		cleanup_free char *text = str_printf("%s = x\n", cr->key);
		EXPECT(conf_load_text(c, "t.conf", text, &err) < 0, "\"%s = x\" does not load",
		       cr->key);
		EXPECT(err && strstr(err->msg, "t.conf:1: "), "error names t.conf:1: \"%s\"",
		       err ? err->msg : "");
		lxcmgr_error_free(err);

		/* Set every settable key; "KEY =" removes exactly its family. */
		size_t members = 0;
		for (size_t j = 0; j < n; j++)
			if (rows[j].def->kind != KEY_CLEAR &&
			    strcmp(rows[j].def->name, "lxc.include") != 0)
				set(c, rows[j].key, rows[j].example);
		set(c, cr->key, "");
		for (size_t j = 0; j < n; j++) {
			if (rows[j].def->kind == KEY_CLEAR || strcmp(rows[j].def->name, "lxc.include") == 0)
				continue;
			cleanup_free char *v = get(c, rows[j].key);
			if (in_group(&rows[j], cr->def->group)) {
				members++;
				EXPECT(v && *v == '\0', "\"%s =\" clears %s, saw \"%s\"", cr->key,
				       rows[j].key, v ? v : "(null)");
			} else {
				EXPECT(v && strcmp(v, rows[j].example) == 0,
				       "\"%s =\" leaves %s alone, saw \"%s\"", cr->key, rows[j].key,
				       v ? v : "(null)");
			}
		}
		EXPECT(members > 0, "%s clears at least one key", cr->key);

		/* The same in a file: a member set before the clear is gone, one
		 * set after stays. */
		for (size_t j = 0; j < n; j++) {
			if (!in_group(&rows[j], cr->def->group))
				continue;
			cleanup_free char *doc = str_printf("%s = %s\n%s =\n", rows[j].key,
							    rows[j].example, cr->key);
			err = NULL;
			EXPECT(conf_load_text(c, "t.conf", doc, &err) == 0, "load \"%s\": %s", doc,
			       err ? err->msg : "");
			lxcmgr_error_free(err);
			cleanup_free char *v = get(c, rows[j].key);
			EXPECT(v && *v == '\0', "in a file, \"%s =\" clears %s, saw \"%s\"", cr->key,
			       rows[j].key, v ? v : "(null)");
			cleanup_free char *doc2 = str_printf("%s =\n%s = %s\n", cr->key, rows[j].key,
							     rows[j].example);
			err = NULL;
			EXPECT(conf_load_text(c, "t.conf", doc2, &err) == 0, "load \"%s\"", doc2);
			lxcmgr_error_free(err);
			cleanup_free char *v2 = get(c, rows[j].key);
			EXPECT(v2 && strcmp(v2, rows[j].example) == 0,
			       "a member set after \"%s =\" stays: %s = \"%s\"", cr->key, rows[j].key,
			       v2 ? v2 : "(null)");
		}
		conf_free(c);
	}
	EXPECT(clear_rows >= 7, "the table has the clear-only keys of LXC, saw %zu", clear_rows);
	free_rows(rows, n);
}

TEST(net_index_clear)
{
	struct conf *c = conf_new();

	set(c, "lxc.net.0.type", "veth");
	set(c, "lxc.net.0.link", "br0");
	set(c, "lxc.net.1.type", "macvlan");
	set(c, "lxc.net.1.link", "eth0");
	set(c, "lxc.net.1", "");
	cleanup_free char *t0 = get(c, "lxc.net.0.type");
	cleanup_free char *t1 = get(c, "lxc.net.1.type");
	cleanup_free char *l1 = get(c, "lxc.net.1.link");
	EXPECT_STR(t0, "veth");
	EXPECT_STR(t1, "");
	EXPECT_STR(l1, "");
	lxcmgr_error *err = NULL;
	EXPECT(conf_set(c, "lxc.net.0", "veth", &err) < 0, "lxc.net.0 = veth is refused");
	lxcmgr_error_free(err);
	set(c, "lxc.net", "");
	cleanup_free char *t0b = get(c, "lxc.net.0.type");
	EXPECT_STR(t0b, "");
	cleanup_strv char **keys = conf_keys(c);
	EXPECT_INT(strv_len(keys), 0);
	conf_free(c);
}

TEST(lxc_keys_exist)
{
	static const char *const lxc_keys[] = {
		"lxc.rootfs.path", "lxc.rootfs.mount", "lxc.rootfs.options", "lxc.rootfs.managed",
		"lxc.mount.entry", "lxc.mount.fstab", "lxc.mount.auto", "lxc.idmap",
		"lxc.net.0.type", "lxc.net.0.link", "lxc.net.0.flags", "lxc.net.0.hwaddr",
		"lxc.net.0.ipv4.address", "lxc.net.0.ipv4.gateway", "lxc.net.1.ipv6.address",
		"lxc.net.0.veth.pair", "lxc.net.0.veth.ipv4.route", "lxc.net.0.script.up",
		"lxc.net.3.vlan.id", "lxc.net.0.macvlan.mode", "lxc.net.0.ipvlan.mode",
		"lxc.net.0.l2proxy", "lxc.net.0.mtu", "lxc.net.0.name", "lxc.net",
		"lxc.cgroup.memory.limit_in_bytes", "lxc.cgroup.devices.allow",
		"lxc.cgroup.cpuset.cpus", "lxc.cgroup2.memory.max", "lxc.cgroup2.devices.allow",
		"lxc.cgroup.dir", "lxc.cgroup.dir.container", "lxc.cgroup.dir.monitor",
		"lxc.cgroup.dir.container.inner", "lxc.cgroup.dir.monitor.pivot",
		"lxc.cgroup.relative", "lxc.apparmor.profile", "lxc.apparmor.allow_nesting",
		"lxc.apparmor.allow_incomplete", "lxc.apparmor.raw", "lxc.selinux.context",
		"lxc.selinux.context.keyring", "lxc.seccomp.profile", "lxc.seccomp.allow_nesting",
		"lxc.seccomp.notify.proxy", "lxc.seccomp.notify.cookie", "lxc.hook.pre-start",
		"lxc.hook.pre-mount", "lxc.hook.mount", "lxc.hook.autodev", "lxc.hook.start",
		"lxc.hook.start-host", "lxc.hook.stop", "lxc.hook.post-stop", "lxc.hook.clone",
		"lxc.hook.destroy", "lxc.hook.version", "lxc.hook", "lxc.signal.halt",
		"lxc.signal.reboot", "lxc.signal.stop", "lxc.tty.max", "lxc.tty.dir",
		"lxc.pty.max", "lxc.console.path", "lxc.console.logfile", "lxc.console.size",
		"lxc.console.rotate", "lxc.console.buffer.size", "lxc.namespace.clone",
		"lxc.namespace.keep", "lxc.namespace.share.net", "lxc.namespace.share.ipc",
		"lxc.namespace.share.uts", "lxc.time.offset.boot", "lxc.time.offset.monotonic",
		"lxc.prlimit.nofile", "lxc.prlimit.nproc", "lxc.sysctl.net.ipv4.ip_forward",
		"lxc.proc.oom_score_adj", "lxc.start.auto", "lxc.start.delay", "lxc.start.order",
		"lxc.group", "lxc.environment", "lxc.init.cmd", "lxc.init.cwd", "lxc.init.uid",
		"lxc.init.gid", "lxc.init.groups", "lxc.execute.cmd", "lxc.uts.name",
		"lxc.arch", "lxc.autodev", "lxc.autodev.tmpfs.size", "lxc.ephemeral",
		"lxc.cap.drop", "lxc.cap.keep", "lxc.no_new_privs", "lxc.keyring.session",
		"lxc.sched.core", "lxc.monitor.unshare", "lxc.monitor.signal.pdeath",
		"lxc.log.file", "lxc.log.level", "lxc.log.syslog", "lxc.include",
		"lxc.cgroup", "lxc.cgroup2", "lxc.prlimit", "lxc.sysctl", "lxc.proc",
	};
	for (size_t i = 0; i < ARRAY_SIZE(lxc_keys); i++) {
		struct key_ref ref;
		cleanup_free char *why = NULL;
		int ret = key_resolve(lxc_keys[i], &ref, &why);
		EXPECT(ret == 0, "LXC key %s resolves, saw %d: %s", lxc_keys[i], ret,
		       why ? why : "");
		if (ret == 0)
			EXPECT_STR(ref.key, lxc_keys[i]);
		key_ref_release(&ref);
	}
}

static enum key_kind kind_of(const char *key)
{
	struct key_ref ref;
	cleanup_free char *why = NULL;
	enum key_kind kind = (enum key_kind)-1;

	if (key_resolve(key, &ref, &why) == 0)
		kind = ref.def->kind;
	key_ref_release(&ref);
	return kind;
}

/* The kinds lxcmgr.container.conf(5) documents (SEMANTICS). */
TEST(documented_kinds)
{
	static const char *const lists[] = {
		"lxc.cap.drop", "lxc.cap.keep", "lxc.mount.entry", "lxc.idmap", "lxc.group",
		"lxc.environment", "lxc.hook.pre-start", "lxc.hook.pre-mount", "lxc.hook.mount",
		"lxc.hook.autodev", "lxc.hook.start-host", "lxc.hook.start", "lxc.hook.stop",
		"lxc.hook.post-stop", "lxc.hook.clone", "lxc.hook.destroy", "lxc.include",
		/* "A cgroup file set twice is written twice, in order." */
		"lxc.cgroup2.devices.allow", "lxc.cgroup.devices.deny",
		"lxc.net.0.ipv4.address", "lxc.net.0.ipv6.address",
	};
	static const char *const scalars[] = {
		"lxc.uts.name", "lxc.rootfs.path", "lxc.tty.max", "lxc.signal.halt",
		"lxc.start.auto", "lxc.net.0.type", "lxc.net.0.link", "lxc.init.cmd",
		"lxc.apparmor.profile", "lxc.seccomp.profile", "lxc.log.level",
		/* "In the other families the last value wins." */
		"lxc.prlimit.nofile", "lxc.sysctl.net.ipv4.ip_forward", "lxc.proc.oom_score_adj",
	};
	static const char *const clears[] = {
		"lxc.net", "lxc.net.0", "lxc.cgroup", "lxc.cgroup2", "lxc.sysctl", "lxc.prlimit",
		"lxc.proc", "lxc.hook",
	};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		EXPECT(kind_of(lists[i]) == KEY_LIST, "%s is a list key", lists[i]);
	for (size_t i = 0; i < ARRAY_SIZE(scalars); i++)
		EXPECT(kind_of(scalars[i]) == KEY_SCALAR, "%s is a scalar key", scalars[i]);
	for (size_t i = 0; i < ARRAY_SIZE(clears); i++)
		EXPECT(kind_of(clears[i]) == KEY_CLEAR, "%s only clears", clears[i]);
}

/* Each key checks its value with the right check: a value its form
 * forbids is refused, in a file and through conf_set. */
TEST(keys_check_their_values)
{
	static const struct {
		const char *key, *bad;
	} cases[] = {
		{ "lxc.start.auto", "2" },          { "lxc.autodev", "yes" },
		{ "lxc.tty.max", "-1" },            { "lxc.start.order", "first" },
		{ "lxc.signal.halt", "SIGFOO" },    { "lxc.signal.stop", "0" },
		{ "lxc.net.0.type", "bridge" },     { "lxc.net.0.hwaddr", "00:16:3e:xx:xx" },
		{ "lxc.net.0.ipv4.address", "10.0.3.5/33" },
		{ "lxc.net.0.ipv6.address", "10.0.3.5" },
		{ "lxc.net.0.ipv4.gateway", "fd00::1" },
		{ "lxc.net.0.mtu", "10" },          { "lxc.net.0.vlan.id", "5000" },
		{ "lxc.net.0.name", "a/b" },        { "lxc.net.0.flags", "down" },
		{ "lxc.idmap", "u 0 100000" },      { "lxc.mount.entry", "/a b" },
		{ "lxc.mount.auto", "proc:bogus" }, { "lxc.cap.drop", "sys_adm" },
		{ "lxc.cap.keep", "frobnicate" },   { "lxc.namespace.clone", "mount" },
		{ "lxc.prlimit.nofile", "lots" },   { "lxc.time.offset.boot", "5d" },
		{ "lxc.console.size", "1TB" },      { "lxc.environment", "1X=2" },
		{ "lxc.rootfs.path", "ext4:/dev/sda" }, { "lxc.arch", "vax" },
		{ "lxc.log.level", "LOUD" },        { "lxc.hook.version", "2" },
		{ "lxc.tty.dir", "a/b" },           { "lxc.uts.name",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
		{ "lxc.init.groups", "wheel" },     { "lxc.group", "a,b" },
		{ "lxc.cgroup.dir", "/abs" },       { "lxc.seccomp.notify.proxy", "tcp:x" },
		{ "lxc.rootfs.managed", "true" },   { "lxc.monitor.signal.pdeath", "SIGNOPE" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct conf *c = conf_new();
		lxcmgr_error *err = NULL;
		EXPECT(conf_set(c, cases[i].key, cases[i].bad, &err) == -EINVAL,
		       "conf_set(%s, \"%s\") is refused", cases[i].key, cases[i].bad);
		EXPECT(err && strstr(err->msg, cases[i].key), "the error names %s: %s", cases[i].key,
		       err ? err->msg : "");
		lxcmgr_error_free(err);
		err = NULL;
		cleanup_free char *doc = str_printf("%s = %s\n", cases[i].key, cases[i].bad);
		EXPECT(conf_load_text(c, "bad.conf", doc, &err) == -EINVAL, "\"%s\" does not load",
		       doc);
		cleanup_free char *prefix = str_printf("bad.conf:1: %s: ", cases[i].key);
		EXPECT(err && strstr(err->msg, prefix), "error starts \"%s\": %s", prefix,
		       err ? err->msg : "");
		lxcmgr_error_free(err);
		conf_free(c);
	}
}

static void expect_unknown(const char *key, const char *needle)
{
	struct key_ref ref;
	cleanup_free char *why = NULL;
	int ret = key_resolve(key, &ref, &why);

	EXPECT(ret == -EINVAL, "%s is rejected, saw %d", key, ret);
	EXPECT(ref.key == NULL && ref.def == NULL, "a rejected %s leaves no key", key);
	EXPECT(why != NULL, "%s: a reason is given", key);
	if (why)
		EXPECT(strstr(why, needle), "reason for %s contains \"%s\", saw \"%s\"", key, needle,
		       why);
	key_ref_release(&ref);
}

TEST(unknown_keys)
{
	expect_unknown("lxc.rootfs.pth", "did you mean lxc.rootfs.path?");
	expect_unknown("lxc.net.0.tpye", "did you mean lxc.net.0.type?");
	expect_unknown("lxc.net.2.ipv4.adress", "did you mean lxc.net.2.ipv4.address?");
	expect_unknown("lcx.tty.max", "not an lxc.* key");
	expect_unknown("lcx.tty.max", "did you mean lxc.tty.max?");
	expect_unknown("lxc.cap.dorp", "did you mean lxc.cap.drop?");
	expect_unknown("lxc.network.type", "lxc.net.");
	expect_unknown("lxc.network.type", "removed");
	expect_unknown("lxc.network.0.link", "lxc.net.");
	expect_unknown("lxc.utsname", "lxc.uts.name");
	expect_unknown("lxc.utsname", "removed");
	expect_unknown("lxc.aa_profile", "lxc.apparmor.profile");
	expect_unknown("lxc.id_map", "lxc.idmap");
	expect_unknown("lxc.haltsignal", "lxc.signal.halt");
	/* A typo of a current key under an old name's prefix is a typo. */
	expect_unknown("lxc.mount.entyr", "did you mean lxc.mount.entry?");
	expect_unknown("lxc.console.bufer.size", "did you mean lxc.console.buffer.size?");
	/* Not taken as a cgroup v1 controller file, and the key is suggested. */
	expect_unknown("lxc.cgroup.dir.containr", "did you mean lxc.cgroup.dir.container?");
	expect_unknown("lxc.cgroup.memroy.limit_in_bytes", "memroy.limit_in_bytes");
	expect_unknown("lxc.cgroup.memroy.limit_in_bytes", "cgroup v1 controller file");
	expect_unknown("lxc.cgroup2.memory", "memory");
	expect_unknown("lxc.cgroup.memory", "memory");
	expect_unknown("lxc.prlimit.files", "files");
	expect_unknown("lxc.sysctl.", "sysctl");
	expect_unknown("lxc.net.5000.type", "5000");
	expect_unknown("lxc.net.1024.type", "out of range");
	expect_unknown("lxc.net.99999999999999999999999.type", "out of range");
	expect_unknown("lxc.net.x.type", "unknown key");
	expect_unknown("lxc.net.0.type.x", "unknown key");
	expect_unknown("lxc.foo", "unknown key");
	expect_unknown("", "not an lxc.* key");

	/* Leading zeros normalize; the highest index is fine. */
	static const struct {
		const char *in, *out;
	} normal[] = {
		{ "lxc.net.00.type", "lxc.net.0.type" },
		{ "lxc.net.007.ipv4.address", "lxc.net.7.ipv4.address" },
		{ "lxc.net.1023.link", "lxc.net.1023.link" },
		{ "lxc.net.01", "lxc.net.1" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(normal); i++) {
		struct key_ref ref;
		cleanup_free char *why = NULL;
		EXPECT(key_resolve(normal[i].in, &ref, &why) == 0, "%s resolves: %s", normal[i].in,
		       why ? why : "");
		EXPECT_STR(ref.key, normal[i].out);
		key_ref_release(&ref);
	}

	/* And through a config: the normalized key holds the value. */
	struct conf *c = conf_new();
	lxcmgr_error *err = NULL;
	EXPECT(conf_load_text(c, "n.conf", "lxc.net.00.type = veth\n", &err) == 0, "load: %s",
	       err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT_STR(conf_value(c, "lxc.net.0.type"), "veth");
	err = NULL;
	EXPECT(conf_load_text(c, "n.conf", "lxc.tty.max = 1\nlxc.rootfs.pth = /x\n", &err) < 0,
	       "a typo does not load");
	EXPECT(err && strstr(err->msg, "n.conf:2: lxc.rootfs.pth: ") &&
		       strstr(err->msg, "did you mean lxc.rootfs.path?"),
	       "error has file:line: key: and the suggestion, saw \"%s\"", err ? err->msg : "");
	lxcmgr_error_free(err);
	err = NULL;
	char *v = NULL;
	EXPECT(conf_get(c, "lxc.utsnam", &v, &err) < 0, "conf_get of an unknown key fails");
	EXPECT(err && strstr(err->msg, "lxc.utsnam"), "names the key: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	free(v);
	conf_free(c);
}

TEST(key_affects_rules)
{
	struct key_ref a, b;
	char *why = NULL;

	key_resolve("lxc.cgroup", &a, &why);
	key_resolve("lxc.cgroup.dir", &b, &why);
	EXPECT(!key_affects(&a, &b), "lxc.cgroup = does not clear lxc.cgroup.dir");
	key_ref_release(&b);
	key_resolve("lxc.cgroup2.memory.max", &b, &why);
	EXPECT(!key_affects(&a, &b), "lxc.cgroup = does not clear lxc.cgroup2.*");
	key_ref_release(&b);
	key_resolve("lxc.cgroup.memory.limit_in_bytes", &b, &why);
	EXPECT(key_affects(&a, &b), "lxc.cgroup = clears lxc.cgroup.memory.limit_in_bytes");
	EXPECT(!key_affects(&b, &a), "a member does not affect its clear key");
	key_ref_release(&a);
	key_ref_release(&b);
	key_resolve("lxc.hook", &a, &why);
	key_resolve("lxc.hook.version", &b, &why);
	EXPECT(!key_affects(&a, &b), "lxc.hook = keeps lxc.hook.version");
	key_ref_release(&b);
	key_resolve("lxc.hook.stop", &b, &why);
	EXPECT(key_affects(&a, &b), "lxc.hook = clears lxc.hook.stop");
	key_ref_release(&a);
	key_ref_release(&b);
	key_resolve("lxc.net.1", &a, &why);
	key_resolve("lxc.net.1.type", &b, &why);
	EXPECT(key_affects(&a, &b), "lxc.net.1 = clears lxc.net.1.type");
	key_ref_release(&b);
	key_resolve("lxc.net.10.type", &b, &why);
	EXPECT(!key_affects(&a, &b), "lxc.net.1 = keeps lxc.net.10.type");
	key_ref_release(&a);
	key_ref_release(&b);
	EXPECT(why == NULL, "all keys above resolved");
	free(why);
}

static void setup(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	include_file = str_printf("%s/included.conf", tmpdir);
	file_write_atomic(include_file, "# included\n", 11, 0644);
}

static void teardown(void)
{
	unlink(include_file);
	free(include_file);
	rmdir(tmpdir);
}

TEST(setup_tmp)
{
	setup();
	EXPECT(path_exists(include_file), "%s exists", include_file);
}

TEST(teardown_tmp)
{
	teardown();
	EXPECT(!path_exists(tmpdir), "%s is removed", tmpdir);
}

UNIT_MAIN(setup_tmp, table_rows_are_complete, every_key_round_trips,
	  scalars_replace_lists_append, clear_only_keys_clear_their_family, net_index_clear,
	  lxc_keys_exist, documented_kinds, keys_check_their_values, unknown_keys,
	  key_affects_rules, teardown_tmp)
