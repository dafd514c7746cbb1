"""The bundled event catalogs, one package per reference spec, and how
any catalog is found with its contract.

A catalog is an :class:`~tidings.notifications.registry.EventRegistry`,
named either by an entry point of the group ``tidings.catalogs`` (``name =
package.module:EVENTS``, an *installed* catalog) or by its import path
``package.module:ATTR`` (one that is not installed).

Its *contract* (:class:`Contract`) is where its lock file and samples
folder live.  :func:`select` is the one way every command, the Sphinx
extension and :mod:`tidings.testing` pick catalogs and contracts:

1. explicit paths (``--lock FILE`` / ``--samples DIR``) win;
2. then, for a catalog listed in the current project's ``[tool.tidings]``
   (:mod:`tidings.catalogs.project`), the project's ``lock`` / ``samples``;
3. then the registry's own ``lock=`` / ``samples=`` (relative to the folder
   of the module defining it);
4. else none (``None``): a command that needs one says how to name it.

Without explicit catalogs, a project selects its own catalogs and nothing
else; outside any project, every installed catalog.  tidings never writes
into an installed package (:func:`refuse_installed`).
"""

import importlib
import importlib.metadata
import os
import site
import sys
import sysconfig

from tidings.catalogs import project as project_mod
from tidings.objects import errors
from tidings.objects import lockfile

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
    """The EventRegistry of installed catalog ``name``."""
    eps = _entry_points()
    try:
        ep = eps[name]
    except KeyError:
        raise errors.UnknownCatalogError(name, sorted(eps),
                                         ENTRY_POINT_GROUP) from None
    registry = ep.load()
    _remember_module(registry, ep.module)
    return registry


def load_all(selected=None):
    """``[EventRegistry, ...]`` for the selected names, or every catalog."""
    return [load(name) for name in (selected or names())]




def _remember_module(registry, module_name):
    if getattr(registry, 'module', None) is None:
        registry.module = module_name


def load_spec(spec):
    """An EventRegistry from an installed catalog name or from
    ``package.module:ATTR``."""
    from tidings.notifications import registry as registry_mod
    if ':' not in spec:
        return load(spec)
    module_name, _, attr = spec.partition(':')
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise errors.TidingsError(
            'registry %r: cannot import module %s: %s' % (
                spec, module_name, exc)) from None
    try:
        registry = getattr(module, attr)
    except AttributeError:
        raise errors.TidingsError(
            'registry %r: module %s has no attribute %s; EventRegistry '
            'attributes there: %s' % (spec, module_name, attr, ', '.join(
                sorted(k for k, v in vars(module).items() if isinstance(
                    v, registry_mod.EventRegistry))) or 'none')) from None
    if not isinstance(registry, registry_mod.EventRegistry):
        raise errors.TidingsError(
            'registry %r: %s.%s is a %s, not an EventRegistry' % (
                spec, module_name, attr, type(registry).__name__))
    _remember_module(registry, module_name)
    return registry


# -- installed packages -----------------------------------------------------

def _install_roots():
    roots = set()
    paths = sysconfig.get_paths()
    for key in ('purelib', 'platlib'):
        if paths.get(key):
            roots.add(paths[key])
    try:
        roots.update(site.getsitepackages())
    except AttributeError:   # some virtualenv versions lack it
        pass
    user = getattr(site, 'getusersitepackages', lambda: None)()
    if user:
        roots.add(user)
    return {os.path.realpath(root) for root in roots}


def installed(path):
    """Whether ``path`` lies inside an installed package: under a
    ``site-packages`` or ``dist-packages`` folder, or under this
    interpreter's purelib/platlib (an editable install's source tree is
    not: it is the project's own folder)."""
    real = os.path.realpath(os.path.abspath(path))
    parts = real.split(os.sep)
    if 'site-packages' in parts or 'dist-packages' in parts:
        return True
    for root in _install_roots():
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def _suggested(contracts, what):
    """Where ``what`` (lock or samples) should live, for the advice."""
    project = next((c.project for c in contracts if c.project), None)
    if what == 'lock':
        top = (getattr(contracts[0].registry, 'module', None)
               or '').split('.')[0]
        value = ('payloads.lock.json' if top in ('', 'tidings')
                 else '%s/payloads.lock.json' % top)
        key, option = 'lock', '--lock FILE'
    else:
        key, value, option = 'samples', 'doc/source/samples', '--samples DIR'
    where = ('the pyproject.toml of your project' if project is None
             else project.path)
    return ('add [tool.tidings] %s = "%s" to %s, or pass %s' % (
        key, value, where, option))


def refuse_installed(path, what, contracts):
    """Raise InstalledPackageError when ``path`` (the ``what`` -- 'lock' or
    'samples' -- of ``contracts``) lies inside an installed package."""
    if path is not None and installed(path):
        raise errors.InstalledPackageError(
            'lock file' if what == 'lock' else 'samples folder', path,
            sorted({c.registry.name for c in contracts}),
            _suggested(contracts, what))


