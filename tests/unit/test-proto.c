/* The command socket (framing, fds, paths, stale sockets) and the monitor
 * loop, served from a thread to a fake init (a forked child that pauses). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "conf/conf.h"
#include "container.h"
#include "ctx.h"
#include "run/monitor.h"
#include "run/proto.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/str.h"

static char tmpdir[] = "/tmp/lxcmgr-test-proto.XXXXXX";
static char runtime[256];
static struct lxcmgr_ctx ctx;

/* ------------------------------------------------------------ helpers */

static int count_fds(void)
{
	cleanup_closedir DIR *d = opendir("/proc/self/fd");
	int n = 0;

	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	return n;
}

static bool is_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);
	return flags >= 0 && (flags & FD_CLOEXEC);
}

/* The "Pid:" line of a pidfd's fdinfo. */
static int pidfd_pid(int fd)
{
	cleanup_free char *path = str_printf("/proc/self/fdinfo/%d", fd);
	cleanup_free char *text = NULL;

	if (!path || file_read(path, 4096, &text, NULL) < 0)
		return -1;
	char *p = strstr(text, "\nPid:");
	return p ? atoi(p + 5) : -1;
}

/* One i32; -100 on end of stream, -200 when none comes within 60 s (a guard
 * against a hang, not a timing check: a loaded machine can take seconds). */
static int read_i32(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int32_t v;

	if (poll(&p, 1, 60000) != 1)
		return -200;
	ssize_t n = read(fd, &v, sizeof(v));
	return n == (ssize_t)sizeof(v) ? v : -100;
}

static pid_t fake_init(int *pidfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* As spawn.c's child: default dispositions, or a suite run
		 * under nohup (SIGHUP ignored) would keep this init alive. */
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return pid;
}

static int call_i32(int fd, uint32_t cmd, int32_t arg, int32_t *out)
{
	cleanup_free char *data = NULL;
	uint32_t len = 0;
	int ret = proto_call(fd, cmd, arg, NULL, 0, &data, &len, NULL);

	if (ret == 0 && (len != sizeof(*out) || !data))
		return -EBADMSG;
	if (ret == 0)
		memcpy(out, data, sizeof(*out));
	return ret;
}

static int connect_web(void)
{
	int fd = -1;
	int ret = proto_connect(&ctx, "web", &fd);
	return ret < 0 ? ret : fd;
}

/* ------------------------------------------------------------ framing */

TEST(socket_path_is_frozen)
{
	struct lxcmgr_ctx c = { .runtime_dir = (char *)"/run/lxcmgr", .lxcpath = (char *)"/var/lib/lxc" };
	cleanup_free char *a = proto_socket_path(&c, "web");
	cleanup_free char *b = proto_socket_path(&c, "web2");

	/* FNV-1a 64 of "/var/lib/lxc/web": clients of other versions find it too. */
	EXPECT_STR(a, "/run/lxcmgr/c/cc01d6c6d7cbe7dc.sock");
	EXPECT(b && a && strcmp(a, b) != 0, "another name, another socket: %s", b);
}

TEST(round_trip_with_data_and_fd)
{
	int sp[2], pipefd[2];
	cleanup_free char *req_data = NULL, *data = NULL;
	struct proto_request req;
	uint32_t len = 0;
	int got = -1;

	EXPECT_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	EXPECT_INT(pipe2(pipefd, O_CLOEXEC), 0);
	/* The reply waits in the buffer; the call sends, then reads it. */
	EXPECT_INT(proto_send_reply(sp[1], -ENOENT, "value", 5, pipefd[1]), 0);
	close(pipefd[1]);
	EXPECT_INT(proto_call(sp[0], CMD_CONFIG_ITEM, 7, "lxc.uts.name", 12, &data, &len, &got),
		   -ENOENT);
	EXPECT_STR(data, "value");
	EXPECT_INT(len, 5);
	EXPECT(got >= 0 && is_cloexec(got), "an O_CLOEXEC fd came with the reply: %d", got);
	EXPECT_INT(write(got, "hi", 2), 2);
	char buf[3] = { 0 };
	EXPECT_INT(read(pipefd[0], buf, 2), 2);
	EXPECT_STR(buf, "hi");
	/* The server sees exactly what was sent. */
	EXPECT_INT(proto_recv_request(sp[1], &req, &req_data), 0);
	EXPECT_INT(req.version, PROTO_VERSION);
	EXPECT_INT(req.cmd, CMD_CONFIG_ITEM);
	EXPECT_INT(req.arg, 7);
	EXPECT_STR(req_data, "lxc.uts.name");
	/* No data, no fd: NULL and -1. */
	free(data);
	data = (char *)"x";
	EXPECT_INT(proto_send_reply(sp[1], 0, NULL, 0, -1), 0);
	EXPECT_INT(proto_call(sp[0], CMD_STATE, 0, NULL, 0, &data, &len, &got), 0);
	EXPECT(data == NULL && len == 0, "no data: %p %u", (void *)data, len);
	EXPECT_INT(got, -1);
	close(sp[0]);
	close(sp[1]);
	close(pipefd[0]);
}

