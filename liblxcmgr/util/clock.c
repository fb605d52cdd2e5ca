#include <errno.h>
#include <time.h>

#include "util/clock.h"

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
	struct timespec left = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	int saved = errno;

	/* nanosleep leaves in LEFT what remains when a handler interrupts it. */
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
	errno = saved;
}
