/* cgroup/devices.c: device rules as a cgroup2 BPF program. The kernel has
 * no BPF_PROG_TEST_RUN for BPF_PROG_TYPE_CGROUP_DEVICE, so the generated
 * instructions run here in a small interpreter of the few instructions the
 * generator uses (anything else fails the test), against the answers cgroup
 * v1's devices controller gives for the same rules. As root, the kernel's
 * verifier must also accept them. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "unit.h"
#include "util/cleanup.h"

/* ------------------------------------------------------ interpreter */

/* Runs PROG for one request; the program's r0, or -1 when it does
 * something the interpreter does not know (or runs off its end). */
static long run(const struct bpf_insn *prog, size_t len, unsigned type, unsigned access,
		unsigned major, unsigned minor)
{
	uint32_t ctx[3] = { (access << 16) | type, major, minor };
	uint64_t r[11] = { 0 };
	size_t pc = 0, steps = 0;

	while (pc < len && steps++ < 10000) {
		const struct bpf_insn *i = &prog[pc++];
		uint64_t *d = &r[i->dst_reg], s = (uint64_t)(int64_t)i->imm;
		uint32_t d32 = (uint32_t)*d, s32 = (uint32_t)i->imm;
		bool jump;

		if (BPF_SRC(i->code) == BPF_X)
			s = r[i->src_reg];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1;
			*d = ctx[i->off / 4];
			continue;
		case BPF_ALU64 | BPF_MOV | BPF_K:
		case BPF_ALU64 | BPF_MOV | BPF_X:
			*d = s;
			continue;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*d &= s;
			continue;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*d >>= s;
			continue;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			continue;
		case BPF_JMP | BPF_EXIT:
			return (long)r[0];
		case BPF_JMP32 | BPF_JNE | BPF_K:
			jump = d32 != s32;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			jump = d32 == s32;
			break;
		case BPF_JMP32 | BPF_JSET | BPF_K:
			jump = (d32 & s32) != 0;
			break;
		default:
			return -1;
		}
		if (jump)
			pc += i->off;
	}
	return -1;
}

/* --------------------------------------------------------- fixtures */

struct rules {
	struct cgroup_devices d;
	struct bpf_insn *prog;
	size_t len;
};

/* "+c 1:3 rwm" allows, "-a" denies; NULL ends the list. */
static void build(struct rules *r, const char *const *list)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; list[i]; i++) {
		struct cgroup_dev_rule rule;
		const char *why = NULL;
		int ret = cgroup_dev_rule_parse(list[i] + 1, list[i][0] == '+', &rule, &why);
		EXPECT(ret == 0, "parse \"%s\": %d %s", list[i], ret, why ? why : "");
		if (ret == 0)
			EXPECT_INT(cgroup_dev_add(&r->d, &rule), 0);
	}
	EXPECT_INT(cgroup_dev_program(&r->d, &r->prog, &r->len), 0);
}

static void release(struct rules *r)
{
	free(r->prog);
	cgroup_devices_release(&r->d);
}

#define B BPF_DEVCG_DEV_BLOCK
#define C BPF_DEVCG_DEV_CHAR
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

static void expect(const struct rules *r, unsigned type, unsigned access, unsigned major,
		   unsigned minor, long want, const char *what)
{
	long got = run(r->prog, r->len, type, access, major, minor);
	EXPECT(got == want, "%s (%c %u:%u access %u): got %ld, want %ld", what,
	       type == B ? 'b' : 'c', major, minor, access, got, want);
}

/* ------------------------------------------------------------ tests */

TEST(parse)
{
	struct cgroup_dev_rule r;
	const char *why = NULL;

	EXPECT_INT(cgroup_dev_rule_parse("c 1:3 rwm", true, &r, &why), 0);
	EXPECT(r.type == 'c' && r.major == 1 && r.minor == 3 && r.access == CGROUP_DEV_RWM &&
	       r.allow, "c 1:3 rwm");
	EXPECT_INT(cgroup_dev_rule_parse("b *:* m", false, &r, &why), 0);
	EXPECT(r.type == 'b' && r.major == -1 && r.minor == -1 && r.access == CGROUP_DEV_MKNOD &&
	       !r.allow, "b *:* m");
	EXPECT_INT(cgroup_dev_rule_parse("c 136:* rw", true, &r, &why), 0);
	EXPECT(r.major == 136 && r.minor == -1 && r.access == (CGROUP_DEV_READ | CGROUP_DEV_WRITE),
	       "c 136:* rw");
	EXPECT_INT(cgroup_dev_rule_parse("a", false, &r, &why), 0);
	EXPECT(r.type == 'a' && r.access == CGROUP_DEV_RWM, "a");
	const char *bad[] = { "", "x 1:3 r", "c", "c 1:3", "c 1 r", "c a:b r", "c 1:3 rx",
			      "c 4096:0 r", "c 1:1048576 r", "c 1:3 r extra", "cc 1:3 r" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		EXPECT(cgroup_dev_rule_parse(bad[i], true, &r, &why) == -EINVAL && why,
		       "\"%s\" refused with a reason", bad[i]);
	}
}

