/* lxc-usernet and the record of lxcmgr-user-nic (net/usernet.h). */
#include <errno.h>

#include "net/usernet.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/error.h"

static const char *const groups_ab[] = { "alice", "netusers", NULL };
static const struct usernet_who alice = { .user = "alice", .groups = groups_ab };

static unsigned quota(const char *text, const char *bridge)
{
	cleanup_error lxcmgr_error *err = NULL;
	unsigned q = 12345;
	int ret = usernet_quota(text, "/etc/lxcmgr/lxc-usernet", &alice, "veth", bridge, &q, &err);
	EXPECT(ret == 0, "usernet_quota failed: %s", err ? err->msg : "?");
	return q;
}

TEST(quota_of_a_user_and_their_groups_adds_up)
{
	const char *text = "# comment\n"
			   "\n"
			   "alice veth br0 2\n"
			   "bob veth br0 5\n"
			   "@netusers veth br0 3   # trailing comment\n"
			   "@wheel veth br0 7\n"
			   "alice\tveth\tbr1\t1\n"
			   "alice macvlan br0 9\n";
	EXPECT_INT(quota(text, "br0"), 5);
	EXPECT_INT(quota(text, "br1"), 1);
	EXPECT_INT(quota(text, "br2"), 0);
	EXPECT_INT(quota("", "br0"), 0);
	EXPECT_INT(quota("alice veth br0 0\n", "br0"), 0);
}

TEST(bad_lines_are_errors_with_their_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "alice veth br0\n", "/etc/lxcmgr/lxc-usernet:1: expected USER TYPE BRIDGE COUNT" },
		{ "\nalice veth br0 2 3\n", "/etc/lxcmgr/lxc-usernet:2: more than USER TYPE" },
		{ "alice veth br0 two\n", ":1: count \"two\" is not a number from 0 to 100000" },
		{ "alice veth br0 -1\n", ":1: count \"-1\" is not a number" },
		{ "alice veth br0 100001\n", ":1: count \"100001\"" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_error lxcmgr_error *err = NULL;
		unsigned q = 7;
		EXPECT_INT(usernet_quota(cases[i].text, "/etc/lxcmgr/lxc-usernet", &alice, "veth",
					 "br0", &q, &err), -EINVAL);
		EXPECT_CONTAINS(err ? err->msg : NULL, cases[i].msg);
	}
}

static char *allowances(const char *text)
{
	cleanup_error lxcmgr_error *err = NULL;
	char *out = NULL;
	int ret = usernet_allowances(text, "/etc/lxcmgr/lxc-usernet", &alice, &out, &err);
	EXPECT(ret == 0, "usernet_allowances failed: %s", err ? err->msg : "?");
	return out;
}

TEST(allowances_of_a_user_added_per_type_and_bridge)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "", "" },
		{ "bob veth br0 5\n@wheel veth br0 7\n", "" },
		{ "alice veth br0 2\n", "2 veth on br0" },
		{ "# c\nalice veth br0 2\nbob veth br1 5\n@netusers veth br1 1\nalice veth br0 3 # x\n"
		  "alice macvlan br0 4\n",
		  "5 veth on br0, 1 veth on br1, 4 macvlan on br0" },
		{ "alice veth br0 0\nalice veth br1 1\n", "1 veth on br1" },
		{ "alice veth br0 99999\nalice veth br0 99999\n", "100000 veth on br0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *got = allowances(cases[i].text);
		EXPECT_STR(got, cases[i].want);
	}
	cleanup_error lxcmgr_error *err = NULL;
	char *out = NULL;
	EXPECT_INT(usernet_allowances("alice veth br0 1\nbob veth\n", "/x", &alice, &out, &err),
		   -EINVAL);
	EXPECT_CONTAINS(err ? err->msg : NULL, "/x:2: expected USER TYPE BRIDGE COUNT");
	EXPECT(out == NULL, "no list after an error");
}

TEST(interface_names)
{
	EXPECT(usernet_valid_ifname("eth0"), "eth0");
	EXPECT(usernet_valid_ifname("lxcmgr-test-br0"), "15 characters");
	EXPECT(usernet_valid_ifname("a_b.c"), "a_b.c");
	EXPECT(!usernet_valid_ifname(""), "empty");
	EXPECT(!usernet_valid_ifname("lxcmgr-test-br00"), "16 characters");
	EXPECT(!usernet_valid_ifname("a/b"), "slash");
	EXPECT(!usernet_valid_ifname("a b"), "blank");
	EXPECT(!usernet_valid_ifname("a:1"), "colon");
	EXPECT(!usernet_valid_ifname("."), "dot");
	EXPECT(!usernet_valid_ifname(".."), "dot dot");
	EXPECT(!usernet_valid_ifname("eth\n"), "newline");
}

TEST(record_lines_round_trip)
{
	struct usernet_entry e = { .uid = 61000, .type = "veth", .bridge = "br0",
				   .host = "vethu0011aabb", .container = "web" }, back;
	cleanup_free char *line = usernet_entry_format(&e);
	EXPECT_STR(line, "61000 veth br0 vethu0011aabb web\n");
	EXPECT(usernet_entry_parse(line, &back), "parses back");
	EXPECT_INT(back.uid, 61000);
	EXPECT_STR(back.host, "vethu0011aabb");
	EXPECT_STR(back.container, "web");
	EXPECT(!usernet_entry_parse("61000 veth br0 vethu0011aabb", &back), "missing word");
	EXPECT(!usernet_entry_parse("61000 veth br0 vethu0011aabb web extra", &back), "extra word");
	EXPECT(!usernet_entry_parse("x veth br0 h c", &back), "uid not a number");
	EXPECT(!usernet_entry_parse("1 veth br0 vethu0011aabbccdd c", &back), "host name too long");
}

UNIT_MAIN(quota_of_a_user_and_their_groups_adds_up, bad_lines_are_errors_with_their_line,
	  allowances_of_a_user_added_per_type_and_bridge,
	  interface_names, record_lines_round_trip)
