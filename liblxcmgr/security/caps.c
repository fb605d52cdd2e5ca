/* Capabilities (caps.h). libcap gives the kernel's capability count and
 * the bounding-set drop; its capget/capset are the raw system calls, which
 * the attach child needs (no allocation; cap_get_proc would). */
#include <errno.h>
#include <sys/prctl.h>

#include "security/caps.h"

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#else
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Without libcap (--disable-capabilities) the same system calls, made
 * directly; lxc.cap.* is refused then (run/plan.c), and only the
 * clearing of inherited sets is left for these. */
static int capget(cap_user_header_t h, cap_user_data_t d)
{
	return (int)syscall(SYS_capget, h, d);
}

static int capset(cap_user_header_t h, const cap_user_data_t d)
{
	return (int)syscall(SYS_capset, h, d);
}

static int cap_drop_bound(int cap)
{
	return prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
}
#endif

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* The last capability the kernel knows: PR_CAPBSET_READ answers EINVAL
 * past it. libcap's cap_max_bits() reads the same, but caches it in a
 * global set at its first call, which the attach child must not write. */
static int cap_last(void)
{
	int last = 0;

	while (last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
		last++;
	return last;
}

uint64_t caps_all(void)
{
	int last = cap_last();

	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

uint64_t caps_mask(const int *drop, size_t n)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < n; i++)
		if (drop[i] >= 0 && drop[i] < 64)
			mask |= UINT64_C(1) << drop[i];
	return mask;
}

int caps_bound(uint64_t keep, int *failed)
{
	int last = cap_last();

	for (int cap = 0; cap <= last; cap++) {
		if (keep & (UINT64_C(1) << cap))
			continue;
		/* Already gone is fine: a caller may have dropped it. */
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue;
		if (cap_drop_bound(cap) < 0) {
			*failed = cap;
			return -errno;
		}
	}
	return 0;
}

int caps_limit(uint64_t keep)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (capget(&head, data) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));
		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	if (capset(&head, data) < 0)
		return -errno;
	/* Emptying inheritable took the ambient set with it; for a kernel
	 * without ambient capabilities this fails with EINVAL, harmlessly. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}
