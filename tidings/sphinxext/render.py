"""Docutils nodes for event registries, payloads, samples and schemas.

Pure functions from tidings objects to docutils nodes, shared by the
directives of :mod:`tidings.sphinxext.directives`; nothing here depends on
a Sphinx application, so any builder (and any project) can use them.
"""

import importlib
import json

from docutils import nodes

from tidings.objects import base
from tidings.objects import fields as tidings_fields
from tidings.objects import introspect

#: Shown in a cell that has no value.
NONE = '—'


def text_cell(text):
    entry = nodes.entry()
    entry += nodes.paragraph(text=str(text) if text not in (None, '')
                             else NONE)
    return entry


def literal_cell(values):
    """A cell of inline literals, one per line (metric names, types)."""
    entry = nodes.entry()
    if not values:
        entry += nodes.paragraph(text=NONE)
        return entry
    para = nodes.paragraph()
    for i, value in enumerate(values):
        if i:
            para += nodes.Text(', ')
        para += nodes.literal(text=value)
    entry += para
    return entry


def table(headers, rows, widths=None, classes=()):
    """A docutils table; ``rows`` hold entries or plain values."""
    tbl = nodes.table(classes=['tidings-table'] + list(classes))
    group = nodes.tgroup(cols=len(headers))
    tbl += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    hrow = nodes.row()
    for title in headers:
        hrow += text_cell(title)
    head += hrow
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for value in values:
            row += value if isinstance(value, nodes.entry) else text_cell(
                value)
        body += row
    return tbl


def payload_label(cls):
    return '%s %s' % (cls.obj_name(), cls.VERSION)


def payload_id(cls):
    """The id of a payload's section (see :func:`payload_section`)."""
    return nodes.make_id('tidings-payload-%s-%s' % (
        cls.OBJ_PROJECT_NAMESPACE, cls.obj_name()))


def event_id(registry, definition):
    return nodes.make_id('tidings-event-%s-%s' % (
        registry.name, definition.event_type_str))


def _end_of_life(word, value, since):
    """``deprecated since 2.0``, ``removed: <reason>`` or ``removed``."""
    if not value:
        return ''
    if not isinstance(value, str):
        return word
    if value[:1].isdigit():
        return '%s %s %s' % (word, since, value)
    return '%s: %s' % (word, value)


def status_text(definition):
    """Deprecation and removal, in words."""
    parts = [_end_of_life('deprecated', definition.deprecated, 'since'),
             _end_of_life('removed', definition.removed, 'in')]
    return '; '.join(p for p in parts if p)


def removed_text(definition):
    """What a removed event's section says instead of a sample."""
    return '%s; never emitted, so it has no sample.' % _end_of_life(
        'Removed', definition.removed, 'in')


def events_table(registry, link=False):
    """Event type, level, mechanisms, metrics, payload, deprecation.

    ``link`` makes event types and payloads references to the sections
    :func:`event_section` and :func:`payload_section` render in the same
    document.
    """
    rows = []
    for definition in registry:
        info = definition.as_dict()
        type_entry = nodes.entry()
        para = nodes.paragraph()
        literal = nodes.literal(text=info['event_type'])
        if link and not definition.removed:
            ref = nodes.reference('', '', internal=True,
                                  refid=event_id(registry, definition))
            ref += literal
            para += ref
        else:
            para += literal
        type_entry += para
        payload_entry = nodes.entry()
        para = nodes.paragraph()
        label = nodes.Text(payload_label(definition.payload))
        if link:
            ref = nodes.reference('', '', internal=True,
                                  refid=payload_id(definition.payload))
            ref += label
            para += ref
        else:
            para += label
        payload_entry += para
        rows.append([type_entry, info['level'],
                     literal_cell(info['mechanisms']),
                     literal_cell(info['metrics']), payload_entry,
                     status_text(definition)])
    return table(['Event type', 'Level', 'Mechanisms', 'Metrics',
                  'Payload', 'Deprecation'], rows, [30, 8, 14, 20, 18, 10],
                 classes=['tidings-events'])


def field_type(field):
    """A short type name: ``String``, ``Enum (a, b)``, ``List of X``...; a
    tidings field type's own ``DOC_TYPE`` (see
    :func:`tidings.objects.fields.doc_type`)."""
    ftype = introspect.field_type(field)
    name = introspect.object_name(ftype)
    if name is not None:
        return name
    valid = introspect.valid_values(ftype)
    if valid:
        return 'Enum (%s)' % ', '.join(str(v) for v in valid)
    inner = introspect.element_field(ftype)
    if inner is not None:
        return '%s of %s' % (type(ftype).__name__, field_type(inner))
    return tidings_fields.doc_type(ftype)


def field_since(cls, name):
    """The payload version that added field ``name``."""
    since = getattr(cls, 'FIELD_VERSIONS', {}).get(name)
    if since:
        return since
    return '%d.0' % base.version_tuple(cls.VERSION)[0]


def field_description(cls, name):
    """``FIELD_DESCRIPTIONS[name]``, else where SCHEMA fills it from."""
    described = getattr(cls, 'FIELD_DESCRIPTIONS', {}).get(name)
    if described:
        return described
    source = getattr(cls, 'SCHEMA', {}).get(name)
    if source:
        return 'From %s.%s.' % tuple(source)
    return ''


def fields_table(cls):
    rows = []
    for name in sorted(cls.fields):
        field = cls.fields[name]
        rows.append([literal_cell([name]), field_type(field),
                     'yes' if field.nullable else 'no',
                     field_description(cls, name), field_since(cls, name)])
    return table(['Field', 'Type', 'Nullable', 'Description', 'Since'],
                 rows, [18, 22, 8, 40, 8], classes=['tidings-fields'])


def lock_history(lock, cls):
    """``[(version, fingerprint), ...]`` of ``cls`` in ``lock`` (a
    :class:`~tidings.objects.lockfile.LockFile`), oldest first; empty when
    the payload is not locked."""
    key = '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
    return [(version, lock.entry(key, version)['fingerprint'])
            for version in lock.versions(key)]


def history_table(history):
    rows = [[literal_cell([v]), literal_cell([f] if f else [])]
            for v, f in history]
    return table(['Version', 'Fingerprint'], rows, [10, 60],
                 classes=['tidings-history'])


def collapsible(summary, body_nodes, open_=False):
    """``<details>`` around ``body_nodes`` in HTML; plain elsewhere."""
    opening = '<details class="tidings-details"%s><summary>%s</summary>' % (
        ' open' if open_ else '', summary)
    return ([nodes.raw('', opening, format='html')] + list(body_nodes)
            + [nodes.raw('', '</details>', format='html')])


def json_block(text):
    block = nodes.literal_block(text, text, language='json')
    return block


def schema_module():
    """``tidings.objects.schema`` when installed, else None."""
    try:
        return importlib.import_module('tidings.objects.schema')
    except ImportError as exc:
        if exc.name != 'tidings.objects.schema':
            raise
        return None


def schema_nodes(cls, collapsed=True):
    """The JSON Schema of ``cls`` as a (collapsible) JSON block."""
    module = schema_module()
    if module is None:
        return [nodes.paragraph(text='JSON Schema generation '
                                '(tidings.objects.schema) is not '
                                'available in this build.')]
    schema = module.payload_schema(cls)
    text = json.dumps(schema, indent=2, sort_keys=True)
    block = [json_block(text)]
    if collapsed:
        return collapsible('JSON Schema of %s' % payload_label(cls), block)
    return block
