/* lxc-checkconfig's probes. (stub: filled in by the host-check work) */
#include <errno.h>
#include <stdlib.h>

#include "lxcmgr.h"

LXCMGR_PUBLIC int lxcmgr_check_host(struct lxcmgr_check **checks, size_t *count,
				    lxcmgr_error **err)
{
	*checks = NULL;
	*count = 0;
	return 0;
}

LXCMGR_PUBLIC void lxcmgr_checks_free(struct lxcmgr_check *checks, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(checks[i].group);
		free(checks[i].name);
		free(checks[i].detail);
	}
	free(checks);
}
