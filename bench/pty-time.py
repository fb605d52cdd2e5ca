#!/usr/bin/env python3
"""Times a program that prints container rows, in a pty of 200 lines.

Usage: pty-time.py rows|exit ROWS RUNS PROGRAM [ARG...]
Prints the median in ms of RUNS runs: until ROWS rows are out ("rows"; the
program is then killed), or until the program ends ("exit"; it must have
printed ROWS rows). A row is LXC's batch line "time_ms,b12,..." or ours
"b12  RUNNING ...".
"""
import fcntl, os, pty, re, signal, struct, sys, termios, time

until, rows, runs, argv = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
row = re.compile(rb"^(\d+,)?b\d+[ ,]")
times = []
for _ in range(runs):
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 200, 200, 0, 0))
        os.execv(argv[0], argv)
    out, seen = b"", 0
    while until == "exit" or seen < rows:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the program ended
            break
        if not chunk:
            break
        out += chunk
        seen = sum(1 for line in out.split(b"\n") if row.match(line))
    times.append((time.monotonic() - start) * 1000)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    if seen < rows:
        sys.exit("saw %d rows of %d: %r" % (seen, rows, out[-300:]))
times.sort()
print("%.2f" % times[len(times) // 2])