TEST(no_rules_allow_everything)
{
	struct rules r;
	build(&r, (const char *const[]){ NULL });
	expect(&r, C, R | W, 1, 3, 1, "no rules");
	expect(&r, B, M, 8, 0, 1, "no rules");
	release(&r);
}

/* config/common.conf's list, then one of its devices taken away again. */
TEST(the_shipped_allowlist)
{
	struct rules r;
	build(&r, (const char *const[]){ "-a", "+c *:* m", "+b *:* m", "+c 1:3 rwm", "+c 1:5 rwm",
					 "+c 1:7 rwm", "+c 1:8 rwm", "+c 1:9 rwm", "+c 5:0 rwm",
					 "+c 5:1 rwm", "+c 5:2 rwm", "+c 136:* rwm",
					 "+c 10:229 rwm", "-c 1:9 rwm", NULL });
	expect(&r, C, R | W, 1, 3, 1, "/dev/null read-write");
	expect(&r, C, M, 1, 3, 1, "mknod /dev/null");
	expect(&r, C, R, 1, 5, 1, "/dev/zero");
	expect(&r, C, R, 136, 7, 1, "a pts");
	expect(&r, C, W, 10, 229, 1, "/dev/fuse");
	expect(&r, C, R, 1, 9, 0, "/dev/urandom, denied after the allows");
	expect(&r, C, M, 1, 9, 1, "mknod /dev/urandom (c *:* m still allows it, as on v1)");
	expect(&r, C, R, 1, 1, 0, "/dev/mem");
	expect(&r, C, M, 1, 1, 1, "mknod of any char device");
	expect(&r, B, M, 8, 0, 1, "mknod of any block device");
	expect(&r, B, R, 8, 0, 0, "reading /dev/sda");
	expect(&r, B, R | W, 8, 0, 0, "opening /dev/sda read-write");
	expect(&r, C, R | W | M, 1, 3, 1, "every access to /dev/null");
	expect(&r, C, R | W, 4, 1, 0, "a tty of the host");
	release(&r);
}

TEST(a_deny_takes_access_from_the_same_device)
{
	struct rules r;
	/* urandom readable, not writable; /dev/null denied then allowed back */
	build(&r, (const char *const[]){ "-a", "+c 1:9 rwm", "-c 1:9 w", "-c 1:3 rwm",
					 "+c 1:3 r", NULL });
	expect(&r, C, R, 1, 9, 1, "read after deny w");
	expect(&r, C, W, 1, 9, 0, "write after deny w");
	expect(&r, C, R | W, 1, 9, 0, "read-write after deny w");
	expect(&r, C, M, 1, 9, 1, "mknod after deny w");
	expect(&r, C, R, 1, 3, 1, "read allowed back");
	expect(&r, C, W, 1, 3, 0, "write not allowed back");
	expect(&r, C, R | W, 1, 3, 0, "read-write with write denied");
	release(&r);
}

TEST(a_rule_for_everything_forgets_the_rules_before_it)
{
	struct rules r;
	build(&r, (const char *const[]){ "+c 1:3 rwm", "-a", "+b 8:* r", NULL });
	EXPECT_INT((int)r.d.n, 1);
	expect(&r, C, R, 1, 3, 0, "an allow before deny a");
	expect(&r, B, R, 8, 17, 1, "b 8:* r");
	expect(&r, B, W, 8, 17, 0, "b 8:* is read only");
	expect(&r, C, R, 8, 17, 0, "a char device with the same numbers");
	release(&r);
	/* allow-by-default with holes */
	build(&r, (const char *const[]){ "+a", "-c 1:1 rwm", "-b *:* w", NULL });
	expect(&r, C, R, 1, 3, 1, "default allow");
	expect(&r, C, R, 1, 1, 0, "/dev/mem denied");
	expect(&r, B, R, 8, 0, 1, "a block device read");
	expect(&r, B, W, 8, 0, 0, "a block device written");
	expect(&r, B, R | W, 8, 0, 0, "a block device read-write");
	release(&r);
}

/* A change at run time works on a copy: the rules in force stay as they
 * are until the new program is attached. */
