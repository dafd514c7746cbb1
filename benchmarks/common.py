"""What the benchmarks share: a small catalog of their own to emit from,
the printing of their results, the pinning of local servers to CPUs of
their own (``--pin``), and a thread's scheduler statistics.

``emit.py`` imports it as ``common`` (its folder is on ``sys.path``, as
for ``nova_peer``); ``database.py`` and ``statsd.py`` put the repository
on the path and import it as ``benchmarks.common``.
"""

import json
import os
import subprocess
import sys
import threading


def catalog(name, /, **payload_fields):
    """An EventRegistry ``name`` with objects of its own and one
    registered ``BenchPayload`` version 1.0 of ``payload_fields`` (name:
    field):
    ``(events, BenchPayload)``.

    A registry of its own keeps the benchmark's events out of the real
    catalogs (imported here so that importing this module is cheap).
    """
    from tidings.notifications import payload as payload_mod
    from tidings.notifications import registry
    from tidings.objects import base

    objects = base.ObjectRegistry(name)

    @objects.register
    class BenchPayload(payload_mod.Payload):
        VERSION = '1.0'
        fields = dict(payload_fields)

    return registry.EventRegistry(name, objects=objects), BenchPayload


def print_results(results, as_json, width, indent=None):
    """``results`` (name: value) as sorted JSON, or one aligned line a
    name (``width`` columns for the names)."""
    if as_json:
        print(json.dumps(results, indent=indent, sort_keys=True))
    else:
        for key in sorted(results):
            print('%-*s %s' % (width, key, results[key]))


class pinned:
    """With ``on``: this process on the first CPU, every thread of the
    local servers named (process names, as ``pgrep -x`` takes them) on the
    others, as with servers on hosts of their own (the operator guide
    advises keeping the broker off the service's cores); their affinity
    is put back afterwards.  ``label`` names them in what it returns."""

    def __init__(self, on, names, label):
        self.on, self.names, self.label = on, names, label
        self.saved = {}

    def __enter__(self):
        if not self.on:
            return None
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            sys.exit('--pin needs two CPUs or more')
        found = []
        for name in self.names:
            found += subprocess.run(['pgrep', '-x', name],
                                    capture_output=True,
                                    text=True).stdout.split()
        if not found:
            sys.exit('--pin: no local %s (%s) to pin' % (
                self.label, ', '.join(self.names)))
        for pid in found:
            self.saved[pid] = subprocess.run(
                ['taskset', '-pc', pid], capture_output=True,
                text=True).stdout.rsplit(':', 1)[-1].strip()
            subprocess.run(['taskset', '-a', '-pc', ','.join(
                str(c) for c in cpus[1:]), pid], capture_output=True,
                check=True)
        os.sched_setaffinity(0, {cpus[0]})
        return 'benchmark on CPU %d, %s on CPUs %s' % (
            cpus[0], self.label, ','.join(str(c) for c in cpus[1:]))

    def __exit__(self, *exc_info):
        for pid, cpus in self.saved.items():
            subprocess.run(['taskset', '-a', '-pc', cpus, pid],
                           capture_output=True)
        if self.on:
            os.sched_setaffinity(0, range(os.cpu_count()))


class SchedStat:
    """The thread that makes it: its time on a CPU and waiting in the
    run queue for one so far, in seconds (Linux schedstat); ``read()``
    is None where it cannot be read.  What a slow call spent neither on
    a CPU nor runnable it spent blocked: on the GIL, or a lock."""

    def __init__(self):
        try:
            self.fd = os.open('/proc/self/task/%d/schedstat'
                              % threading.get_native_id(), os.O_RDONLY)
        except OSError:
            self.fd = None

    def read(self):
        """``(on a CPU, waiting for one)`` in seconds, or None."""
        if self.fd is None:
            return None
        on_cpu, waiting = os.pread(self.fd, 100, 0).split()[:2]
        return int(on_cpu) / 1e9, int(waiting) / 1e9

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
