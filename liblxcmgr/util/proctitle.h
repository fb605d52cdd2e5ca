/* A process's command line as ps shows it, set without touching argv: the
 * kernel reads /proc/PID/cmdline from [arg_start, arg_end), which
 * prctl(PR_SET_MM_MAP) can point at a buffer of ours. PR_SET_MM_MAP needs
 * no CAP_SYS_RESOURCE (the single-field PR_SET_MM_ARG_START does), only a
 * kernel with CONFIG_CHECKPOINT_RESTORE. */
#ifndef LXCMGR_UTIL_PROCTITLE_H
#define LXCMGR_UTIL_PROCTITLE_H

/* Sets the title; 0 or -errno (the old command line stays). The buffer is
 * kept for the life of the process. */
int proctitle_set(const char *title);

#endif
