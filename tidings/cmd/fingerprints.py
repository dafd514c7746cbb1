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

The payloads checked: those of the selected catalogs (``--catalog NAME``
or ``--catalog PKG.MOD:ATTR``; by default the catalogs of the project's
[tool.tidings], else every installed catalog; none with ``--no-catalogs``),
plus every payload registered in the ``--module`` modules (payload modules
outside any registry), plus the payloads they nest.  Each catalog is
checked against its own lock file (``--lock`` overrides it); ``update``
never writes into an installed package.
"""

import json
import os
import sys

from tidings import catalogs
from tidings.catalogs.collect import collect  # noqa: F401  (kept for users)
from tidings.catalogs.collect import module_payload_classes
from tidings.catalogs.collect import refuse_empty as _refuse_empty
from tidings.cmd import selection
from tidings.cmd.selection import StoreOnce  # noqa: F401  (kept for users)
from tidings.objects import errors
from tidings.objects import introspect
from tidings.objects import lockfile
from tidings.objects import strictjson

#: The bundled catalogs' lock file (their registries declare it).
DEFAULT_LOCK = catalogs.LOCK_FILE


def add_selection_options(parser):
    """``--catalog``, ``--lock``, ``--module``, ``--no-catalogs``."""
    selection.add_catalog_option(parser)
    selection.add_lock_option(parser)
    parser.add_argument(
        '--module', metavar='MOD', action='append', default=[],
        dest='modules',
        help='also include the payloads registered in this Python module, '
             'for payloads outside any catalog (repeatable; they use --lock, '
             'else the project\'s lock)')
    parser.add_argument(
        '--no-catalogs', action='store_true',
        help='no catalog: only the --module payloads')


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


class Target:
    """One lock file and what is checked against it: the catalogs whose
    contract names it, and the ``--module`` payloads."""

    def __init__(self, lock, contracts=(), modules=()):
        self.lock = lock
        self.contracts = list(contracts)
        self.modules = list(modules)

    def classes(self):
        found = []
        for one in self.contracts:
            found.extend(one.registry.payload_classes())
        for name in self.modules:
            found.extend(module_payload_classes(name))
        return introspect.with_nested(found)

    def command(self, args, several):
        return selection.command(
            ['tidings', 'fingerprints', 'update'], args, self.contracts,
            several, lock=args.lock, modules=self.modules)


def targets(args):
    """The :class:`Target` list of the selection, one per lock file."""
    _refuse_empty(args.modules, args.no_catalogs)
    selected = [] if args.no_catalogs else selection.contracts(
        args, lock=args.lock)
    by_lock = selection.group(selected, 'lock')
    if None in by_lock:
        raise selection.no_contract('lock', by_lock[None], '--lock FILE')
    found = [Target(lock, group) for lock, group in by_lock.items()]
    if args.modules:
        if args.lock:
            lock = os.path.abspath(args.lock)
        else:
            project = catalogs.find_project()
            lock = project.lock if project is not None else None
            if lock is None and len(found) == 1:
                lock = found[0].lock
            if lock is None:
                raise errors.TidingsError(
                    '--module %s: no lock file for payloads outside a '
                    'catalog; accepted: --lock FILE, or [tool.tidings] lock '
                    '= "..." in your pyproject.toml' % ', '.join(
                        args.modules))
        for target in found:
            if target.lock == lock:
                target.modules = list(args.modules)
                break
        else:
            found.append(Target(lock, modules=args.modules))
    return found


def _load(target, args, several, missing_ok=False):
    """The target's LockFile; a missing lock named by a catalog's contract
    is empty (a new service: every payload is then reported unlocked); a
    missing ``--lock`` file is an error saying how to create it."""
    if os.path.exists(target.lock) or missing_ok:
        return lockfile.LockFile.load(target.lock, missing_ok=missing_ok)
    if args.lock:
        raise errors.LockFileError(
            target.lock, 'does not exist; create it with `%s`' % (
                target.command(args, several),))
    return None


def _hint(report, command):
    for result in report.results:
        result.problem = result.problem.replace(
            lockfile.UPDATE_HINT, 'run `%s`' % command)


def _scope(target, classes):
    """``{'namespaces': ..., 'looked_at': ...}`` for lockfile.check: the
    namespaces whose locked payloads must still be in the code (those of
    the classes and of the target's catalogs' object registries), and
    words for what was searched."""
    namespaces = {cls.OBJ_PROJECT_NAMESPACE for cls in classes}
    where = []
    if target.contracts:
        for one in target.contracts:
            objects = getattr(one.registry, 'objects', None)
            if objects is not None:
                namespaces.add(objects.namespace)
        where.append('catalog(s) %s' % ', '.join(
            one.registry.name for one in target.contracts))
    if target.modules:
        where.append('module(s) %s' % ', '.join(target.modules))
    return {'namespaces': namespaces,
            'looked_at': '; '.join(where) or 'no catalog and no module'}


def run_check(args):
    found = targets(args)
    several = len(found) > 1
    reports, missing = [], []
    for target in found:
        lock = _load(target, args, several)
        if lock is None:
            missing.append(target)
            lock = lockfile.LockFile(target.lock)
        classes = target.classes()
        report = lockfile.check(classes, lock, **_scope(target, classes))
        _hint(report, target.command(args, several))
        reports.append(report)
    if args.format == 'json':
        doc = reports[0].as_dict() if len(reports) == 1 else {
            'lock': [r.lock_path for r in reports],
            'ok': all(r.ok for r in reports),
            'payloads': [p for r in reports for p in r.as_dict()[
                'payloads']]}
        doc['locks'] = [r.as_dict() for r in reports]
        for entry in doc['locks']:
            entry.pop('payloads')
            entry['exists'] = entry['lock'] not in [t.lock for t in missing]
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print('\n'.join(r.text(verbose=not args.quiet) for r in reports))
    for target in missing:
        print('no lock file %s yet (catalog(s) %s); create it with `%s`' % (
            target.lock, ', '.join(c.registry.name for c in target.contracts)
            or '-', target.command(args, several)), file=sys.stderr)
    ok = all(r.ok for r in reports) and not missing
    return 0 if ok else 1


def run_update(args):
    found = targets(args)
    for target in found:
        catalogs.refuse_installed(target.lock, 'lock', target.contracts or [
            catalogs.Contract(_ModulesOnly(target.modules), target.lock,
                              None)])
    status = 0
    for target in found:
        status = max(status, _update(target, args))
    return status


class _ModulesOnly:
    """Stands for the catalog of ``--module`` payloads in messages."""

    def __init__(self, modules):
        self.name = '(--module %s)' % ', '.join(modules)
        self.module = modules[0] if modules else None


def _update(target, args):
    lock = lockfile.LockFile.load(target.lock, missing_ok=True)
    classes = target.classes()
    report = lockfile.update(classes, lock, force=args.force,
                             allow_removal=args.allow_removal,
                             **_scope(target, classes))
    if report.empty:
        print(report.text(), file=sys.stderr)
        return 1
    try:
        lock.save()
    except OSError as exc:
        raise errors.LockFileError(target.lock, 'cannot be written: %s: %s' % (
            exc.filename or target.lock, strictjson.describe_oserror(exc))
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
