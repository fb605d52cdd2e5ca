/* Scope-bound cleanup for fds and allocations.
 *
 *   cleanup_free char *s = strdup(x);
 *   cleanup_close int fd = open(...);
 *   return steal_ptr(s);        // hand ownership to the caller
 */
#ifndef LXCMGR_UTIL_CLEANUP_H
#define LXCMGR_UTIL_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_free_fn(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_close_fn(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void cleanup_fclose_fn(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closedir_fn(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* A NULL-terminated array of strings, each owned. */
static inline void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static inline void cleanup_strv_fn(char ***v)
{
	strv_free(*v);
}

#define cleanup_free __attribute__((cleanup(cleanup_free_fn)))
#define cleanup_close __attribute__((cleanup(cleanup_close_fn)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclose_fn)))
#define cleanup_closedir __attribute__((cleanup(cleanup_closedir_fn)))
#define cleanup_strv __attribute__((cleanup(cleanup_strv_fn)))

#define steal_ptr(p)                          \
	({                                    \
		__typeof__(p) steal_tmp_ = (p); \
		(p) = NULL;                   \
		steal_tmp_;                   \
	})

#define steal_fd(fd)                   \
	({                             \
		int steal_tmp_ = (fd); \
		(fd) = -1;             \
		steal_tmp_;            \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