TEST(bad_version_and_oversize)
{
	int sp[2];
	struct proto_request req = { .version = 2, .cmd = CMD_STATE };
	cleanup_free char *data = NULL;
	char big[16];

	EXPECT_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	EXPECT_INT(write(sp[0], &req, sizeof(req)), sizeof(req));
	EXPECT_INT(proto_recv_request(sp[1], &req, &data), -EPROTO);
	req = (struct proto_request){ .version = PROTO_VERSION, .len = PROTO_MAX_DATA + 1 };
	EXPECT_INT(write(sp[0], &req, sizeof(req)), sizeof(req));
	EXPECT_INT(proto_recv_request(sp[1], &req, &data), -EMSGSIZE);
	/* Refused before anything is sent. */
	EXPECT_INT(proto_call(sp[0], CMD_STATE, 0, big, PROTO_MAX_DATA + 1, NULL, NULL, NULL),
		   -EMSGSIZE);
	EXPECT_INT(proto_send_reply(sp[1], 0, big, PROTO_MAX_DATA + 1, -1), -EMSGSIZE);
	/* An oversize reply is refused by the client. */
	struct proto_reply rep = { .ret = 0, .len = PROTO_MAX_DATA + 1 };
	EXPECT_INT(write(sp[1], &rep, sizeof(rep)), sizeof(rep));
	EXPECT_INT(proto_call(sp[0], CMD_STATE, 0, NULL, 0, NULL, NULL, NULL), -EMSGSIZE);
	/* A peer gone mid-message. */
	EXPECT_INT(write(sp[1], &rep, 3), 3);
	shutdown(sp[1], SHUT_WR);
	EXPECT_INT(proto_call(sp[0], CMD_STATE, 0, NULL, 0, NULL, NULL, NULL), -ECONNRESET);
	close(sp[1]);
	EXPECT_INT(proto_call(sp[0], CMD_STATE, 0, NULL, 0, NULL, NULL, NULL), -EPIPE);
	close(sp[0]);
}

TEST(listen_and_connect)
{
	cleanup_free char *path = proto_socket_path(&ctx, "web");
	cleanup_free char *cdir = str_printf("%s/c", runtime);
	int lfd = -1, cfd = -1;
	struct stat st;

	EXPECT_INT(proto_connect(&ctx, "web", &cfd), -ENOENT);
	EXPECT_INT(proto_listen(path, &lfd), 0);
	EXPECT(stat(runtime, &st) == 0 && (st.st_mode & 07777) == 0755, "runtime dir 0755: %o",
	       st.st_mode & 07777);
	EXPECT(stat(cdir, &st) == 0 && (st.st_mode & 07777) == 0700, "socket dir 0700: %o",
	       st.st_mode & 07777);
	EXPECT(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600,
	       "socket 0600: %o", st.st_mode & 07777);
	EXPECT(is_cloexec(lfd), "listening socket is O_CLOEXEC");
	EXPECT_INT(proto_connect(&ctx, "web", &cfd), 0);
	EXPECT(is_cloexec(cfd), "client socket is O_CLOEXEC");
	int sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	EXPECT(sfd >= 0, "accepted: %s", strerror(errno));
	EXPECT_INT(proto_peer_allowed(sfd), 0);
	/* A live socket is not taken over. */
	int other = -1;
	EXPECT_INT(proto_listen(path, &other), -EADDRINUSE);
	EXPECT(path_exists(path), "the live socket file is still there");
	close(sfd);
	close(cfd);
	/* Its server gone, the file is stale and is replaced. */
	close(lfd);
	EXPECT(path_exists(path), "a stale socket file is left: %s", path);
	EXPECT_INT(proto_connect(&ctx, "web", &cfd), -ECONNREFUSED);
	EXPECT_INT(proto_listen(path, &lfd), 0);
	EXPECT_INT(proto_connect(&ctx, "web", &cfd), 0);
	close(cfd);
	close(lfd);
	unlink(path);
}

