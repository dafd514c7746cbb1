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
