/* security/apparmor.c: the generated profile's name and text. */
#include <string.h>

#include "security/apparmor.h"
#include "unit.h"
#include "util/cleanup.h"

TEST(profile_name)
{
	cleanup_free char *name = aa_profile_name("web 1", "/var/lib/lxcmgr");

	EXPECT_STR(name, "lxcmgr-web_1_</var/lib/lxcmgr>");
}

TEST(generated_text)
{
	char r0[] = "mount fstype=nfs,", r1[] = "deny /srv/** w,";
	char *raw[] = { r0, r1, NULL };
	cleanup_free char *plain = aa_profile_text("lxcmgr-web", false, NULL);
	cleanup_free char *nested = aa_profile_text("lxcmgr-web", true, raw);

	EXPECT_CONTAINS(plain, "profile \"lxcmgr-web\" flags=(attach_disconnected,mediate_deleted) {\n");
	EXPECT_CONTAINS(plain, "#include <tunables/global>\n");
	/* What keeps the host safe: its devices, its kernel's files. */
	EXPECT_CONTAINS(plain, "  deny mount fstype=devtmpfs,\n");
	EXPECT_CONTAINS(plain, "  deny @{PROC}/sysrq-trigger rwklx,\n");
	EXPECT_CONTAINS(plain, "  deny /sys/firmware/** rwklx,\n");
	EXPECT_CONTAINS(plain, "  deny /sys/fs/cgroup/*/release_agent w,\n");
	EXPECT(!strstr(plain, "pivot_root"), "no nesting rules without allow_nesting");
	EXPECT(!strstr(plain, "lxc.apparmor.raw"), "no raw section without raw rules");
	EXPECT(plain && plain[strlen(plain) - 2] == '}', "the profile is closed");
	EXPECT_CONTAINS(nested, "  pivot_root,\n");
	EXPECT_CONTAINS(nested, "  change_profile -> lxcmgr-*,\n");
	EXPECT_CONTAINS(nested, "  # lxc.apparmor.raw\n  mount fstype=nfs,\n  deny /srv/** w,\n}\n");
}

UNIT_MAIN(profile_name, generated_text)
