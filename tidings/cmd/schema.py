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

``tidings schema --all -o DIR`` writes the JSON Schema bundle of the
selected catalogs instead: every payload version (locked and current),
the envelope, each event's notification and each catalog's, as standalone
files whose ``$id`` is ``--base-uri`` + their path in DIR (see
:mod:`tidings.exports.schemas`).
"""

import difflib
import json
import os
import sys

from tidings import catalogs
from tidings.cmd import asyncapi as asyncapi_cmd
from tidings.cmd import fingerprints as fp_cmd
from tidings.cmd import selection
from tidings.exports import schemas as bundle_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fingerprint
from tidings.objects import schema as schema_mod


def register(subparsers):
    parser = subparsers.add_parser(
        'schema', help='print the JSON Schema of a payload or notification',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    parser.add_argument('name', metavar='NAME[@VERSION]', nargs='?',
                        help='payload name, namespace.Name, or an event '
                             'constant or event type (not with --all)')
    parser.add_argument('--all', action='store_true', dest='all',
                        help='write the whole bundle of the selected '
                             'catalogs to -o DIR')
    parser.add_argument('-o', '--output', metavar='FILE|DIR', default=None,
                        help='write here instead of stdout (with --all: '
                             'the bundle\'s folder, required)')
    parser.add_argument('--base-uri', metavar='URI',
                        default=bundle_mod.DEFAULT_BASE_URI,
                        help='with --all: the base of every $id (default: '
                             '%(default)s; an absolute URI ending in /)')
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
    lock = bundle_mod.lock_of(selected, lock_path)
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


def _find_event(name, selected):
    for one in selected:
        found = one.registry.find(name)
        if found is not None:
            return found
    return None


def run(args):
    if args.all:
        return write_bundle(args)
    if args.name is None:
        raise errors.TidingsError(
            'no payload named; accepted: NAME[@VERSION] (a payload, '
            'namespace.Name, an event constant or event type), or --all -o '
            'DIR for the whole bundle')
    doc = find_schema(args.name, args.lock, args.modules, args.envelope,
                      args.unversioned, args.catalogs)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + '\n'
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def write_bundle(args):
    """``--all``: the bundle of the selected catalogs under ``-o DIR``."""
    refused = [option for option, given in (
        ('NAME %s' % args.name, args.name), ('--envelope', args.envelope),
        ('--unversioned', args.unversioned),
        ('--module', args.modules)) if given]
    if refused:
        raise errors.TidingsError(
            '--all writes every payload version and event of the selected '
            'catalogs; %s cannot be combined with it; accepted: --all -o DIR '
            '[--catalog NAME] [--lock FILE] [--base-uri URI]'
            % ', '.join(refused))
    if not args.output:
        raise errors.TidingsError(
            '--all needs -o DIR, the folder that receives the bundle')
    asyncapi_cmd.check_output(args.output, True, 'the bundle')
    base_uri = bundle_mod.check_base_uri(args.base_uri)
    files = bundle_mod.bundle(selection.contracts(args), base_uri,
                              lock=args.lock)
    os.makedirs(args.output, exist_ok=True)
    bundle_mod.write(files, args.output)
    print('wrote %d schemas to %s (ids %s...)' % (
        len(files), selection.display(args.output), base_uri),
        file=sys.stderr)
    return 0
