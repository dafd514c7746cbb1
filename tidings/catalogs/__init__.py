"""The bundled event catalogs, one package per reference spec.

A catalog is an :class:`~tidings.notifications.registry.EventRegistry`
published in the entry point group ``tidings.catalogs`` (``name =
package.module:EVENTS``); a service registers its own the same way and every
``tidings`` command sees it.
"""

import importlib.metadata
import os

from tidings.objects import errors

ENTRY_POINT_GROUP = 'tidings.catalogs'
#: The lock file of the bundled catalogs' payloads (package data).
LOCK_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'payloads.lock.json')


def _entry_points():
    return {ep.name: ep for ep in
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def names():
    """Names of the installed catalogs, sorted."""
    return sorted(_entry_points())


def load(name):
    """The EventRegistry of catalog ``name``."""
    eps = _entry_points()
    try:
        ep = eps[name]
    except KeyError:
        raise errors.UnknownCatalogError(name, sorted(eps),
                                         ENTRY_POINT_GROUP) from None
    return ep.load()


def load_all(selected=None):
    """``[EventRegistry, ...]`` for the selected names, or every catalog."""
    return [load(name) for name in (selected or names())]


class Contract:
    """Where a catalog keeps its contract: its lock file and its samples
    folder (absolute paths, or None when it has none), and whether tidings
    may write them (never inside an installed package)."""

    def __init__(self, registry, lock, samples, writable=True):
        self.registry = registry
        self.lock = lock
        self.samples = samples
        self.writable = writable

    def __repr__(self):
        return '<Contract %s lock=%s samples=%s>' % (
            self.registry.name, self.lock, self.samples)


def contract(registry):
    """The :class:`Contract` of ``registry``.

    (First version: the registry's own ``lock``/``samples`` when it names
    them, else the bundled lock file and ``samples/``; the project
    discovery of ``[tool.tidings]`` replaces this.)
    """
    lock = registry.lock or LOCK_FILE
    samples = registry.samples or os.path.abspath('samples')
    return Contract(registry, lock, samples)
