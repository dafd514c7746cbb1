"""``tidings schema NAME[@VERSION]``: the JSON Schema of a payload.

NAME is a payload (``BackupPayload`` or ``demo.BackupPayload``) of the
selected catalogs (``--catalog NAME|PKG.MOD:ATTR``; by default the
project's [tool.tidings] catalogs, else every installed one) or of the
``--module`` modules (payloads outside any catalog), or one only their lock
files still know; an event (constant or event type) prints the schema of its
whole notification.  The current version comes from the code, released
older versions from the lock file, so consumers can still get 1.0 after
1.1 ships.  ``--envelope`` wraps the payload in the notification envelope;
``--unversioned`` gives the flat format.
"""

import difflib
import json

from tidings import catalogs
from tidings.cmd import fingerprints as fp_cmd
from tidings.cmd import selection
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fingerprint
from tidings.objects import lockfile
from tidings.objects import schema as schema_mod


def register(subparsers):
    parser = subparsers.add_parser(
        'schema', help='print the JSON Schema of a payload or notification',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    parser.add_argument('name', metavar='NAME[@VERSION]',
                        help='payload name, namespace.Name, or an event '
                             'constant or event type')
    parser.add_argument('--envelope', action='store_true',
                        help='the whole notification, not just the payload')
    parser.add_argument('--unversioned', action='store_true',
                        help='the unversioned (flat) payload format')
    selection.add_catalog_option(parser)
    selection.add_lock_option(parser, what='lock file holding released '
                              'versions')
    parser.add_argument(
        '--module', metavar='MOD', action='append', default=[],
        dest='modules',
        help='also look in the payloads registered in this module (payloads '
             'outside any catalog)')
    parser.set_defaults(func=run)


def find_schema(ref, lock_path=None, modules=(), envelope=False,
                unversioned=False, catalog_specs=None):
    """The schema document for ``NAME[@VERSION]`` (see the module doc).

    ``lock_path``: the lock file of released versions (default: the lock
    files of the selected catalogs, merged); ``catalog_specs``: the
    ``--catalog`` selection (see :func:`tidings.catalogs.select`)."""
    fmt = (schema_mod.UNVERSIONED if unversioned
           else schema_mod.VERSIONED)
    name, at, version = ref.partition('@')
    if not name or (at and not version):
        raise errors.TidingsError(
            'schema %r: %s; accepted: NAME or NAME@MAJOR.MINOR (a payload, '
            'namespace.Name, an event constant or event type)' % (
                ref, 'no name' if not name else 'no version after "@"'))
    if version:
        try:
            base.version_tuple(version)
        except errors.VersionError:
            raise errors.TidingsError(
                'schema %r: version %r is malformed; accepted: NAME or '
                'NAME@MAJOR.MINOR, e.g. %s@1.0' % (ref, version,
                                                    name)) from None
    selected = catalogs.select(catalog_specs or None, lock=lock_path)
    classes = fp_cmd.collect(modules, catalog_specs)
    lock = _lock(selected, lock_path)
    known = {}
    for cls in classes:
        known.setdefault(fingerprint.key(cls), {})[cls.VERSION] = cls
    keys = sorted(set(known) | set(lock.keys()))
    matches = [k for k in keys if k == name or k.split('.', 1)[1] == name]
    if not matches:
        definition = None if version else _find_event(name, selected)
        if definition is not None:
            return schema_mod.notification_schema(definition, fmt)
        namespace = name.split('.', 1)[0] if '.' in name else None
        same = [k for k in keys if k.split('.', 1)[0] == namespace]
        short = {k.split('.', 1)[1]: k for k in keys}
        close = difflib.get_close_matches(name, keys, n=3) or [
            short[c] for c in difflib.get_close_matches(name, short, n=3)]
        exc = errors.UnknownPayloadError(name, same or keys)
        if close:
            exc.args = (str(exc).replace(
                '; known payloads', ' (did you mean %s?); known payloads'
                % ', '.join(close), 1),)
        raise exc
    if len(matches) > 1:
        raise errors.UnknownPayloadError(
            '%s (ambiguous: name the namespace)' % name, matches)
    key = matches[0]
    versions = known.get(key, {})
    if not version:
        version = max(set(versions) | set(lock.versions(key)),
                      key=base.version_tuple)
    if version in versions:
        cls = versions[version]
        doc = schema_mod.payload_schema(cls, fmt)
    elif lock.entry(key, version) is not None:
        doc = lock.schema(key, version, fmt)
    else:
        raise errors.UnknownPayloadError(
            '%s@%s' % (key, version), ['%s@%s' % (key, v) for v in sorted(
                set(versions) | set(lock.versions(key)),
                key=base.version_tuple)])
    if envelope:
        doc = schema_mod.envelope_schema(doc)
    return doc


def _lock(selected, lock_path):
    """The released versions: ``lock_path``, else the selected catalogs'
    lock files merged (a missing one counts as empty)."""
    if lock_path:
        return lockfile.LockFile.load(lock_path, missing_ok=True)
    paths = []
    for one in selected:
        if one.lock and one.lock not in paths:
            paths.append(one.lock)
    if not paths:
        project = catalogs.find_project()
        if project is not None and project.lock:
            paths.append(project.lock)
    return lockfile.merge([lockfile.LockFile.load(p, missing_ok=True)
                           for p in paths] or [lockfile.LockFile(None)])


def _find_event(name, selected):
    for one in selected:
        found = one.registry.find(name)
        if found is not None:
            return found
    return None


def run(args):
    doc = find_schema(args.name, args.lock, args.modules, args.envelope,
                      args.unversioned, args.catalogs)
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return 0
