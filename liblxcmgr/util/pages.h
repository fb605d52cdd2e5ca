/* Memory a long-lived process gives back. */
#ifndef LXCMGR_UTIL_PAGES_H
#define LXCMGR_UTIL_PAGES_H

/* Unmaps from this process the pages of its executable file mappings
 * (program and library code), so that only the code run from now on
 * counts in its RSS. The pages stay in the page cache and come back on
 * the next call into them; nothing is lost, since code is never written.
 * For the monitor: its set-up runs through most of the library and libc,
 * its loop through little. */
void pages_release_code(void);

#endif
