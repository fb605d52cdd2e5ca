/* The system config, <config_dir>/lxc.conf: where containers live and which
 * defaults new containers get. Same "key = value" format as container
 * configs, with its own keys (lxc-config -l lists them). */
#ifndef LXCMGR_CONF_SYSTEM_H
#define LXCMGR_CONF_SYSTEM_H

#include "lxcmgr.h"

#define SYSTEM_CONFIG_NKEYS 7

struct system_config {
	char *values[SYSTEM_CONFIG_NKEYS]; /* NULL: the default applies */
};

/* Loads PATH; a missing file leaves every default in place. */
int system_config_load(struct system_config *sc, const char *config_dir, const char *path,
		       lxcmgr_error **err);
/* The value in force (the file's, else the default); NULL for unknown keys. */
const char *system_config_value(const struct system_config *sc, const char *key);
/* Replaces KEY's built-in default with VALUE (an ordinary user's defaults);
 * a value from the file stays. */
int system_config_set_default(struct system_config *sc, const char *key, const char *value);
/* Sets KEY to VALUE whatever the file said. */
int system_config_override(struct system_config *sc, const char *key, const char *value);
void system_config_release(struct system_config *sc);

#endif