/* Root only: a peer of another uid is refused. */
TEST(peer_of_other_uid_refused)
{
	if (geteuid() != 0) {
		printf("# skipped: needs root\n");
		return;
	}
	cleanup_free char *path = str_printf("%s/open.sock", tmpdir);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	chmod(tmpdir, 0755);
	EXPECT_INT(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	chmod(path, 0777);
	EXPECT_INT(listen(lfd, 1), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (setresuid(65534, 65534, 65534) < 0 ||
		    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			_exit(1);
		char c;
		_exit(read(fd, &c, 1) == 0 ? 0 : 2);
	}
	int sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	EXPECT_INT(proto_peer_allowed(sfd), -EACCES);
	close(sfd);
	int status = -1;
	waitpid(pid, &status, 0);
	EXPECT_INT(status, 0);
	close(lfd);
	unlink(path);
	chmod(tmpdir, 0700);
}

/* Root only: a socket directory or a server of another uid is not trusted. */
TEST(foreign_owner_refused)
{
	if (geteuid() != 0) {
		printf("# skipped: needs root\n");
		return;
	}
	cleanup_free char *rt = str_printf("%s/other", tmpdir);
	cleanup_free char *cdir = str_printf("%s/other/c", tmpdir);
	struct lxcmgr_ctx other = { .runtime_dir = rt, .lxcpath = (char *)"/var/lib/lxc" };
	cleanup_free char *path = proto_socket_path(&other, "web");
	int ready[2], fd = -1;
	char c = 0;

	chmod(tmpdir, 0755);
	EXPECT_INT(mkdir_p(cdir, 0755), 0);
	EXPECT_INT(chown(cdir, 65534, 65534), 0);
	EXPECT_INT(pipe2(ready, O_CLOEXEC), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int lfd = -1;
		close(ready[0]);
		if (setresuid(65534, 65534, 65534) < 0 || proto_listen(path, &lfd) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause(); /* listening until killed */
	}
	close(ready[1]);
	EXPECT_INT(read(ready[0], &c, 1), 1);
	EXPECT_INT(proto_connect(&other, "web", &fd), -EACCES);
	EXPECT_INT(proto_listen(path, &fd), -EPERM);
	close(ready[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	chmod(tmpdir, 0700);
}

/* ------------------------------------------------------------ the monitor */

struct fake {
	struct monitor m;
	struct start_plan plan;
	struct lxcmgr_container c;
	int stopped_calls;
	int respawn_calls;
	int respawn_ret;
	int loop_ret;
	pthread_t thread;
};

static int stub_respawn(struct monitor *m, lxcmgr_error **err)
{
	struct fake *f = (struct fake *)m;

	f->respawn_calls++;
	if (f->respawn_ret < 0) {
		*err = calloc(1, sizeof(**err));
		(*err)->status = -f->respawn_ret;
		(*err)->msg = strdup("respawn stub fails");
		return f->respawn_ret;
	}
	m->init_pid = fake_init(&m->init_pidfd);
	return 0;
}

static void stub_stopped(struct monitor *m)
{
	((struct fake *)m)->stopped_calls++;
}

static const struct monitor_ops stub_ops = { .respawn = stub_respawn, .stopped = stub_stopped };

static void *loop_thread(void *data)
{
	struct fake *f = data;

	f->loop_ret = monitor_loop(&f->m);
	return NULL;
}

/* A listening monitor with a running fake init; the loop not started. */
static void fake_setup(struct fake *f, unsigned ttys)
{
	lxcmgr_error *err = NULL;

	memset(f, 0, sizeof(*f));
	f->c = (struct lxcmgr_container){ .ctx = &ctx, .name = (char *)"web", .conf = conf_new() };
	conf_load_text(f->c.conf, "config", "lxc.uts.name = box\nlxc.tty.max = 2\n", &err);
	f->plan.tty_max = ttys;
	f->m = (struct monitor){ .c = &f->c, .plan = &f->plan, .ops = &stub_ops,
				 .init_pidfd = -1, .listen_fd = -1, .console_master = -1,
				 .fg_in = -1, .fg_out = -1, .lock_fd = -1 };
	f->m.tty_masters = calloc(ttys ? ttys : 1, sizeof(int));
	for (unsigned i = 0; i < ttys; i++)
		f->m.tty_masters[i] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	EXPECT_INT(monitor_listen(&f->m, &err), 0);
	EXPECT(err == NULL, "no error: %s", err ? err->msg : "");
	lxcmgr_error_free(err);
	EXPECT_INT(f->m.state, LXCMGR_STATE_STARTING);
	f->m.init_pid = fake_init(&f->m.init_pidfd);
	EXPECT(f->m.init_pidfd >= 0, "pidfd_open: %s", strerror(errno));
}

/* A pty as the container's console (f->m.console_master); returns the
 * slave, init's side, in raw mode when RAW (bytes pass as written). */
static int fake_console(struct fake *f, bool raw)
{
	int console = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	unlockpt(console);
	int slave = open(ptsname(console), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (raw) {
		struct termios tio;
		tcgetattr(slave, &tio);
		cfmakeraw(&tio);
		tcsetattr(slave, TCSANOW, &tio);
	}
	f->m.console_master = console;
	return slave;
}

static void fake_run(struct fake *f)
{
	monitor_set_state(&f->m, LXCMGR_STATE_RUNNING);
	pthread_create(&f->thread, NULL, loop_thread, f);
}

static void fake_end(struct fake *f)
{
	pthread_join(f->thread, NULL);
	EXPECT_INT(f->loop_ret, 0);
	EXPECT(!path_exists(f->m.socket_path), "socket removed: %s", f->m.socket_path);
	monitor_release(&f->m);
	conf_free(f->c.conf);
}

/* Subscribes; the reply carries the state of the moment. */
static int subscribe(void)
{
	int fd = connect_web();
	int32_t state = -1;

	EXPECT_INT(call_i32(fd, CMD_SUBSCRIBE, 0, &state), 0);
	EXPECT_INT(state, LXCMGR_STATE_RUNNING);
	return fd;
}

/* A monitor that missed the test's point would serve for ever: kill
 * whatever init runs, so that fake_end() returns. */
static void stop_for_sure(void)
{
	int fd = connect_web();

	if (fd >= 0) {
		proto_call(fd, CMD_HALT, SIGKILL, NULL, 0, NULL, NULL, NULL);
		close(fd);
	}
}

static void expect_states(int fd, const int *states, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = read_i32(fd);
		EXPECT(got == states[i], "state %zu: expected %s, saw %d (%s)", i,
		       lxcmgr_state_name(states[i]), got, got >= 0 ? lxcmgr_state_name(got) : "-");
	}
	EXPECT_INT(read_i32(fd), -100);
}

/* The subscriber on FD sees the container stop, and nothing after. */
static void expect_stops(int fd)
{
	static const int states[] = { LXCMGR_STATE_STOPPING, LXCMGR_STATE_STOPPED };

	expect_states(fd, states, ARRAY_SIZE(states));
}

/* A lock on PATH as store_lock takes it; -1 when someone else holds it. */
static int take_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

TEST(monitor_serves_and_stops)
{
	int fds_before = count_fds();
	char lock_path[] = "/tmp/lxcmgr-test-proto-lock.XXXXXX";
	int made = mkstemp(lock_path);
	struct fake f;

	EXPECT(made >= 0, "mkstemp: %s", strerror(errno));
	close(made);
	fake_setup(&f, 0);
	f.m.lock_fd = take_lock(lock_path);
	EXPECT(f.m.lock_fd >= 0, "the monitor's lock on %s", lock_path);
	fake_run(&f);
	int fd = connect_web();
	int32_t v = -1;
	EXPECT_INT(call_i32(fd, CMD_STATE, 0, &v), 0);
	EXPECT_INT(v, LXCMGR_STATE_RUNNING);
	EXPECT_INT(call_i32(fd, CMD_INIT_PID, 0, &v), 0);
	EXPECT_INT(v, f.m.init_pid);
	int pidfd = -1;
	EXPECT_INT(proto_call(fd, CMD_INIT_PIDFD, 0, NULL, 0, NULL, NULL, &pidfd), 0);
	EXPECT_INT(pidfd_pid(pidfd), f.m.init_pid);
	EXPECT(is_cloexec(pidfd), "the pidfd is O_CLOEXEC");
	close(pidfd);
	cleanup_free char *value = NULL, *msg = NULL;
	EXPECT_INT(proto_call(fd, CMD_CONFIG_ITEM, 0, "lxc.uts.name", 12, &value, NULL, NULL), 0);
	EXPECT_STR(value, "box");
	EXPECT_INT(proto_call(fd, CMD_CONFIG_ITEM, 0, "lxc.utsname.x", 13, &msg, NULL, NULL),
		   -EINVAL);
	EXPECT_CONTAINS(msg, "lxc.utsname.x");
	/* lxc-attach's one question; with no attach server to start, an
	 * empty path (lxc-attach then takes its own path). */
	cleanup_free char *info = NULL;
	uint32_t info_len = 0;
	struct proto_attach_info ai = { 0 };
	setenv("LXCMGR_ATTACHD_PATH", "/nonexistent/lxcmgr-attachd", 1);
	EXPECT_INT(proto_call(fd, CMD_ATTACH, 0, NULL, 0, &info, &info_len, &pidfd), 0);
	EXPECT_INT(pidfd_pid(pidfd), f.m.init_pid);
	close(pidfd);
	EXPECT(info_len == sizeof(ai) + 1, "attach info of %u bytes", info_len);
	if (info && info_len >= sizeof(ai))
		memcpy(&ai, info, sizeof(ai));
	EXPECT_INT(ai.init_pid, f.m.init_pid);
	EXPECT_INT(ai.path_len, 1);
	EXPECT_INT(f.m.attachd_pid, 0);
	EXPECT_INT(proto_call(fd, 99, 0, NULL, 0, NULL, NULL, NULL), -EOPNOTSUPP);
	EXPECT_INT(proto_call(fd, CMD_STOP, 1000, NULL, 0, NULL, NULL, NULL), -EINVAL);
	EXPECT_INT(proto_call(fd, CMD_CONSOLE, -1, NULL, 0, NULL, NULL, NULL), -EINVAL);
	EXPECT_INT(proto_call(fd, CMD_CONSOLE, 0, NULL, 0, NULL, NULL, NULL), -EINVAL);
	int sub = subscribe();
	int busy = take_lock(lock_path);
	EXPECT(busy < 0, "the lock is free while the container runs");
	if (busy >= 0)
		close(busy);
	EXPECT_INT(proto_call(fd, CMD_STOP, SIGTERM, NULL, 0, NULL, NULL, NULL), 0);
	expect_stops(sub);
	/* Once STOPPED is out, a start that follows finds the container free. */
	int lock = take_lock(lock_path);
	EXPECT(lock >= 0, "the monitor let go of the lock before STOPPED");
	if (lock >= 0)
		close(lock);
	unlink(lock_path);
	close(sub);
	close(fd);
	fake_end(&f);
	EXPECT_INT(f.stopped_calls, 1);
	EXPECT_INT(f.respawn_calls, 0);
	EXPECT(WIFSIGNALED(f.m.init_status) && WTERMSIG(f.m.init_status) == SIGTERM,
	       "init killed by SIGTERM: status %#x", f.m.init_status);
	EXPECT_INT(connect_web(), -ENOENT);
	EXPECT_INT(count_fds(), fds_before);
}

/* Garbage from one client neither ends the loop nor stops it serving. */
TEST(monitor_survives_bad_clients)
{
	struct fake f;

	fake_setup(&f, 0);
	fake_run(&f);
	struct proto_request bad = { .version = 9, .cmd = CMD_STATE };
	struct proto_reply rep = { 0 };
	int fd = connect_web();
	EXPECT_INT(write(fd, &bad, sizeof(bad)), sizeof(bad));
	EXPECT_INT(read(fd, &rep, sizeof(rep)), sizeof(rep));
	EXPECT_INT(rep.ret, -EPROTO);
	EXPECT_INT(read(fd, &rep, sizeof(rep)), 0);
	close(fd);
	bad = (struct proto_request){ .version = PROTO_VERSION, .len = 1u << 30 };
	fd = connect_web();
	EXPECT_INT(write(fd, &bad, sizeof(bad)), sizeof(bad));
	EXPECT_INT(read(fd, &rep, sizeof(rep)), sizeof(rep));
	EXPECT_INT(rep.ret, -EMSGSIZE);
	close(fd);
	/* Half a header, then gone; half a header, then silence (timed out). */
	fd = connect_web();
	EXPECT_INT(write(fd, &bad, 5), 5);
	close(fd);
	int stall = connect_web();
	EXPECT_INT(write(stall, &bad, 5), 5);
	fd = connect_web();
	int32_t v = -1;
	EXPECT_INT(call_i32(fd, CMD_STATE, 0, &v), 0);
	EXPECT_INT(v, LXCMGR_STATE_RUNNING);
	EXPECT_INT(read(stall, &rep, sizeof(rep)), 0);
	close(stall);
	EXPECT_INT(proto_call(fd, CMD_STOP, 0, NULL, 0, NULL, NULL, NULL), 0);
	close(fd);
	fake_end(&f);
	EXPECT(WIFSIGNALED(f.m.init_status) && WTERMSIG(f.m.init_status) == SIGKILL,
	       "arg 0 is SIGKILL: status %#x", f.m.init_status);
}

TEST(monitor_ttys)
{
	struct fake f;

	fake_setup(&f, 2);
	/* Held as init would: a console without a reader must not block it. */
	int slave = fake_console(&f, false);
	fake_run(&f);
	int a = connect_web(), b = connect_web(), fd = -1;
	int t1 = -1, t2 = -1, c0 = -1;
	EXPECT_INT(proto_call(a, CMD_CONSOLE, 1, NULL, 0, NULL, NULL, &t1), 0);
	EXPECT(t1 >= 0 && ptsname(t1), "tty 1 is a pty master");
	EXPECT_INT(proto_call(b, CMD_CONSOLE, 1, NULL, 0, NULL, NULL, NULL), -EBUSY);
	EXPECT_INT(proto_call(b, CMD_CONSOLE, 3, NULL, 0, NULL, NULL, NULL), -EINVAL);
	EXPECT_INT(proto_call(b, CMD_CONSOLE, -2, NULL, 0, NULL, NULL, NULL), -EINVAL);
	EXPECT_INT(proto_call(b, CMD_CONSOLE, -1, NULL, 0, NULL, NULL, &t2), 0);
	EXPECT(t2 >= 0 && ptsname(t2) && strcmp(ptsname(t2), ptsname(f.m.tty_masters[1])) == 0,
	       "the first free tty is tty 2");
	fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_CONSOLE, -1, NULL, 0, NULL, NULL, NULL), -EBUSY);
	close(t1);
	close(a); /* tty 1 is free again once the monitor has seen the close */
	int ret = -EBUSY;
	for (int i = 0; i < 100 && ret == -EBUSY; i++) {
		ret = proto_call(fd, CMD_CONSOLE, -1, NULL, 0, NULL, NULL, &t1);
		if (ret == -EBUSY)
			usleep(10000);
	}
	EXPECT_INT(ret, 0);
	EXPECT(t1 >= 0 && ptsname(t1) && strcmp(ptsname(t1), ptsname(f.m.tty_masters[0])) == 0,
	       "tty 1 again");
	EXPECT_INT(proto_call(b, CMD_CONSOLE, 0, NULL, 0, NULL, NULL, NULL), -EBUSY);
	close(fd);
	fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_CONSOLE, 0, NULL, 0, NULL, NULL, &c0), 0);
	close(fd);
	/* The console, released, is drained by the monitor again. */
	pid_t w = fork();
	if (w == 0) {
		char buf[4096];
		alarm(10);
		memset(buf, 'x', sizeof(buf));
		for (int i = 0; i < 256; i++)
			if (write(slave, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				_exit(1);
		_exit(0);
	}
	int status = -1;
	waitpid(w, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "1 MiB to the console without a reader: status %#x", status);
	fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_STOP, 0, NULL, 0, NULL, NULL, NULL), 0);
	close(fd);
	close(b);
	close(t1);
	close(t2);
	close(c0);
	close(slave);
	fake_end(&f);
}

/* Reads from FD until WANT shows up (the monitor may pass it in pieces). */
static bool read_until(int fd, const char *want)
{
	char buf[8192];
	size_t have = 0;

	while (have < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return false;
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, want))
			return true;
	}
	return false;
}

