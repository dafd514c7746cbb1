"""What the benchmarks share: a small catalog of their own to emit from,
and the printing of their results.

``emit.py`` imports it as ``common`` (its folder is on ``sys.path``, as
for ``nova_peer``); ``database.py`` and ``statsd.py`` put the repository
on the path and import it as ``benchmarks.common``.
"""

import json


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
