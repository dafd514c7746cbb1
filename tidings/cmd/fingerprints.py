"""``tidings fingerprints check|update``: payload shapes against the lock
file.

``check`` exits 0 when every payload's VERSION is locked with its current
fingerprint, else 1 with a report per payload: what changed, field by
field, and the verdict (compatible: bump minor; breaking: bump major).
It also exits 1 when it checked no payload at all, when a payload the
lock holds (in a checked namespace) is gone from the code, and when a pin
to an older locked version could not be honoured (the lock's history says
what pinning drops).  ``update`` records the current versions (keeping
older ones); a payload changed without the version bump its verdict
requires is left alone unless ``--force``; a removed payload stays locked
unless ``--allow-removal``.

The payloads checked: those of every installed catalog (or the
``--catalog`` ones; none with ``--no-catalogs``), plus every payload
registered in the ``--module`` modules, plus the payloads they nest.
"""

import argparse
import importlib
import json
import sys

from tidings import catalogs
from tidings.notifications import registry as registry_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import introspect
from tidings.objects import lockfile
from tidings.objects import strictjson

DEFAULT_LOCK = catalogs.LOCK_FILE


class StoreOnce(argparse.Action):
    """Store an option's value, refusing it a second time (rather than
    keeping the last one silently)."""

    def __call__(self, parser, namespace, values, option_string=None):
        seen = '_seen_' + self.dest
        if getattr(namespace, seen, None) is not None:
            raise argparse.ArgumentError(self, 'given twice (%s, then %s); '
                                         'accepted: %s once' % (
                                             getattr(namespace, seen),
                                             values, option_string))
        setattr(namespace, seen, values)
        setattr(namespace, self.dest, values)


def add_selection_options(parser):
    """``--lock``, ``--module``, ``--catalog``, ``--no-catalogs``."""
    parser.add_argument(
        '--lock', metavar='PATH', default=DEFAULT_LOCK, action=StoreOnce,
        help='lock file, once (default: the bundled catalogs\' lock, '
             '%(default)s)')
    parser.add_argument(
        '--module', metavar='MOD', action='append', default=[],
        dest='modules',
        help='also include the payloads registered in this Python module '
             '(repeatable)')
    parser.add_argument(
        '--catalog', metavar='NAME', action='append', default=None,
        dest='catalogs',
        help='only these installed catalogs (repeatable; default: all: %s)'
             % ', '.join(catalogs.names()))
    parser.add_argument(
        '--no-catalogs', action='store_true',
        help='no installed catalog: only the --module payloads')


def register(subparsers):
    parser = subparsers.add_parser(
        'fingerprints', help='check payload fingerprints against the lock '
        'file, or update it',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    sub = parser.add_subparsers(dest='action', metavar='ACTION')
    sub.required = True
    check = sub.add_parser(
        'check', help='exit 0 when every payload matches the lock file')
    add_selection_options(check)
    check.add_argument('-f', '--format', choices=('text', 'json'),
                       default='text', help='report format')
    check.add_argument('-q', '--quiet', action='store_true',
                       help='report only the payloads that do not match')
    check.set_defaults(func=run_check)
    update = sub.add_parser(
        'update', help='record the current payload versions in the lock '
        'file (older versions are kept)')
    add_selection_options(update)
    update.add_argument(
        '--force', action='store_true',
        help='also rewrite a locked version whose shape changed without the '
             'required version bump (hides the change from consumers)')
    update.add_argument(
        '--allow-removal', action='store_true',
        help='drop from the lock every version of a payload that is no '
             'longer in the code (a breaking change for its consumers)')
    update.set_defaults(func=run_update)


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
    """The payload classes to check: the catalogs', the modules', and
    every payload they nest, sorted by namespace and name."""
    if no_catalogs and not modules:
        raise errors.TidingsError(
            '--no-catalogs without --module: no payload to check; accepted: '
            'one or more --module MOD with --no-catalogs')
    classes = []
    if not no_catalogs:
        for registry in catalogs.load_all(catalog_names):
            classes.extend(registry.payload_classes())
    for name in modules:
        classes.extend(module_payload_classes(name))
    return introspect.with_nested(classes)


def _classes(args):
    return collect(args.modules, args.catalogs, args.no_catalogs)


def _scope(args, classes):
    """``{'namespaces': ..., 'looked_at': ...}`` for lockfile.check: the
    namespaces whose locked payloads must still be in the code (those of
    the classes and of the selected catalogs' object registries), and
    words for what was searched."""
    namespaces = {cls.OBJ_PROJECT_NAMESPACE for cls in classes}
    where = []
    if not args.no_catalogs:
        selected = args.catalogs or catalogs.names()
        for registry in catalogs.load_all(args.catalogs):
            if getattr(registry, 'objects', None) is not None:
                namespaces.add(registry.objects.namespace)
        where.append('catalog(s) %s' % (', '.join(selected) or 'none '
                                         'installed'))
    if args.modules:
        where.append('module(s) %s' % ', '.join(args.modules))
    return {'namespaces': namespaces, 'looked_at': '; '.join(where)}


def run_check(args):
    lock = lockfile.LockFile.load(args.lock)
    classes = _classes(args)
    report = lockfile.check(classes, lock, **_scope(args, classes))
    if args.format == 'json':
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.text(verbose=not args.quiet))
    return 0 if report.ok else 1


def run_update(args):
    lock = lockfile.LockFile.load(args.lock, missing_ok=True)
    classes = _classes(args)
    report = lockfile.update(classes, lock, force=args.force,
                             allow_removal=args.allow_removal,
                             **_scope(args, classes))
    if report.empty:
        print(report.text(), file=sys.stderr)
        return 1
    try:
        lock.save()
    except OSError as exc:
        raise errors.LockFileError(args.lock, 'cannot be written: %s: %s' % (
            exc.filename or args.lock, strictjson.describe_oserror(exc))
        ) from None
    left = [r for r in report.results if not r.recorded]
    for result in report.results:
        if result.recorded and not result.ok:
            print('recorded %s %s (%s)' % (result.key, result.version,
                                           result.fingerprint))
    for result in left:
        print('\n'.join(result.lines()), file=sys.stderr)
    for key in report.dropped:
        print('dropped %s (no longer in the code)' % key)
    kept = [line for (key, _v), line in zip(
        report.removed, report.removed_lines(), strict=True)
        if key not in report.dropped]
    for line in kept:
        print(line, file=sys.stderr)
    print('%s: %d payload(s) locked, %d left unchanged because their '
          'VERSION needs a bump (use --force to overwrite)' % (
              lock.path, len(report.results) - len(left), len(left))
          + (', %d removed payload(s) kept (use --allow-removal to drop '
             'them)' % len(kept) if kept else ''))
    return 1 if left or kept else 0
