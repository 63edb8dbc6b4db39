"""Shared by the benchmarks: the median of repeated runs."""

import statistics
import time


def timed(function, repeat):
    """(median seconds over `repeat` runs, the last result)."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value
