/* util/clock: sleep_ms sleeps its whole time even when signals interrupt
 * it. Only lower bounds are checked (a sleep never ends early), which a
 * loaded machine cannot break. */
#include <errno.h>
#include <signal.h>
#include <sys/time.h>

#include "unit.h"
#include "util/clock.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM every 2 ms for as long as the sleep lasts: a sleep of 60 ms in
 * real time cannot pass without one, and each one interrupts nanosleep. */
static void alarms_every_2ms(bool on)
{
	struct sigaction sa = { .sa_handler = on ? on_alarm : SIG_DFL };
	struct itimerval it = { 0 };

	if (on)
		it.it_interval.tv_usec = it.it_value.tv_usec = 2000;
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: nanosleep never restarts anyway */
}

TEST(sleep_ms_sleeps_through_signals)
{
	alarms_every_2ms(true);
	long long start = now_ms();
	sig_atomic_t before = alarms;
	sleep_ms(60);
	sig_atomic_t during = alarms - before;
	long long slept = now_ms() - start;
	alarms_every_2ms(false);

	EXPECT(during > 0, "expected SIGALRM during the sleep, saw none");
	EXPECT(slept >= 60, "expected a sleep of at least 60 ms, saw %lld ms", slept);
}

TEST(sleep_ms_keeps_errno)
{
	errno = ENOENT;
	sleep_ms(1);
	EXPECT_INT(errno, ENOENT);
}

TEST(now_ms_does_not_go_back)
{
	long long a = now_ms();
	sleep_ms(2);
	long long b = now_ms();

	EXPECT(b >= a + 2, "expected %lld >= %lld + 2", b, a);
}

UNIT_MAIN(sleep_ms_sleeps_through_signals, sleep_ms_keeps_errno, now_ms_does_not_go_back)