static char *buffer_of(int fd, int clear)
{
	int mfd = -1;
	char *text = calloc(1, 65536);

	EXPECT_INT(proto_call(fd, CMD_CONSOLE_BUFFER, clear, NULL, 0, NULL, NULL, &mfd), 0);
	if (mfd >= 0 && read(mfd, text, 65535) < 0)
		text[0] = '\0';
	if (mfd >= 0)
		close(mfd);
	return text;
}

/* CMD_CONSOLE_OPEN 0: the console through the monitor, which keeps the
 * ring buffer going meanwhile; one client at a time; the size; a slow
 * client loses nothing. */
TEST(monitor_console_proxy)
{
	struct fake f;

	fake_setup(&f, 1);
	int slave = fake_console(&f, true);
	EXPECT_INT(console_ring_init(&f.m.console_ring, 4096), 0);
	fake_run(&f);
	int a = connect_web(), b = connect_web(), s = -1, t = -1;
	cleanup_free char *data = NULL;
	uint32_t len = 0;
	EXPECT_INT(proto_call(a, CMD_CONSOLE_OPEN, 0, NULL, 0, &data, &len, &s), 0);
	EXPECT(s >= 0 && ptsname(s) == NULL, "the console is a stream, not the pty master");
	EXPECT(len == 4 && data && *(int32_t *)data == 0, "tty 0");
	EXPECT_INT(proto_call(b, CMD_CONSOLE_OPEN, 0, NULL, 0, NULL, NULL, NULL), -EBUSY);
	EXPECT_INT(proto_call(b, CMD_CONSOLE, 0, NULL, 0, NULL, NULL, NULL), -EBUSY);
	/* Output reaches the client and the ring buffer; input reaches init. */
	EXPECT_INT(write(slave, "hello-out", 9), 9);
	EXPECT(read_until(s, "hello-out"), "the client saw the output");
	cleanup_free char *ring = buffer_of(b, 0);
	EXPECT_CONTAINS(ring, "hello-out");
	EXPECT_INT(write(s, "typed", 5), 5);
	char in[8] = { 0 };
	EXPECT_INT(read(slave, in, 5), 5);
	EXPECT_STR(in, "typed");
	/* The window size, through the connection that holds the console. */
	struct winsize ws = { .ws_row = 33, .ws_col = 111 }, got = { 0 };
	EXPECT_INT(proto_call(a, CMD_CONSOLE_WINSIZE, 0, &ws, sizeof(ws), NULL, NULL, NULL), 0);
	EXPECT_INT(ioctl(slave, TIOCGWINSZ, &got), 0);
	EXPECT(got.ws_row == 33 && got.ws_col == 111, "size %ux%u", got.ws_row, got.ws_col);
	EXPECT_INT(proto_call(b, CMD_CONSOLE_WINSIZE, 0, &ws, sizeof(ws), NULL, NULL, NULL),
		   -ENOTCONN);
	/* 1 MiB while the client reads nothing: the container waits, nothing is
	 * lost, and the monitor still answers. */
	pid_t w = fork();
	if (w == 0) {
		char buf[4096];
		alarm(20);
		for (int i = 0; i < 256; i++) {
			memset(buf, 'a' + i % 26, sizeof(buf));
			if (write(slave, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				_exit(1);
		}
		_exit(0);
	}
	int32_t v = -1;
	EXPECT_INT(call_i32(b, CMD_STATE, 0, &v), 0);
	size_t total = 0;
	char buf[65536];
	bool in_order = true;
	while (total < (1u << 20)) {
		ssize_t n = read(s, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			in_order &= buf[i] == 'a' + (int)((total + (size_t)i) / 4096 % 26);
		total += (size_t)n;
	}
	int status = -1;
	waitpid(w, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer: status %#x", status);
	EXPECT_INT(total, 1u << 20);
	EXPECT(in_order, "every byte, in order");
	/* Letting go of the stream frees the console; -B empties with clear. */
	close(s);
	int ret = -EBUSY;
	for (int i = 0; i < 100 && ret == -EBUSY; i++) {
		ret = proto_call(b, CMD_CONSOLE_OPEN, 0, NULL, 0, NULL, NULL, &t);
		if (ret == -EBUSY)
			usleep(10000);
	}
	EXPECT_INT(ret, 0);
	cleanup_free char *full = buffer_of(a, 1);
	EXPECT_INT(strlen(full), 4096);
	cleanup_free char *empty = buffer_of(a, 0);
	EXPECT_STR(empty, "");
	/* A tty: its master, and its number. */
	int fd = connect_web(), m1 = -1;
	free(data);
	data = NULL;
	EXPECT_INT(proto_call(fd, CMD_CONSOLE_OPEN, -1, NULL, 0, &data, &len, &m1), 0);
	EXPECT(len == 4 && data && *(int32_t *)data == 1, "the first free tty is 1");
	EXPECT(m1 >= 0 && ptsname(m1), "a tty is its pty master");
	EXPECT_INT(proto_call(fd, CMD_STOP, 0, NULL, 0, NULL, NULL, NULL), 0);
	/* The monitor closes the held connections when the container stops. */
	char c;
	EXPECT_INT(read(b, &c, 1), 0);
	close(fd);
	close(m1);
	close(t);
	close(a);
	close(b);
	close(slave);
	fake_end(&f);
}

TEST(monitor_reboot)
{
	struct fake f;

	fake_setup(&f, 0);
	fake_run(&f);
	pid_t first = f.m.init_pid;
	int sub = subscribe();
	/* reboot(2) in a pid namespace: init dies of SIGHUP. */
	kill(first, SIGHUP);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_STOPPING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_STARTING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_RUNNING);
	int fd = connect_web();
	int32_t pid = -1;
	EXPECT_INT(call_i32(fd, CMD_INIT_PID, 0, &pid), 0);
	EXPECT(pid > 0 && pid != first, "a new init: %d (the first was %d)", pid, first);
	EXPECT_INT(proto_call(fd, CMD_STOP, SIGTERM, NULL, 0, NULL, NULL, NULL), 0);
	expect_stops(sub);
	close(fd);
	close(sub);
	fake_end(&f);
	EXPECT_INT(f.stopped_calls, 2);
	EXPECT_INT(f.respawn_calls, 1);
}

TEST(monitor_reboot_fails)
{
	struct fake f;

	fake_setup(&f, 0);
	f.respawn_ret = -EIO;
	f.m.intent = MONITOR_INTENT_REBOOT;
	fake_run(&f);
	int sub = subscribe();
	kill(f.m.init_pid, SIGTERM);
	static const int states[] = { LXCMGR_STATE_STOPPING, LXCMGR_STATE_STARTING,
				      LXCMGR_STATE_STOPPED };
	expect_states(sub, states, ARRAY_SIZE(states));
	close(sub);
	fake_end(&f);
	EXPECT_INT(f.stopped_calls, 1);
	EXPECT_INT(f.respawn_calls, 1);
	EXPECT(f.m.intent == MONITOR_INTENT_NONE, "the request is used up");
}

/* lxc-stop: whatever way init then ends (here the SIGHUP of a reboot(2)
 * inside), the container stays stopped. */
TEST(monitor_halt_request_wins)
{
	struct fake f;

	fake_setup(&f, 0);
	fake_run(&f);
	int sub = subscribe();
	int fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_HALT, SIGHUP, NULL, 0, NULL, NULL, NULL), 0);
	expect_stops(sub);
	close(fd);
	close(sub);
	stop_for_sure();
	fake_end(&f);
	EXPECT(WIFSIGNALED(f.m.init_status) && WTERMSIG(f.m.init_status) == SIGHUP,
	       "init ended by SIGHUP: status %#x", f.m.init_status);
	EXPECT_INT(f.respawn_calls, 0);
}

/* lxc-stop -r: init exits on the signal without a reboot(2), and still
 * comes back; the request is used up by that exit. */
TEST(monitor_reboot_request_wins)
{
	struct fake f;

	fake_setup(&f, 0);
	fake_run(&f);
	pid_t first = f.m.init_pid;
	int sub = subscribe();
	int fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_REBOOT, SIGTERM, NULL, 0, NULL, NULL, NULL), 0);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_STOPPING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_STARTING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_RUNNING);
	int32_t pid = -1;
	EXPECT_INT(call_i32(fd, CMD_INIT_PID, 0, &pid), 0);
	EXPECT(pid > 0 && pid != first, "a new init: %d (the first was %d)", pid, first);
	EXPECT_INT(proto_call(fd, CMD_REBOOT, 0x7fff, NULL, 0, NULL, NULL, NULL), -EINVAL);
	if (pid > 0) /* never kill(-1, ...) */
		kill(pid, SIGTERM); /* no request now: an exit is a stop */
	expect_stops(sub);
	close(fd);
	close(sub);
	stop_for_sure();
	fake_end(&f);
	EXPECT_INT(f.respawn_calls, 1);
	EXPECT_INT(f.stopped_calls, 2);
}

