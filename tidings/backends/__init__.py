"""Delivery backends, one module per plugin (``tidings.backends``).

A **mechanism** is a delivery channel an event definition can ask for
(``mechanisms=['messaging', 'log']``).  It is not a list the core keeps:
each backend plugin declares the mechanisms it serves in its class
attribute ``mechanisms``, and the vocabulary an event definition may use
is the union of what the installed plugins declare
(:func:`vocabulary`).  A service that installs a ``kafka`` backend
declaring ``mechanisms = frozenset(['kafka'])`` can define events that ask
for ``kafka``; a misspelt ``messsaging`` is refused where it is written.
"""

import functools
import logging

from stevedore import extension

from tidings import conf as tidings_conf

LOG = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def vocabulary():
    """``{mechanism: (backend name, ...)}`` declared by the installed
    backend plugins (a plugin that fails to load is logged and left out;
    ``tidings config validate`` reports it when it is configured).
    Backends that take every event (``mechanisms = None``: ``memory``,
    ``noop``) add no name.  Computed once per process."""
    served = {}

    def failed(_manager, entry_point, exc):
        LOG.warning('backend plugin %s could not be loaded, its mechanisms '
                    'are unknown: %s: %s', entry_point.name,
                    type(exc).__name__, exc)

    manager = extension.ExtensionManager(
        tidings_conf.BACKEND_NAMESPACE, invoke_on_load=False,
        on_load_failure_callback=failed)
    for ext in sorted(manager, key=lambda e: e.name):
        for mechanism in getattr(ext.plugin, 'mechanisms', None) or ():
            served.setdefault(mechanism, []).append(ext.name)
    return {mechanism: tuple(names)
            for mechanism, names in sorted(served.items())}


def describe(vocab=None):
    """``messaging (messaging, jsonfile), log (log)...``: the vocabulary
    in words, for error messages."""
    vocab = vocabulary() if vocab is None else vocab
    return ', '.join('%s (%s)' % (m, ', '.join(names))
                     for m, names in vocab.items()) or 'none'


def unserved(definitions, served):
    """The definitions no backend delivers: ``served`` holds, per backend,
    the mechanisms it serves (None for a tap).  Removed events and events
    that ask for nothing are not counted (they are meant to go nowhere).
    The Notifier logs them at startup; ``tidings config validate`` warns.
    """
    served = list(served)
    if any(mechanisms is None for mechanisms in served):
        return []
    return [d for d in definitions
            if d.mechanisms and not d.removed and
            all(mechanisms.isdisjoint(d.mechanisms) for mechanisms in served)]


def unserved_warning(definitions, backend_names):
    """One sentence about :func:`unserved` definitions, or None."""
    if not definitions:
        return None
    asked = sorted({m for d in definitions for m in d.mechanisms})
    shown = ', '.join(d.event_type_str for d in definitions[:5])
    more = len(definitions) - 5
    return ('%d event(s) ask only for mechanisms no configured backend '
            'serves (%s), so they are delivered nowhere: %s%s; configured '
            'backends: %s. Add a backend that serves them to '
            '[notifications] backends (or [backend_log] all_events = true '
            'to see everything in the log)' % (
                len(definitions), ', '.join(asked), shown,
                ' and %d more' % more if more > 0 else '',
                ', '.join(backend_names) or 'none'))
