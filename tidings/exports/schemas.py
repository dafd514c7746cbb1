"""The JSON Schema bundle: standalone files a consumer in any language
validates with.

:func:`bundle` returns ``{relative path: schema document}``:

``envelope.json``
    any tidings notification: the envelope keys, any level and event
    type, a payload object;
``payloads/<namespace>.<Name>/<version>.json``
    one per payload version: every version of the lock file plus the
    current one of the code, the versioned primitive
    (``<ns>_object.name/namespace/version/data``); a payload it nests is
    inlined under ``$defs`` (as the lock file stores it), so each file
    validates on its own;
``events/<catalog>/<event_type>.json``
    the whole notification of one event (every event but the removed
    ones, whatever backend delivers it): level and event type fixed, the
    payload one of the payload's versions (``$ref`` to the files above);
``catalogs/<catalog>.json``
    any notification of a catalog: one of its events (``$ref``).

Every document has ``$id`` = the base URI (:data:`DEFAULT_BASE_URI`, or
the one given) + its relative path, and every ``$ref`` between files is
relative, so the references resolve within the bundle wherever it is
served from: register the files by ``$id`` (ajv's ``addSchema``, Python
``referencing.Registry``, ...), or generate the bundle with a ``file://``
base URI and let a validator read the files themselves.  The ids are
stable: the same catalogs and lock give the same ids and documents.
"""

import json
import os
import re

from tidings import catalogs
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fingerprint
from tidings.objects import lockfile
from tidings.objects import schema as schema_mod

#: The base of the ``$id`` s when none is given.  The ``.invalid`` top-level
#: domain never resolves (RFC 2606): the ids name the schemas, they are not
#: where to download them.  Publish the bundle and pass its URL instead.
DEFAULT_BASE_URI = 'https://tidings.invalid/schemas/'
ENVELOPE = 'envelope.json'
_SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:')


def check_base_uri(value):
    """``value`` when it is an absolute URI ending in ``/`` (relative
    references resolve against it), else a TidingsError saying so."""
    if not isinstance(value, str) or not _SCHEME.match(value) or \
            not value.endswith('/') or value.startswith('urn:') or \
            any(c.isspace() for c in value):
        raise errors.TidingsError(
            'base URI %r: accepted: an absolute URI ending in "/" that '
            'relative references resolve against, e.g. %s or '
            'file:///srv/schemas/' % (value, DEFAULT_BASE_URI))
    return value


def lock_of(selected, lock_path=None):
    """The released versions of ``selected`` (Contract list):
    ``lock_path``, else their lock files merged (a missing one counts as
    empty; outside any catalog's, the project's)."""
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


def versions(cls, lock, fmt=schema_mod.VERSIONED):
    """``[(version, schema document), ...]`` of payload ``cls``, oldest
    first: every version ``lock`` holds, and the code's current one (its
    schema from the code, which the lock matches once it is updated)."""
    key = fingerprint.key(cls)
    out = {v: lock.schema(key, v, fmt) for v in lock.versions(key)}
    out[cls.VERSION] = schema_mod.payload_schema(cls, fmt)
    return [(v, out[v]) for v in sorted(out, key=base.version_tuple)]


def payload_path(key, version):
    return 'payloads/%s/%s.json' % (key, version)


def event_path(catalog, definition):
    return 'events/%s/%s.json' % (catalog, definition.event_type_str)


def catalog_path(catalog):
    return 'catalogs/%s.json' % catalog


def _relative(source, target):
    """The ``$ref`` from bundle file ``source`` to bundle file ``target``."""
    return os.path.relpath(target, os.path.dirname(source) or '.').replace(
        os.sep, '/')


def envelope():
    """The envelope of every notification, payload left open."""
    doc = schema_mod.envelope_schema(
        {'type': 'object', 'minProperties': 1},
        title='tidings notification envelope')
    doc['description'] = (
        'The keys of every notification; the payload is a versioned '
        'primitive (<namespace>_object.name, .namespace, .version, .data) '
        'or, in the unversioned format, a flat object.')
    return doc


def event_schema(definition, payload_refs):
    """The notification of ``definition`` with its payload one of
    ``payload_refs`` (``$ref`` strings)."""
    refs = [{'$ref': ref} for ref in payload_refs]
    variants = bool(definition.status_variants and definition.status is None)
    return schema_mod.envelope_schema(
        refs[0] if len(refs) == 1 else {'oneOf': refs},
        priority=definition.level, event_type=definition.event_type_str,
        status_variants=variants, title='%s (%s)' % (
            definition.event_type_str, definition.name))


def catalog_schema(name, events):
    """Any notification of catalog ``name``: its event type one of the
    catalog's, and the notification valid against that event's schema.

    ``events``: ``[(event_type schema, $ref), ...]``.  The event type picks
    the one schema to apply (``if``/``then``), so a validator checks one
    event's schema per message instead of trying every event in turn."""
    return {
        '$schema': schema_mod.DRAFT,
        'title': 'a notification of catalog %s' % name,
        'type': 'object',
        'properties': {'event_type': {'anyOf': [etype for etype, _r in
                                                events]}},
        'required': ['event_type'],
        'allOf': [{'if': {'properties': {'event_type': etype}},
                   'then': {'$ref': ref}} for etype, ref in events]}


def bundle(selected, base_uri=DEFAULT_BASE_URI, lock=None):
    """``{relative path: document}`` of the selected catalogs (a list of
    :class:`~tidings.catalogs.Contract`); ``lock``: a lock file path
    overriding theirs.  See the module doc."""
    base_uri = check_base_uri(base_uri)
    released = lock_of(selected, lock)
    files = {ENVELOPE: envelope()}
    for one in selected:
        registry = one.registry
        for cls in registry.payload_classes():
            key = fingerprint.key(cls)
            for version, doc in versions(cls, released):
                files.setdefault(payload_path(key, version), doc)
        events = []
        for definition in registry:
            if definition.removed:
                continue      # never emitted: no schema to validate with
            path = event_path(registry.name, definition)
            key = fingerprint.key(definition.payload)
            refs = [_relative(path, payload_path(key, v)) for v, _doc in
                    versions(definition.payload, released)]
            files[path] = event_schema(definition, refs)
            events.append(path)
        path = catalog_path(registry.name)
        files[path] = catalog_schema(registry.name, [
            (files[e]['properties']['event_type'], _relative(path, e))
            for e in events])
    out = {}
    for path in sorted(files):
        doc = dict(files[path])
        doc.pop('$id', None)
        out[path] = dict([('$schema', doc.pop('$schema', schema_mod.DRAFT)),
                          ('$id', base_uri + path)], **doc)
    return out


def render(doc):
    """The file text of a schema document."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + '\n'


def write(files, folder):
    """Write ``files`` (``{relative path: document}``) under ``folder``;
    return the paths written."""
    written = []
    for rel, doc in files.items():
        path = os.path.join(folder, *rel.split('/'))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(render(doc))
        written.append(path)
    return written
