/* security/idmap: parsing lxc.idmap, lookups both ways, the checks a start
 * makes, and the text for /proc/PID/uid_map and gid_map. */
#include <errno.h>
#include <stdint.h>

#include "security/idmap.h"
#include "unit.h"
#include "util/cleanup.h"

static int parse(const char *const *v, struct idmap *m)
{
	const char *why = NULL;
	size_t bad = 0;
	return idmap_parse((char *const *)v, m, &bad, &why);
}

TEST(parses_u_and_g)
{
	const char *v[] = { "u 0 100000 65536", "g\t0 200000  1000", NULL };
	struct idmap m cleanup_idmap = { 0 };

	EXPECT_INT(parse(v, &m), 0);
	EXPECT_INT(m.n, 2);
	EXPECT_INT(m.ranges[0].kind, 'u');
	EXPECT_INT(m.ranges[0].host, 100000);
	EXPECT_INT(m.ranges[1].kind, 'g');
	EXPECT_INT(m.ranges[1].count, 1000);
}

TEST(b_is_both)
{
	const char *v[] = { "b 0 300000 10", NULL };
	struct idmap m cleanup_idmap = { 0 };

	EXPECT_INT(parse(v, &m), 0);
	EXPECT_INT(m.n, 2);
	EXPECT_INT(idmap_to_host(&m, 'u', 3), 300003);
	EXPECT_INT(idmap_to_host(&m, 'g', 3), 300003);
}

TEST(none_is_empty)
{
	struct idmap m cleanup_idmap = { 0 };

	EXPECT_INT(parse(NULL, &m), 0);
	EXPECT(idmap_empty(&m), "no values: an empty map");
}

TEST(rejects_bad_values)
{
	static const char *const bad[] = { "x 0 1 2", "u 0 1", "u 0 1 2 3", "u 0 1 0",
					   "u -1 0 1", "u 0 4294967296 1", "uu 0 1 1", NULL };
	for (size_t i = 0; bad[i]; i++) {
		const char *v[] = { "u 0 100000 65536", bad[i], NULL };
		struct idmap m cleanup_idmap = { 0 };
		const char *why = NULL;
		size_t at = 99;
		int r = idmap_parse((char *const *)v, &m, &at, &why);
		EXPECT(r == -EINVAL, "\"%s\" is refused, saw %d", bad[i], r);
		EXPECT_INT(at, 1);
		EXPECT(why != NULL, "\"%s\" has a reason", bad[i]);
		EXPECT(idmap_empty(&m), "nothing kept after \"%s\"", bad[i]);
	}
}

TEST(lookups_both_ways)
{
	const char *v[] = { "u 0 100000 1000", "u 1000 5000 1", "g 0 100000 65536", NULL };
	struct idmap m cleanup_idmap = { 0 };

	EXPECT_INT(parse(v, &m), 0);
	EXPECT_INT(idmap_to_host(&m, 'u', 0), 100000);
	EXPECT_INT(idmap_to_host(&m, 'u', 999), 100999);
	EXPECT_INT(idmap_to_host(&m, 'u', 1000), 5000);
	EXPECT_INT(idmap_to_host(&m, 'u', 1001), -1);
	EXPECT_INT(idmap_to_host(&m, 'g', 65535), 165535);
	EXPECT_INT(idmap_to_host(&m, 'g', 65536), -1);
	EXPECT_INT(idmap_to_ns(&m, 'u', 100000), 0);
	EXPECT_INT(idmap_to_ns(&m, 'u', 5000), 1000);
	EXPECT_INT(idmap_to_ns(&m, 'u', 0), -1);
	EXPECT_INT(idmap_to_ns(&m, 'u', 101000), -1);
	EXPECT_INT(idmap_to_ns(&m, 'g', 165535), 65535);
}

TEST(checks_what_the_kernel_refuses)
{
	static const struct {
		const char *v[3];
		const char *needle; /* NULL: valid */
	} cases[] = {
		{ { "u 0 100000 65536", "g 0 100000 65536" }, NULL },
		{ { "u 0 100000 65536", "g 1 100000 65536" }, "gid 0" },
		{ { "u 1 100000 65536", "g 0 100000 65536" }, "uid 0" },
		{ { "b 0 100000 65536", "u 10 500000 5" }, "container's ids" },
		{ { "b 0 100000 65536", "u 70000 100010 5" }, "host's ids" },
		{ { "b 0 4294967290 65536" }, "past the last id" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct idmap m cleanup_idmap = { 0 };
		EXPECT_INT(parse(cases[i].v, &m), 0);
		const char *why = idmap_invalid(&m);
		if (!cases[i].needle)
			EXPECT(why == NULL, "case %zu is valid, saw \"%s\"", i, why ? why : "");
		else
			EXPECT_CONTAINS(why, cases[i].needle);
	}
}

TEST(proc_text)
{
	const char *v[] = { "u 0 100000 1000", "g 0 200000 10", "u 1000 5000 1", NULL };
	struct idmap m cleanup_idmap = { 0 };

	EXPECT_INT(parse(v, &m), 0);
	cleanup_free char *u = idmap_proc_text(&m, 'u');
	cleanup_free char *g = idmap_proc_text(&m, 'g');
	EXPECT_STR(u, "0 100000 1000\n1000 5000 1\n");
	EXPECT_STR(g, "0 200000 10\n");
}

UNIT_MAIN(parses_u_and_g, b_is_both, none_is_empty, rejects_bad_values, lookups_both_ways,
	  checks_what_the_kernel_refuses, proc_text)
