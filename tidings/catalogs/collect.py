"""The payload classes a fingerprint check looks at: the selected
catalogs', the payloads registered in named modules, and every payload
they nest.

``tidings fingerprints`` and ``tidings schema`` select with it, and so
does :mod:`tidings.testing.fingerprints` (which may not import the command
line).
"""

import importlib

from tidings import catalogs
from tidings.notifications import registry as registry_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import introspect


def module_payload_classes(module_name):
    """Every registered payload class found in module ``module_name``:
    classes with an OBJ_REGISTRY, ObjectRegistry and EventRegistry
    objects."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise errors.TidingsError(
            'module %r cannot be imported: %s' % (module_name, exc)) from None
    found = []
    for value in list(vars(module).values()):
        if isinstance(value, base.ObjectRegistry):
            found.extend(value.classes())
        elif isinstance(value, registry_mod.EventRegistry):
            found.extend(value.payload_classes())
        elif (isinstance(value, type)
              and issubclass(value, base.TidingsObject)
              and value.__dict__.get('OBJ_REGISTRY') is not None):
            found.append(value)
    if not found:
        raise errors.TidingsError(
            '--module %r registers no payload; accepted: a module holding '
            'an ObjectRegistry, an EventRegistry or registered payload '
            'classes' % (module_name,))
    return found


def collect(modules=(), catalog_names=None, no_catalogs=False):
    """The payload classes to check: the selected catalogs' (see
    :func:`tidings.catalogs.select`), the modules', and every payload they
    nest, sorted by namespace and name."""
    refuse_empty(modules, no_catalogs)
    classes = []
    if not no_catalogs:
        for one in catalogs.select(catalog_names or None):
            classes.extend(one.registry.payload_classes())
    for name in modules:
        classes.extend(module_payload_classes(name))
    return introspect.with_nested(classes)


def refuse_empty(modules, no_catalogs):
    """Refuse a selection that can hold no payload."""
    if no_catalogs and not modules:
        raise errors.TidingsError(
            '--no-catalogs without --module: no payload to check; accepted: '
            'one or more --module MOD with --no-catalogs')
