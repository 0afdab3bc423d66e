# SPDX-License-Identifier: Apache-2.0
"""Server processes for the benchmark: start in their own session, wait until they answer, read their CPU
time and peak RSS from /proc (summed over the whole process tree: uvicorn and nginx fork workers), stop."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree(pid):
    """pid and all its live descendants."""
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_ticks(pids):
    """{pid: utime+stime in clock ticks} for the pids still alive."""
    out = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[p] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return out


def cpu_seconds_between(before, after):
    """CPU seconds the processes used between two cpu_ticks snapshots (new processes count in full)."""
    return sum(t - before.get(p, 0) for p, t in after.items()) / CLK_TCK


def status_kb(pids, field):
    """Sum over the pids of a KiB field of /proc/<pid>/status: VmHWM (peak resident set) or VmRSS (now)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def set_autogroup_nice(pid, nice):
    """Sets the scheduling nice value of pid's autogroup (its session: Linux with autogroup scheduling shares the CPU
    between sessions first, whatever each process's own nice). Returns None, or why it could not."""
    try:
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
        return None
    except OSError as e:
        return f"/proc/{pid}/autogroup: {e.strerror}"


def autogroup_nice(pid):
    """The nice value of pid's autogroup, or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/autogroup") as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


class Server:
    """A process started in its own session (so stop() reaches its workers), output to a log file."""

    def __init__(self, argv, env=None, cwd=None, log_path=None):
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            argv,
            env=full_env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, grace=15.0):
        """SIGTERM to the session's process group, SIGKILL after `grace` seconds; returns the exit status."""
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # Workers that outlive their parent still belong to the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._log is not subprocess.DEVNULL:
            self._log.close()
        return self.proc.returncode

    def log_tail(self, lines=5):
        if not self.log_path:
            return ""
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:]).rstrip()
        except OSError:
            return ""


def wait_http_json(server, url, expect, timeout=60.0):
    """Polls url until it answers 200 with the JSON `expect`. Returns None, or a one-line reason."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not server.alive():
            return f"exited with status {server.proc.returncode} before answering: {server.log_tail(3)}"
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                body = r.read()
                if r.status == 200 and json.loads(body) == expect:
                    return None
                last = f"status {r.status}, body {body[:80]!r}"
        except Exception as e:  # connection refused while starting, and the like
            last = str(e)
        time.sleep(0.1)
    return f"not ready after {timeout:.0f} s: {last}"