/* lxc-start -F: terminal <-> console, and SIGTERM becomes the halt signal. */
TEST(monitor_foreground)
{
	struct fake f;
	int in[2], out[2];
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	fake_setup(&f, 0);
	f.plan.halt_signal = SIGUSR1;
	int slave = fake_console(&f, true);
	EXPECT_INT(pipe2(in, O_CLOEXEC), 0);
	EXPECT_INT(pipe2(out, O_CLOEXEC), 0);
	f.m.fg_in = in[0];
	f.m.fg_out = out[1];
	fake_run(&f);
	char buf[8] = { 0 };
	EXPECT_INT(write(in[1], "ping", 4), 4);
	EXPECT_INT(read(slave, buf, 4), 4);
	EXPECT_STR(buf, "ping");
	EXPECT_INT(write(slave, "pong", 4), 4);
	EXPECT_INT(read(out[0], buf, 4), 4);
	EXPECT_STR(buf, "pong");
	int fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_CONSOLE, 0, NULL, 0, NULL, NULL, NULL), -EBUSY);
	close(fd);
	kill(getpid(), SIGTERM);
	fake_end(&f);
	EXPECT(WIFSIGNALED(f.m.init_status) && WTERMSIG(f.m.init_status) == SIGUSR1,
	       "SIGTERM became lxc.signal.halt: status %#x", f.m.init_status);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(slave);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}

