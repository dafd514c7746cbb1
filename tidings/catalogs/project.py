"""Project discovery: the ``[tool.tidings]`` table of a ``pyproject.toml``.

A service's repository says which catalogs are its own and where their
contract lives::

    [tool.tidings]
    catalogs = ["acme_backup.notifications:EVENTS"]  # or installed names
    lock = "acme_backup/payloads.lock.json"
    samples = "doc/source/samples"
    docs = "doc/source"                                # optional

:func:`find` walks up from a folder (the current one by default) to the
nearest ``pyproject.toml`` that has a ``[tool.tidings]`` table, the way
ruff and mypy find their settings; a ``pyproject.toml`` without one is
passed over.  Paths in the table are relative to the ``pyproject.toml``'s
folder (the project root).  ``catalogs`` is required: installed catalog
names (entry point group ``tidings.catalogs``) or ``PKG.MOD:ATTR`` import
paths, which import from the project root without installing the project
(:meth:`Project.add_to_path`).
"""

import os
import sys
import tomllib

from tidings.objects import errors

FILENAME = 'pyproject.toml'
#: The keys of ``[tool.tidings]``; only ``catalogs`` is required.
KEYS = ('catalogs', 'lock', 'samples', 'docs')
PATH_KEYS = ('lock', 'samples', 'docs')


ProjectError = errors.ProjectError


class Project:
    """A folder whose ``pyproject.toml`` has a ``[tool.tidings]`` table.

    ``catalogs`` is the list of catalog specs as written; ``lock``,
    ``samples`` and ``docs`` are absolute paths, or None when the table
    does not name them.
    """

    def __init__(self, path, catalogs, lock=None, samples=None, docs=None):
        self.path = os.path.abspath(path)
        self.root = os.path.dirname(self.path)
        self.catalogs = list(catalogs)
        self.lock = lock
        self.samples = samples
        self.docs = docs

    def add_to_path(self):
        """Put the project root first on ``sys.path`` (once), so its
        ``PKG.MOD:ATTR`` catalogs import without installing it."""
        if self.root not in sys.path:
            sys.path.insert(0, self.root)

    def relative(self, path):
        """``path`` relative to the project root when inside it."""
        if path is None:
            return None
        rel = os.path.relpath(path, self.root)
        return path if rel.startswith(os.pardir) else rel

    def __repr__(self):
        return '<Project %s catalogs=%s lock=%s samples=%s>' % (
            self.root, self.catalogs, self.lock, self.samples)


def _table(path):
    """The ``[tool.tidings]`` table of ``path``, or None when it has none."""
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except OSError:
        return None
    if b'tidings' not in raw:
        return None   # not ours: do not fail on someone else's syntax
    try:
        data = tomllib.loads(raw.decode('utf-8'))
    except UnicodeDecodeError as exc:
        raise ProjectError(path, 'is not UTF-8 (byte 0x%02x at offset %d); '
                           'accepted: a UTF-8 TOML file' % (
                               exc.object[exc.start], exc.start)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(path, 'is not valid TOML: %s; accepted: TOML as '
                           'in https://toml.io' % exc) from None
    tool = data.get('tool')
    if not isinstance(tool, dict) or 'tidings' not in tool:
        return None
    return tool['tidings']


def load(path):
    """The :class:`Project` of ``pyproject.toml`` ``path`` (None when it
    has no ``[tool.tidings]`` table); ProjectError when the table is
    malformed."""
    table = _table(path)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProjectError(path, 'is a %s; accepted: a table with keys %s' % (
            type(table).__name__, ', '.join(KEYS)))
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ProjectError(path, 'unknown key(s) %s; accepted: %s' % (
            ', '.join(unknown), ', '.join(KEYS)))
    specs = table.get('catalogs')
    if not (isinstance(specs, list) and specs and all(
            isinstance(s, str) and s.strip() for s in specs)):
        raise ProjectError(path, 'catalogs = %r; accepted: a non-empty list '
                           'of installed catalog names or PKG.MOD:ATTR import '
                           'paths, e.g. catalogs = ["mysvc.notifications:'
                           'EVENTS"]' % (specs,))
    root = os.path.dirname(os.path.abspath(path))
    paths = {}
    for key in PATH_KEYS:
        value = table.get(key)
        if value is None:
            paths[key] = None
        elif isinstance(value, str) and value.strip():
            paths[key] = os.path.normpath(os.path.join(root, value))
        else:
            raise ProjectError(path, '%s = %r; accepted: a path (string), '
                               'relative to %s' % (key, value, root))
    return Project(path, [s.strip() for s in specs], **paths)


def find(start=None):
    """The nearest :class:`Project` at or above ``start`` (default: the
    current folder), or None outside any project."""
    folder = os.path.abspath(start if start is not None else os.getcwd())
    while True:
        candidate = os.path.join(folder, FILENAME)
        if os.path.isfile(candidate):
            found = load(candidate)
            if found is not None:
                return found
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
