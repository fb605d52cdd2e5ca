/* Writes the KEYS section of lxcmgr.container.conf(5) from the key table,
 * so the page lists exactly the keys the parser accepts. */
#include <stdio.h>
#include <string.h>

#include "conf/keys.h"

/* roff-escapes TEXT: backslashes, hyphens, and a leading '.' or '\''. */
static void roff(const char *text)
{
	if (*text == '.' || *text == '\'')
		fputs("\\&", stdout);
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			fputs("\\e", stdout);
		else if (*p == '-')
			fputs("\\-", stdout);
		else
			putchar(*p);
	}
}

static const char *kind_note(const struct key_def *d)
{
	switch (d->kind) {
	case KEY_LIST:
		return " (list: each line adds a value)";
	case KEY_CLEAR:
		return "";
	case KEY_SCALAR:
		break;
	}
	return "";
}

static void print_key(const char *prefix, const struct key_def *d)
{
	char name[128];

	snprintf(name, sizeof(name), "%s%s%s", prefix, d->name,
		 strcmp(d->name + strlen(d->name) - 1, ".") == 0 ? "*" : "");
	printf(".TP\n.B ");
	roff(name);
	printf("\n.RI \"= \" ");
	printf("\"");
	roff(d->form);
	printf("\"\n");
	roff(d->doc);
	roff(kind_note(d));
	if (d->kind != KEY_CLEAR && d->example[0]) {
		printf("\nExample: ");
		roff(d->example);
	}
	printf("\n");
}

static bool seen(const char **sections, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(sections[i], s) == 0)
			return true;
	return false;
}

int main(void)
{
	size_t n, n_net, n_sections = 0;
	const struct key_def *keys = key_table(&n);
	const struct key_def *net = key_net_table(&n_net);
	const char *sections[64];

	for (size_t i = 0; i < n && n_sections < 64; i++)
		if (!seen(sections, n_sections, keys[i].section))
			sections[n_sections++] = keys[i].section;
	for (size_t s = 0; s < n_sections; s++) {
		printf(".SS ");
		roff(sections[s]);
		printf("\n");
		for (size_t i = 0; i < n; i++)
			if (strcmp(keys[i].section, sections[s]) == 0)
				print_key("", &keys[i]);
		if (strcmp(sections[s], "Network") == 0) {
			printf(".TP\n.B lxc.net.N\n.RI \"= \" \"(empty)\"\n"
			       "An empty value removes network device N.\n");
			for (size_t i = 0; i < n_net; i++)
				print_key("lxc.net.N.", &net[i]);
		}
	}
	return 0;
}
