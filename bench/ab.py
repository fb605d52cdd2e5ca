#!/usr/bin/env python3
"""Two builds of lxcmgr side by side, alternating, at the same load.

Usage: bench/ab.py [-n ROUNDS] [-o OPS] NAME=TOP NAME=TOP ...

TOP is a source tree with a build in TOP/_build. Each build creates its own
busybox container (its own template, no network device) under its own
lxcpath, with runtime state on tmpfs, then every round runs each operation
once per build, the builds in turn (A B A B ...), so both see the same load.
Prints median, first quartile and minimum per build, in ms of wall time,
and the median user+system CPU of the tool process itself.

OPS (comma-separated, default attach,start,startattach,info):
  attach       lxc-attach -- true, container running
  start        lxc-start until it returns (then lxc-stop -k, not timed)
  startattach  lxc-start, then lxc-attach -- true until it works
  info         lxc-info -s, container running
"""
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


class Build:
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
                        LXCMGR_EXEC_PATH=os.path.join(self.tools, "lxcmgr-exec"))
        subprocess.run(self.tool("lxc-create") + ["-t", "busybox"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        self.times = {}

    def tool(self, name):
        return [os.path.join(self.tools, name), "-P", self.path, "-n", "a1"]

    def quiet(self, name, *args):
        subprocess.run(self.tool(name) + list(args), env=self.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def record(self, op, wall, cpu):
        self.times.setdefault(op, []).append((wall, cpu))

    def once(self, op):
        if op in ("attach", "info"):
            argv = self.tool("lxc-attach") + ["--", "true"] if op == "attach" \
                else self.tool("lxc-info") + ["-s"]
            wall, cpu, rc = run_timed(argv, self.env)
            if rc != 0:
                sys.exit(f"{self.name}: {op} failed ({rc})")
            self.record(op, wall, cpu)
        elif op == "start":
            self.quiet("lxc-stop", "-k")
            wall, cpu, rc = run_timed(self.tool("lxc-start"), self.env)
            if rc != 0:
                sys.exit(f"{self.name}: lxc-start failed ({rc})")
            self.record(op, wall, cpu)
            self.quiet("lxc-stop", "-k")
        elif op == "startattach":
            self.quiet("lxc-stop", "-k")
            t0 = time.perf_counter_ns()
            _, cpu, rc = run_timed(self.tool("lxc-start"), self.env)
            tries = 0
            while run_timed(self.tool("lxc-attach") + ["--", "true"], self.env)[2] != 0:
                tries += 1
                if tries > 1000:
                    sys.exit(f"{self.name}: attach never worked")
            self.record(op, (time.perf_counter_ns() - t0) / 1e6, cpu)
            self.quiet("lxc-stop", "-k")

    def cleanup(self):
        self.quiet("lxc-stop", "-k")
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
        else:
            sys.exit(__doc__)
        args = args[2:]
    if not args:
        sys.exit(__doc__)
    builds = [Build(*a.split("=", 1)) for a in args]
    try:
        for op in ops.split(","):
            if op in ("attach", "info"):
                for b in builds:
                    b.quiet("lxc-start")
                for b in builds:  # warm up
                    for _ in range(3):
                        b.once(op)
                    b.times.pop(op, None)
            for i in range(rounds):
                order = builds if i % 2 == 0 else builds[::-1]
                for b in order:
                    b.once(op)
            for b in builds:
                b.quiet("lxc-stop", "-k")
        load = open("/proc/loadavg").read().split()[0]
        print(f"{rounds} rounds, alternating; load average {load} at the end")
        print(f"{'operation':<12} {'build':<10} {'median':>8} {'q1':>8} {'min':>8} {'cpu':>8}")
        for op in ops.split(","):
            for b in builds:
                walls = sorted(w for w, _ in b.times[op])
                cpus = [c for _, c in b.times[op]]
                q1 = walls[len(walls) // 4]
                print(f"{op:<12} {b.name:<10} {statistics.median(walls):8.2f} {q1:8.2f} "
                      f"{walls[0]:8.2f} {statistics.median(cpus):8.2f}")
    finally:
        for b in builds:
            b.cleanup()


if __name__ == "__main__":
    main()
