"""Shared by the benchmarks: CPU and wall time over repeated runs, min and median.

The machine's cores are shared, so wall time measures the neighbours as much as the code:
every figure is printed as CPU time (this process, and where it matters the PostgreSQL backend
serving it, read from /proc) beside wall time, as min and median of repeated runs.
"""

import os
import statistics
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    """CPU seconds (user + system) used so far by another process on this machine, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu():
    """CPU seconds of this process's finished (waited-for) children."""
    t = os.times()
    return t.children_user + t.children_system


def db_backend_pid():
    """The PostgreSQL backend serving this process's connection (its CPU is part of a request's cost)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class Sample:
    """Repeated measurements of one thing: cpu (this process), db (the database backend), wall."""

    def __init__(self, name):
        self.name, self.cpu, self.db, self.wall, self.children = name, [], [], [], []

    def add(self, cpu, wall, db=None, children=None):
        self.cpu.append(cpu)
        self.wall.append(wall)
        if db is not None:
            self.db.append(db)
        if children is not None:
            self.children.append(children)

    @staticmethod
    def _fmt(values):
        if not values:
            return "      -     -"
        return f"{min(values) * 1000:6.0f} {statistics.median(values) * 1000:6.0f}"

    def row(self):
        """`cpu min median | db min median | wall min median` in ms."""
        return f"{self._fmt(self.cpu)} | {self._fmt(self.db)} | {self._fmt(self.wall)}"

    @property
    def cpu_median(self):
        return statistics.median(self.cpu)

    @property
    def wall_median(self):
        return statistics.median(self.wall)


HEADER = "cpu min   med |  db min   med | wall min   med   (ms)"


def measure(function, repeat, name="", db_pid=None, sample=None):
    """Run `function` `repeat` times; returns (Sample, last result).

    CPU includes this process's children: those waited for, and those still living (the child
    kept to print reports' second halves, reports/pdf_parts.py), read from /proc in ticks of
    1/SC_CLK_TCK s. A child that ends and is waited for moves from one count to the other.
    """
    sample = sample or Sample(name)
    value = None
    for _ in range(repeat):
        db0 = process_cpu(db_pid) if db_pid else None
        alive0 = descendants_cpu()
        child0, cpu0, wall0 = children_cpu(), time.process_time(), time.perf_counter()
        value = function()
        wall, cpu, child = time.perf_counter() - wall0, time.process_time() - cpu0, children_cpu() - child0
        child += descendants_cpu() - alive0
        db = process_cpu(db_pid) - db0 if db_pid else None
        sample.add(cpu + child, wall, db=db, children=child)
    return sample, value


def timed(function, repeat):
    """(median wall seconds over `repeat` runs, the last result): kept for the older scripts."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _proc_table():
    """{pid: (ppid, cpu seconds)} of every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return table


def descendants_cpu(root=None):
    """CPU seconds used so far by the living descendants of `root` (this process by default):
    a browser this process started and still talks to, with its renderer and GPU processes."""
    root = root or os.getpid()
    table = _proc_table()
    children = {}
    for pid, (ppid, _cpu) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0.0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total