TEST(a_copy_changes_apart_from_its_original)
{
	struct rules r;
	struct cgroup_devices copy;
	struct cgroup_dev_rule rule;
	const char *why = NULL;

	build(&r, (const char *const[]){ "-a", "+c 1:3 rwm", "+c 1:5 rwm", NULL });
	EXPECT_INT(cgroup_devices_copy(&r.d, &copy), 0);
	EXPECT(copy.rules != r.d.rules && copy.n == 2 && copy.deny_by_default && copy.used,
	       "copy: %zu rules", copy.n);
	EXPECT_INT(cgroup_dev_rule_parse("c 1:3 rwm", false, &rule, &why), 0);
	EXPECT_INT(cgroup_dev_add(&copy, &rule), 0);
	EXPECT_INT((int)copy.n, 1);
	EXPECT_INT((int)r.d.n, 2);
	expect(&r, C, R, 1, 3, 1, "the original still allows c 1:3");
	cgroup_devices_release(&copy);
	/* no rules: an empty copy */
	struct cgroup_devices none = { 0 };
	EXPECT_INT(cgroup_devices_copy(&none, &copy), 0);
	EXPECT(!copy.rules && copy.n == 0 && !copy.used, "an empty copy");
	cgroup_devices_release(&copy);
	release(&r);
}

TEST(only_known_instructions_and_always_an_answer)
{
	struct rules r;
	build(&r, (const char *const[]){ "-a", "+c 1:* r", "+b *:3 m", "-c *:5 w", "+c 7:7 rw",
					 NULL });
	/* every combination gives 0 or 1: no unknown instruction, no fall-off */
	for (unsigned type = B; type <= C; type++)
		for (unsigned access = 1; access <= 7; access++)
			for (unsigned major = 0; major < 9; major++)
				for (unsigned minor = 0; minor < 9; minor++) {
					long got = run(r.prog, r.len, type, access, major, minor);
					EXPECT(got == 0 || got == 1, "%u %u %u:%u -> %ld", type,
					       access, major, minor, got);
				}
	expect(&r, C, R | W, 7, 7, 1, "c 7:7 rw");
	expect(&r, B, R | W, 7, 7, 0, "b 7:7 rw");
	expect(&r, C, R, 1, 5, 1, "c 1:* r before the deny of w");
	expect(&r, C, W, 1, 5, 0, "c *:5 w");
	release(&r);
}

/* Where v1 surprises, the program does the same. */
TEST(as_cgroup_v1_does)
{
	struct rules r;
	/* a deny takes access from the exception for the same TYPE MAJOR:MINOR
	 * only: a narrower one leaves a wider allow whole */
	build(&r, (const char *const[]){ "-a", "+b *:* m", "-b 8:* m", "+c 1:5 rwm", "-c 1:* rwm",
					 NULL });
	EXPECT_INT((int)r.d.n, 2);
	expect(&r, B, M, 8, 0, 1, "mknod b 8:0 after deny b 8:* m");
	expect(&r, C, R, 1, 5, 1, "c 1:5 after deny c 1:* rwm");
	release(&r);
	/* allows for the same device add up; a deny of all of it removes it */
	build(&r, (const char *const[]){ "-a", "+c 1:3 r", "+c 1:3 w", "+c 1:7 m", "-c 1:7 m",
					 NULL });
	EXPECT_INT((int)r.d.n, 1);
	expect(&r, C, R | W, 1, 3, 1, "c 1:3 r + w");
	expect(&r, C, M, 1, 7, 0, "c 1:7 m allowed and denied again");
	release(&r);
	/* any rule of type a is every device, whatever follows the a */
	build(&r, (const char *const[]){ "-a", "+c 1:3 rwm", "+a 7:7 r", "-c 1:1 w", NULL });
	expect(&r, B, W, 8, 0, 1, "after allow a 7:7 r: everything");
	expect(&r, C, W, 1, 1, 0, "but the deny after it");
	expect(&r, C, R, 1, 1, 1, "of write only");
	release(&r);
}

/* The kernel's verifier must accept what we generate (root only). */
TEST(the_kernel_loads_it)
{
	struct rules r;
	char log[4096] = "";

	if (geteuid() != 0) {
		printf("# skipped the_kernel_loads_it: needs root\n");
		return;
	}
	build(&r, (const char *const[]){ "-a", "+c *:* m", "+c 1:3 rwm", "-c 1:3 w", "+c 136:* rw",
					 "+b 8:* r", NULL });
	union bpf_attr a = { .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE, .insns = (uintptr_t)r.prog,
			     .insn_cnt = (uint32_t)r.len, .license = (uintptr_t)"GPL",
			     .log_buf = (uintptr_t)log, .log_size = sizeof(log), .log_level = 1 };
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		printf("# skipped the_kernel_loads_it: bpf(2): %s\n", strerror(errno));
	else
		EXPECT(fd >= 0, "BPF_PROG_LOAD: %s; verifier: %s", strerror(errno), log);
	if (fd >= 0)
		close(fd);
	release(&r);
}

UNIT_MAIN(parse, no_rules_allow_everything, the_shipped_allowlist,
	  a_deny_takes_access_from_the_same_device,
	  a_rule_for_everything_forgets_the_rules_before_it, a_copy_changes_apart_from_its_original,
	  only_known_instructions_and_always_an_answer, as_cgroup_v1_does, the_kernel_loads_it)
