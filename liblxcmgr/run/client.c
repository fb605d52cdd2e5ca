/* Asking a running container's monitor about it: state, init pid, a
 * config item. Apart from start.c, so that the tools that only ask (the
 * static lxc-info) carry none of the monitor's code. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "container.h"
#include "run/proto.h"
#include "util/cleanup.h"
#include "util/error.h"

/* One call to NAME's monitor; -ESRCH when it is not running. */
static int ask(struct lxcmgr_container *c, uint32_t cmd, int32_t arg, const char *data,
	       char **reply, int *fd_out)
{
	cleanup_close int fd = -1;
	int ret = proto_connect(c->ctx, c->name, &fd);

	ret = ret ?: proto_call(fd, cmd, arg, data, data ? (uint32_t)strlen(data) : 0, reply,
				NULL, fd_out);
	/* A monitor's -ESRCH stays; one that ended meanwhile is the same. */
	return ret != -ESRCH && proto_monitor_gone(ret) ? -ESRCH : ret;
}

static int ask_int(struct lxcmgr_container *c, uint32_t cmd, int *value)
{
	cleanup_free char *reply = NULL;
	int ret = ask(c, cmd, 0, NULL, &reply, NULL);

	if (ret == 0 && reply)
		memcpy(value, reply, sizeof(*value));
	return ret;
}

LXCMGR_PUBLIC int lxcmgr_container_state(struct lxcmgr_container *c)
{
	int state = LXCMGR_STATE_STOPPED;
	int ret = ask_int(c, CMD_STATE, &state);

	return ret == -ESRCH ? LXCMGR_STATE_STOPPED : ret < 0 ? ret : state;
}

LXCMGR_PUBLIC int lxcmgr_container_init_pid(struct lxcmgr_container *c)
{
	int pid = -1;
	int ret = ask_int(c, CMD_INIT_PID, &pid);

	return ret < 0 ? ret : pid;
}

LXCMGR_PUBLIC int lxcmgr_container_get_running_item(struct lxcmgr_container *c, const char *key,
						    char **value, lxcmgr_error **err)
{
	*value = NULL;
	int ret = ask(c, CMD_CONFIG_ITEM, 0, key, value, NULL);

	if (ret == -ESRCH)
		return error_msg(err, ESRCH, "container \"%s\" is not running", c->name);
	if (ret < 0 && *value) {
		/* The monitor's own words: "lxc.nope: unknown key (did you mean ...)". */
		ret = error_msg(err, -ret, "%s", *value);
		free(*value);
		*value = NULL;
		return ret;
	}
	if (ret < 0)
		return error_set(err, -ret, "%s", key);
	if (!*value)
		*value = strdup("");
	return 0;
}

LXCMGR_PUBLIC int lxcmgr_state_from_name(const char *name)
{
	for (int s = LXCMGR_STATE_STOPPED; s <= LXCMGR_STATE_THAWED; s++)
		if (strcasecmp(name, lxcmgr_state_name(s)) == 0)
			return s;
	return -EINVAL;
}
