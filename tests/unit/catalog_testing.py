"""Helpers of the bundled-catalog tests: a Notifier on the memory backend."""

from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.notifications import notifier as notifier_mod


def memory_notifier(registries, host='localhost', source=None,
                    **notifications):
    """A Notifier whose only backend is a MemoryBackend.

    ``notifications`` sets ``[notifications]`` options (level,
    include_sources, ...).  Returns ``(notifier, backend)``.
    """
    conf = tidings_conf.new_conf()
    for name, value in notifications.items():
        conf.set_override(name, value, group='notifications')
    backend = memory.MemoryBackend()
    notifier = notifier_mod.Notifier(conf, registries, source=source,
                                     host=host, backends=[backend])
    return notifier, backend


def every_event(registry):
    """Every definition of ``registry``, with the ``_404`` variant standing
    in for each ``status_variants`` event."""
    out = []
    for definition in registry:
        if definition.status_variants:
            definition = definition.variant(404)
        out.append(definition)
    return out


def levels_not_by_phase(registry):
    """``[(constant, level)]`` of the events of ``registry`` whose level
    is not ``error`` for an ``.error`` event and ``info`` for the others
    (the rule of the catalogs ported from an unversioned service)."""
    return [(d.name, d.level) for d in registry
            if d.level != ('error' if d.event_type.phase == 'error'
                           else 'info')]
