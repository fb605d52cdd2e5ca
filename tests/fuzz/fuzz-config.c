/* libFuzzer target for the config parser and writer.
 *
 * Property: any text either fails to load with a message, or loads; and a
 * config that loads, once rendered and loaded again, has the same effective
 * keys and values. Built by tests/fuzz/build.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

static void same_items(struct conf *a, struct conf *b)
{
	char **keys = conf_keys(a);

	for (size_t i = 0; keys && keys[i]; i++) {
		char *va = NULL, *vb = NULL;
		if (conf_get(a, keys[i], &va, NULL) < 0 || conf_get(b, keys[i], &vb, NULL) < 0 ||
		    strcmp(va, vb) != 0)
			abort(); /* the round trip changed a value */
		free(va);
		free(vb);
	}
	for (size_t i = 0; keys && keys[i]; i++)
		free(keys[i]);
	free(keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct conf *c = conf_new(), *again = conf_new();
	lxcmgr_error *err = NULL;

	if (!text || !c || !again)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_load_text(c, "/nonexistent/fuzz.conf", text, &err) == 0) {
		char *rendered = conf_render(c);
		if (!rendered || conf_load_text(again, "/nonexistent/fuzz.conf", rendered, NULL) < 0)
			abort(); /* what we write must load */
		same_items(c, again);
		free(rendered);
	} else if (!err || !err->msg || !*err->msg) {
		abort(); /* every failure says why */
	}
	lxcmgr_error_free(err);
	conf_free(c);
	conf_free(again);
	free(text);
	return 0;
}