static void put_file(const char *dir, const char *file, const char *text)
{
	cleanup_free char *path = str_printf("%s/%s", dir, file);
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	EXPECT(fd >= 0 && file_write_all(fd, text, strlen(text)) == 0, "write %s", path);
}

/* A cgroup2 payload cgroup faked in TMPDIR/cg: the freezer's two files. */
static struct cgroup *fake_cgroup(void)
{
	cleanup_free char *dir = str_printf("%s/cg/web", tmpdir);
	cleanup_free char *rec = str_printf("lxcmgr-cgroup 1\nlayout 3\npayload web\npivot -\n"
					    "hier\t1\t%s/cg\t/\t-\t/\t%s\t-\t-\t-\n",
					    tmpdir, dir);
	struct cgroup *cg = NULL;

	mkdir_p(dir, 0755);
	put_file(dir, "cgroup.freeze", "0\n");
	put_file(dir, "cgroup.events", "populated 1\nfrozen 0\n");
	EXPECT_INT(cgroup_from_record(rec, &cg), 0);
	return cg;
}

static char *cg_file(const char *file)
{
	cleanup_free char *path = str_printf("%s/cg/web/%s", tmpdir, file);
	char *text = NULL;

	file_read(path, 4096, &text, NULL);
	return text;
}

/* FREEZING while the kernel works, FROZEN once cgroup.events says so (the
 * monitor polls), THAWED and RUNNING on CMD_UNFREEZE; a stop of a frozen
 * container thaws it first; without cgroups, -ENODEV and why. */
