/* Time as the waits and deadlines of the library count it: milliseconds
 * on CLOCK_MONOTONIC, which no change of the wall clock moves. */
#ifndef LXCMGR_UTIL_CLOCK_H
#define LXCMGR_UTIL_CLOCK_H

/* CLOCK_MONOTONIC in milliseconds. */
long long now_ms(void);

/* Sleeps MS milliseconds, all of them: a signal caught meanwhile (the
 * monitor's SIGCHLD, a timer) does not cut the sleep short. */
void sleep_ms(long ms);

#endif