# -- contracts --------------------------------------------------------------

class Contract:
    """Where a catalog keeps its contract: its lock file and its samples
    folder (absolute paths, or None when nothing names one), and whether
    tidings may write them (``writable``: False when either lies inside an
    installed package).  ``project`` is the :class:`~tidings.catalogs.
    project.Project` that declared the catalog, or None; ``docs`` its docs
    folder."""

    def __init__(self, registry, lock, samples, writable=None,
                 project=None, docs=None):
        self.registry = registry
        self.lock = lock
        self.samples = samples
        if writable is None:
            writable = not any(installed(p) for p in (lock, samples)
                               if p is not None)
        self.writable = writable
        self.project = project
        self.docs = docs

    @property
    def name(self):
        return self.registry.name

    def __repr__(self):
        return '<Contract %s lock=%s samples=%s>' % (
            self.registry.name, self.lock, self.samples)


def registry_folder(registry):
    """The folder of the module defining ``registry`` (None if unknown)."""
    module = sys.modules.get(getattr(registry, 'module', None) or '')
    path = getattr(module, '__file__', None)
    return os.path.dirname(os.path.abspath(path)) if path else None


def _own(registry, what):
    value = getattr(registry, what, None)
    if value is None:
        return None
    if os.path.isabs(value):
        return os.path.normpath(value)
    folder = registry_folder(registry)
    if folder is None:
        return os.path.abspath(value)
    return os.path.normpath(os.path.join(folder, value))


_FIND = object()


def find_project(start=None):
    """The :class:`~tidings.catalogs.project.Project` at or above
    ``start`` (default: the current folder), or None."""
    return project_mod.find(start)


def project_registries(project):
    """The EventRegistry objects ``project`` lists, its root put on
    ``sys.path`` first."""
    project.add_to_path()
    return [load_spec(spec) for spec in project.catalogs]


def _in_project(registry, project):
    """True when ``registry`` is one of the catalogs ``project`` lists (a
    listed catalog that cannot be loaded is not it: the command that
    selects the project's catalogs reports that one)."""
    if project is None:
        return False
    project.add_to_path()
    for spec in project.catalogs:
        try:
            if load_spec(spec) is registry:
                return True
        except errors.TidingsError:
            continue
    return False


def contract(registry, project=_FIND, lock=None, samples=None):
    """The :class:`Contract` of ``registry``.

    ``project``: the project to consult (default: the one found from the
    current folder; None: none).  ``lock`` / ``samples``: explicit paths
    that win over everything.  See the module doc for the precedence.
    """
    if project is _FIND:
        project = find_project()
    owner = project if _in_project(registry, project) else None
    lock_path = lock or (owner and owner.lock) or _own(registry, 'lock')
    samples_path = (samples or (owner and owner.samples)
                    or _own(registry, 'samples'))
    return Contract(
        registry,
        os.path.abspath(lock_path) if lock_path else None,
        os.path.abspath(samples_path) if samples_path else None,
        project=owner, docs=owner.docs if owner else None)


def _load_named(spec, project):
    """``spec`` loaded; inside a project, a bare name may also be the
    registry name of one of its (not installed) catalogs."""
    if project is not None and ':' not in spec and \
            spec not in _entry_points():
        for registry in project_registries(project):
            if registry.name == spec:
                return registry
        eps = _entry_points()
        raise errors.UnknownCatalogError(
            spec, sorted(set(eps) | {r.name for r in project_registries(
                project)}), '%s, or the catalogs of %s' % (
                    ENTRY_POINT_GROUP, project.path))
    return load_spec(spec)


def select(specs=None, start=None, lock=None, samples=None,
           project=_FIND):
    """``[Contract, ...]``: the catalogs a command works on, each with
    its contract.

    ``specs``: catalog names or ``PKG.MOD:ATTR`` (``--catalog``); None or
    empty: the project's catalogs inside a project, else every installed
    catalog.  ``start``: the folder to look for the project from (default:
    the current one); ``project``: a Project to use instead (None: none).
    ``lock`` / ``samples``: explicit paths for every selected catalog.
    """
    if project is _FIND:
        project = find_project(start)
    if project is not None:
        project.add_to_path()
    if specs and any(':' in spec for spec in specs) and \
            os.getcwd() not in sys.path:
        # as ``python -m`` does: PKG.MOD:ATTR imports from here too
        sys.path.append(os.getcwd())
    if specs:
        registries = [_load_named(spec, project) for spec in specs]
    elif project is not None:
        registries = project_registries(project)
    else:
        registries = load_all()
    out, seen = [], set()
    for registry in registries:
        if id(registry) in seen:
            continue
        seen.add(id(registry))
        out.append(contract(registry, project, lock, samples))
    return out


def _lock_of(registry):
    return contract(registry).lock


# the layers below (pin resolution, the validator) find lock files here
lockfile.set_locations(LOCK_FILE, _lock_of)
