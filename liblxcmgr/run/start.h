/* Shared by start.c (the monitor side) and stop.c (clients). */
#ifndef LXCMGR_RUN_START_H
#define LXCMGR_RUN_START_H

struct lxcmgr_ctx;

/* "<runtime>/c/<hash>.init": init's pid and start time, written by the
 * monitor, so lxc-stop -k can find init after the monitor was killed. */
char *start_init_record_path(const struct lxcmgr_ctx *ctx, const char *name);

/* Field 22 of /proc/PID/stat (0 when gone): tells a pid from its reuse. */
unsigned long long start_process_start_time(int pid);

#endif
