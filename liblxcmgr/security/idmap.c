/* lxc.idmap parsing and lookups (see idmap.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "security/idmap.h"
#include "util/cleanup.h"
#include "util/str.h"

static int parse_one(const char *v, struct idmap_range *r, bool *both, const char **why)
{
	cleanup_free char **w = str_words(v, " \t");
	uint64_t n[3];

	if (!w)
		return -ENOMEM;
	if (strv_len(w) != 4 || strlen(w[0]) != 1 || !strchr("ugb", w[0][0])) {
		*why = "not \"u|g|b NSID HOSTID RANGE\"";
		return -EINVAL;
	}
	for (int i = 0; i < 3; i++) {
		if (str_to_u64(w[i + 1], &n[i]) < 0 || n[i] > UINT32_MAX) {
			*why = "ids and the range are numbers below 2^32";
			return -EINVAL;
		}
	}
	if (n[2] == 0) {
		*why = "the range must not be empty";
		return -EINVAL;
	}
	*both = w[0][0] == 'b';
	*r = (struct idmap_range){ .kind = *both ? 'u' : w[0][0], .ns = (uint32_t)n[0],
				   .host = (uint32_t)n[1], .count = (uint32_t)n[2] };
	return 0;
}

int idmap_parse(char *const *values, struct idmap *m, size_t *bad, const char **why)
{
	size_t n = strv_len(values);
	/* "b" lines make two ranges. */
	struct idmap_range *r = calloc(2 * n + 1, sizeof(*r));

	*m = (struct idmap){ 0 };
	if (!r)
		return -ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool both = false;
		int ret = parse_one(values[i], &r[k], &both, why);
		if (ret < 0) {
			free(r);
			*bad = i;
			return ret;
		}
		if (both) {
			r[k + 1] = r[k];
			r[k + 1].kind = 'g';
			k++;
		}
		k++;
	}
	m->ranges = r;
	m->n = k;
	return 0;
}

void idmap_release(struct idmap *m)
{
	free(m->ranges);
	*m = (struct idmap){ 0 };
}

int64_t idmap_to_host(const struct idmap *m, char kind, uint32_t ns_id)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct idmap_range *r = &m->ranges[i];
		if (r->kind == kind && ns_id >= r->ns && (uint64_t)ns_id < (uint64_t)r->ns + r->count)
			return (int64_t)r->host + (ns_id - r->ns);
	}
	return -1;
}

int64_t idmap_to_ns(const struct idmap *m, char kind, uint32_t host_id)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct idmap_range *r = &m->ranges[i];
		if (r->kind == kind && host_id >= r->host &&
		    (uint64_t)host_id < (uint64_t)r->host + r->count)
			return (int64_t)r->ns + (host_id - r->host);
	}
	return -1;
}

static bool overlap(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return (uint64_t)a < (uint64_t)b + m && (uint64_t)b < (uint64_t)a + n;
}

const char *idmap_invalid(const struct idmap *m)
{
	size_t lines[2] = { 0, 0 };

	for (size_t i = 0; i < m->n; i++) {
		const struct idmap_range *r = &m->ranges[i];
		/* The kernel's map ends at 2^32 - 1 (that id is "invalid"). */
		if ((uint64_t)r->ns + r->count > UINT32_MAX ||
		    (uint64_t)r->host + r->count > UINT32_MAX)
			return "a range goes past the last id (4294967294)";
		if (++lines[r->kind == 'g'] > IDMAP_MAX_LINES)
			return "more than 340 ranges of one kind (the kernel's limit)";
		for (size_t j = 0; j < i; j++) {
			const struct idmap_range *o = &m->ranges[j];
			if (o->kind != r->kind)
				continue;
			if (overlap(r->ns, r->count, o->ns, o->count))
				return "two ranges overlap in the container's ids";
			if (overlap(r->host, r->count, o->host, o->count))
				return "two ranges overlap in the host's ids";
		}
	}
	if (idmap_to_host(m, 'u', 0) < 0)
		return "the container's uid 0 (root) is not mapped: add \"u 0 HOSTID RANGE\"";
	if (idmap_to_host(m, 'g', 0) < 0)
		return "the container's gid 0 is not mapped: add \"g 0 HOSTID RANGE\"";
	return NULL;
}

char *idmap_proc_text(const struct idmap *m, char kind)
{
	size_t size = 1;
	char *text, *at;

	for (size_t i = 0; i < m->n; i++)
		if (m->ranges[i].kind == kind)
			size += 3 * 11;
	if (!(text = malloc(size)))
		return NULL;
	at = text;
	*at = '\0';
	for (size_t i = 0; i < m->n; i++) {
		const struct idmap_range *r = &m->ranges[i];
		if (r->kind != kind)
			continue;
		at += snprintf(at, size - (size_t)(at - text), "%u %u %u\n", r->ns, r->host,
			       r->count);
	}
	return text;
}