TEST(monitor_freezes_and_thaws)
{
	cleanup_free char *msg = NULL, *cgdir = str_printf("%s/cg/web", tmpdir);
	struct fake f;

	fake_setup(&f, 0);
	fake_run(&f);
	int fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_FREEZE, 0, NULL, 0, &msg, NULL, NULL), -ENODEV);
	EXPECT_CONTAINS(msg, "without cgroups");
	close(fd);
	stop_for_sure();
	fake_end(&f);

	fake_setup(&f, 0);
	f.m.cgroup = fake_cgroup();
	fake_run(&f);
	int sub = subscribe();
	fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_FREEZE, 0, NULL, 0, NULL, NULL, NULL), 0);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FREEZING);
	cleanup_free char *freeze = cg_file("cgroup.freeze");
	EXPECT(freeze && freeze[0] == '1', "cgroup.freeze: %s", freeze);
	put_file(cgdir, "cgroup.events", "populated 1\nfrozen 1\n"); /* the kernel is done */
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FROZEN);
	int32_t v = -1;
	EXPECT_INT(call_i32(fd, CMD_STATE, 0, &v), 0);
	EXPECT_INT(v, LXCMGR_STATE_FROZEN);
	EXPECT_INT(proto_call(fd, CMD_FREEZE, 0, NULL, 0, NULL, NULL, NULL), 0); /* no change */
	EXPECT_INT(proto_call(fd, CMD_UNFREEZE, 0, NULL, 0, NULL, NULL, NULL), 0);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_THAWED);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_RUNNING);
	cleanup_free char *thawed = cg_file("cgroup.freeze");
	EXPECT(thawed && thawed[0] == '0', "cgroup.freeze after CMD_UNFREEZE: %s", thawed);
	/* Frozen again, then stopped: thawed, so that init sees the signal. */
	EXPECT_INT(proto_call(fd, CMD_FREEZE, 0, NULL, 0, NULL, NULL, NULL), 0);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FREEZING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FROZEN); /* cgroup.events still says frozen 1 */
	EXPECT_INT(proto_call(fd, CMD_STOP, SIGTERM, NULL, 0, NULL, NULL, NULL), 0);
	static const int states[] = { LXCMGR_STATE_THAWED, LXCMGR_STATE_RUNNING,
				      LXCMGR_STATE_STOPPING, LXCMGR_STATE_STOPPED };
	expect_states(sub, states, ARRAY_SIZE(states));
	close(sub);
	close(fd);
	fake_end(&f);
	cgroup_free(f.m.cgroup);

	/* init ends while frozen: the cgroup is thawed (what is left must
	 * run to die), and the state goes on to STOPPING, not via RUNNING. */
	fake_setup(&f, 0);
	f.m.cgroup = fake_cgroup();
	put_file(cgdir, "cgroup.events", "populated 1\nfrozen 1\n");
	fake_run(&f);
	sub = subscribe();
	fd = connect_web();
	EXPECT_INT(proto_call(fd, CMD_FREEZE, 0, NULL, 0, NULL, NULL, NULL), 0);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FREEZING);
	EXPECT_INT(read_i32(sub), LXCMGR_STATE_FROZEN);
	kill(f.m.init_pid, SIGKILL);
	static const int ended[] = { LXCMGR_STATE_STOPPING, LXCMGR_STATE_STOPPED };
	expect_states(sub, ended, ARRAY_SIZE(ended));
	cleanup_free char *after = cg_file("cgroup.freeze");
	EXPECT(after && after[0] == '0', "cgroup.freeze after init's end: %s", after);
	close(sub);
	close(fd);
	fake_end(&f);
	cgroup_free(f.m.cgroup);
}

TEST(setup)
{
	EXPECT(mkdtemp(tmpdir) != NULL, "mkdtemp");
	snprintf(runtime, sizeof(runtime), "%s/run", tmpdir);
	ctx.runtime_dir = runtime;
	ctx.lxcpath = (char *)"/var/lib/lxc";
}

TEST(teardown)
{
	EXPECT(rm_rf_at(AT_FDCWD, tmpdir, NULL) == 0, "remove %s", tmpdir);
}

UNIT_MAIN(setup, socket_path_is_frozen, round_trip_with_data_and_fd, bad_version_and_oversize,
	  listen_and_connect, peer_of_other_uid_refused, foreign_owner_refused, monitor_serves_and_stops,
	  monitor_survives_bad_clients, monitor_ttys, monitor_console_proxy, monitor_reboot,
	  monitor_reboot_fails, monitor_halt_request_wins, monitor_reboot_request_wins,
	  monitor_foreground, monitor_freezes_and_thaws, teardown)
