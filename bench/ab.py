#!/usr/bin/env python3
"""Two builds of lxcmgr side by side, alternating, at the same load.

Usage: bench/ab.py [-n ROUNDS] [-o OPS] [-i INIT] NAME=TOP|floor NAME=TOP|floor ...

TOP is a source tree with a build in TOP/_build. Each build creates its own
busybox container (its own template, no network device) under its own
lxcpath, with runtime state on tmpfs, then every round runs each operation
once per build, the builds in turn (A B A B ...), so both see the same load.
Prints median, first quartile and minimum per build, in ms of wall time,
and the median user+system CPU of the tool process itself; for starts also
the CPU of the whole start (sched): the tool's, plus the time on a CPU of
the monitor and of init (/proc/PID/schedstat) when the tool has returned
(this script is a child subreaper, so the monitor becomes its child); for
attaches the tool's, the monitor's and, with an attach server, the
server's and the container's cgroup's (the command: cpuacct.usage).

"floor" instead of TOP: the floor probes of bench/floor.c (compiled here),
on a copy of the first build's busybox rootfs: start is "floor start -b"
(busybox's init boots, as in our containers), attach "floor attach",
info "floor info" against the probe's own server.

-i INIT: starts run INIT instead of the container's init ("lxc-start --
INIT"; e.g. "/bin/sleep 1000", so that init's boot is not in the CPU figures);
the floor then starts its pause init.

OPS (comma-separated, default attach,start,startattach,info):
  attach       lxc-attach -- true, container running
  start        lxc-start until it returns (then lxc-stop -k, not timed)
  startattach  lxc-start, then lxc-attach -- true until it works
  info         lxc-info -s, container running
"""
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_timed(argv, env):
    """Wall ms and the process's own CPU ms (user+sys) of one run; exit status."""
    devnull = os.open("/dev/null", os.O_RDWR)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                       (os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(devnull)
    return (t1 - t0) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3, os.waitstatus_to_exitcode(status)


PR_SET_CHILD_SUBREAPER = 36


def schedstat_ms(pid):
    """Time on a CPU so far of PID's threads, in ms; 0 when it is gone."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total / 1e6


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def start_cpu_ms(tool_cpu):
    """The tool's CPU plus that of the monitors (our children, as subreaper)
    and of their children (init) right now."""
    total = tool_cpu
    for mon in children(os.getpid()):
        total += schedstat_ms(mon)
        for init in children(mon):
            total += schedstat_ms(init)
    return total


def ppid_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def cpuacct_usage_path(pid):
    """The cpuacct.usage file of PID's cgroup (v1), or None."""
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if "cpuacct" in ctrls.split(","):
                for mnt in ("/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct"):
                    p = f"{mnt}{path}/cpuacct.usage"
                    if os.path.exists(p):
                        return p
    return None


def attach_cpu_ms(b):
    """Besides the tool's: the monitor's (its answer), and with an attach
    server (a child of the monitor other than init) the server's own and
    the container's cgroup's (the command, which is not the tool's child
    then); schedstat and cpuacct.usage, in ns. The floor has none."""
    if not getattr(b, "monitor", 0):
        return 0
    total = schedstat_ms(b.monitor)
    servers = [c for c in children(b.monitor) if c != b.init_pid]
    for s in servers:
        total += schedstat_ms(s)
    if servers and b.cpuacct:
        with open(b.cpuacct) as f:
            total += int(f.read()) / 1e6
    return total


def reap_orphans():
    """Monitors ended by a stop, handed to us as subreaper."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


class Build:
    init = []

    def __init__(self, name, top):
        self.name, self.top = name, os.path.abspath(top)
        self.tools = os.path.join(self.top, "_build", "tools")
        self.work = tempfile.mkdtemp(prefix="lxcmgr-bench-ab.", dir="/tmp")
        self.run = tempfile.mkdtemp(prefix="lxcmgr-bench-ab.", dir="/run")
        etc = os.path.join(self.work, "etc")
        os.makedirs(etc)
        self.path = os.path.join(self.work, "c")
        os.makedirs(self.path)
        with open(os.path.join(self.top, "config", "default.conf")) as f:
            lines = [l for l in f if not l.startswith("lxc.net.")]
        with open(os.path.join(etc, "default.conf"), "w") as f:
            f.writelines(lines)
            f.write("lxc.net.0.type = empty\n")
        self.env = dict(os.environ, LXCMGR_TEMPLATE_PATH=os.path.join(self.top, "templates"),
                        LXCMGR_CONFIG_PATH=etc, LXCMGR_RUNTIME_PATH=self.run,
                        LXCMGR_EXEC_PATH=os.path.join(self.tools, "lxcmgr-exec"),
                        LXCMGR_ATTACHD_PATH=os.path.join(self.tools, "lxcmgr-attachd"))
        subprocess.run(self.tool("lxc-create") + ["-t", "busybox"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        self.times = {}

    def tool(self, name):
        return [os.path.join(self.tools, name), "-P", self.path, "-n", "a1"]

    def quiet(self, name, *args):
        subprocess.run(self.tool(name) + list(args), env=self.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def record(self, op, wall, cpu, sched=None):
        self.times.setdefault(op, []).append((wall, cpu, sched))

    def start_argv(self):
        return self.tool("lxc-start") + (["--"] + self.init if self.init else [])

    def stop(self):
        self.quiet("lxc-stop", "-k")
        reap_orphans()

    def attach_argv(self):
        return self.tool("lxc-attach") + ["--", "true"]

    def info_argv(self):
        return self.tool("lxc-info") + ["-s"]

    def up(self):
        self.quiet("lxc-start")
        out = subprocess.run(self.tool("lxc-info") + ["-p"], env=self.env, capture_output=True,
                             text=True).stdout.split()
        self.init_pid = int(out[-1]) if out else 0
        self.monitor = ppid_of(self.init_pid) if self.init_pid else 0
        self.cpuacct = cpuacct_usage_path(self.init_pid) if self.init_pid else None

    def once(self, op):
        if op in ("attach", "info"):
            argv = self.attach_argv() if op == "attach" else self.info_argv()
            before = attach_cpu_ms(self) if op == "attach" else 0
            wall, cpu, rc = run_timed(argv, self.env)
            sched = cpu + attach_cpu_ms(self) - before if op == "attach" else None
            if rc != 0:
                sys.exit(f"{self.name}: {op} failed ({rc})")
            self.record(op, wall, cpu, sched)
        elif op == "start":
            self.stop()
            wall, cpu, rc = run_timed(self.start_argv(), self.env)
            sched = start_cpu_ms(cpu)
            if rc != 0:
                sys.exit(f"{self.name}: start failed ({rc})")
            self.record(op, wall, cpu, sched)
            self.stop()
        elif op == "startattach":
            self.stop()
            t0 = time.perf_counter_ns()
            _, cpu, rc = run_timed(self.start_argv(), self.env)
            tries = 0
            while run_timed(self.attach_argv(), self.env)[2] != 0:
                tries += 1
                if tries > 1000:
                    sys.exit(f"{self.name}: attach never worked")
            self.record(op, (time.perf_counter_ns() - t0) / 1e6, cpu)
            self.stop()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.run, ignore_errors=True)


class Floor(Build):
    """bench/floor.c's probes in place of a build's tools."""

    def __init__(self, name, rootfs):
        self.name = name
        self.work = tempfile.mkdtemp(prefix="lxcmgr-bench-ab.", dir="/tmp")
        self.run = tempfile.mkdtemp(prefix="lxcmgr-bench-ab.", dir="/run")
        self.env = dict(os.environ)
        self.probe = os.path.join(self.work, "floor-probe")
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run(["cc", "-O2", "-static", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                        "-o", self.probe, os.path.join(here, "floor.c")], check=True)
        self.rootfs = os.path.join(self.work, "rootfs")
        subprocess.run(["cp", "-a", rootfs, self.rootfs], check=True)
        shutil.copy(self.probe, os.path.join(self.rootfs, "floor"))
        self.state = os.path.join(self.run, "c")
        os.makedirs(self.state)
        self.sock = os.path.join(self.run, "sock")
        self.server = int(subprocess.run([self.probe, "serve", self.sock], check=True,
                                         capture_output=True, text=True).stdout)
        self.times = {}
        self.started = False

    def start_argv(self):
        # The monitor writes the state file "floor stop" needs just after
        # the tool returns: a stop follows every start, whether it has yet.
        self.started = True
        return [self.probe, "start"] + ([] if self.init else ["-b"]) + [self.state, self.rootfs]

    def stop(self):
        if self.started:
            subprocess.run([self.probe, "stop", self.state])
            self.started = False
        reap_orphans()

    def attach_argv(self):
        return [self.probe, "attach", self.state, "true"]

    def info_argv(self):
        return [self.probe, "info", self.sock]

    def up(self):
        subprocess.run(self.start_argv(), check=True)

    def cleanup(self):
        self.stop()
        os.kill(self.server, 15)
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.run, ignore_errors=True)


def main():
    args = sys.argv[1:]
    rounds, ops = 20, "attach,start,startattach,info"
    while args and args[0].startswith("-"):
        if args[0] == "-n":
            rounds = int(args[1])
        elif args[0] == "-o":
            ops = args[1]
        elif args[0] == "-i":
            Build.init = args[1].split()
        else:
            sys.exit(__doc__)
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    builds = []
    try:
        for a in args:
            name, top = a.split("=", 1)
            if top != "floor":
                builds.append(Build(name, top))
        real = builds[0] if builds else sys.exit("ab.py: a build beside the floor, for its rootfs")
        for a in args:
            name, top = a.split("=", 1)
            if top == "floor":
                builds.append(Floor(name, os.path.join(real.path, "a1", "rootfs")))
        builds.sort(key=lambda b: [a.split("=", 1)[0] for a in args].index(b.name))
        for op in ops.split(","):
            if op in ("attach", "info"):
                for b in builds:
                    b.up()
                for b in builds:  # warm up
                    for _ in range(3):
                        b.once(op)
                    b.times.pop(op, None)
            for i in range(rounds):
                order = builds if i % 2 == 0 else builds[::-1]
                for b in order:
                    b.once(op)
            for b in builds:
                b.stop()
        load = open("/proc/loadavg").read().split()[0]
        print(f"{rounds} rounds, alternating; load average {load} at the end"
              + (f"; init: {' '.join(Build.init)}" if Build.init else ""))
        print(f"{'operation':<12} {'build':<10} {'median':>8} {'q1':>8} {'min':>8} {'cpu':>8}"
              f" {'sched':>8}")
        for op in ops.split(","):
            for b in builds:
                walls = sorted(w for w, _, _ in b.times[op])
                cpus = [c for _, c, _ in b.times[op]]
                scheds = [s for _, _, s in b.times[op] if s is not None]
                q1 = walls[len(walls) // 4]
                sched = f"{statistics.median(scheds):8.2f}" if scheds else f"{'-':>8}"
                print(f"{op:<12} {b.name:<10} {statistics.median(walls):8.2f} {q1:8.2f} "
                      f"{walls[0]:8.2f} {statistics.median(cpus):8.2f} {sched}")
    finally:
        for b in builds:
            b.cleanup()


if __name__ == "__main__":
    main()
