"""The ``tidings-*`` directives.

Every directive takes a registry as a catalog name (an installed catalog,
entry point group ``tidings.catalogs``) or ``package.module:ATTR`` (any
project's own :class:`~tidings.notifications.registry.EventRegistry`), and
payloads as ``namespace.Name`` looked up in the installed catalogs and in
the registries listed in the ``tidings_registries`` config value.
"""

import os

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from tidings import catalogs
from tidings import samples
from tidings.objects import errors
from tidings.sphinxext import render


class TidingsDirective(SphinxDirective):
    """Shared lookups: registries, payloads, samples, the lock file."""

    def registry(self, spec):
        try:
            return samples.load_registry(spec)
        except errors.TidingsError as exc:
            raise self.error('%s: %s' % (self.name, exc)) from None

    def registries(self):
        specs = list(catalogs.names()) + list(
            self.config.tidings_registries or ())
        return [samples.load_registry(spec) for spec in specs]

    def payload(self, ref, extra=()):
        namespace, _, name = ref.rpartition('.')
        found = {}
        for registry in list(extra) + self.registries():
            for cls in registry.payload_classes():
                key = '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
                found.setdefault(key, cls)
        matches = [cls for key, cls in found.items() if key == ref or (
            not namespace and key.endswith('.' + name))]
        if len(matches) != 1:
            raise self.error(
                '%s: payload %r is %s; payloads: %s' % (
                    self.name, ref, 'ambiguous' if matches else 'unknown',
                    ', '.join(sorted(found))))
        return matches[0]

    def prose(self, text):
        """A paragraph of a docstring or description, its inline markup
        (````literal````, ``*emphasis*``) rendered, not shown raw."""
        inline, messages = self.state.inline_text(' '.join(text.split()),
                                                  self.lineno)
        return nodes.paragraph('', '', *inline, *messages)

    def samples_dir(self):
        folder = self.config.tidings_samples_dir
        if not folder:
            return None
        return os.path.join(self.env.app.confdir, folder)

    def sample_text(self, registry, definition):
        folder = self.samples_dir()
        sampled = samples.sampled_definition(definition)
        if folder:
            path = os.path.join(folder, registry.name,
                                samples.filename(sampled))
            if os.path.exists(path):
                self.env.note_dependency(os.path.abspath(path))
        try:
            return samples.sample_text(registry, definition.name, folder)
        except errors.TidingsError as exc:
            raise self.error('%s: %s' % (self.name, exc)) from None

    def lock(self):
        path = self.config.tidings_lock_file
        if path and not os.path.isabs(path):
            path = os.path.join(self.env.app.confdir, path)
        if path and os.path.exists(path):
            self.env.note_dependency(os.path.abspath(path))
        return render.load_lock(path)

    def section(self, title, node_id, literal=False):
        sec = nodes.section(ids=[node_id])
        heading = nodes.title()
        heading += nodes.literal(text=title) if literal else nodes.Text(
            title)
        sec += heading
        return sec

    # reusable blocks

    def sample_nodes(self, registry, definition, open_=False):
        sampled = samples.sampled_definition(definition)
        if sampled is None:
            return [nodes.paragraph(text=render.removed_text(definition))]
        summary = 'Sample %s' % sampled.event_type_str
        if sampled is not definition:
            summary += ' (HTTP status %s)' % sampled.status
        text = self.sample_text(registry, definition)
        return render.collapsible(summary, [render.json_block(text)],
                                  open_)

    def payload_nodes(self, cls):
        out = []
        doc = (cls.__doc__ or '').strip()
        if doc and doc != (cls.__mro__[1].__doc__ or '').strip():
            out.append(self.prose(doc))
        out.append(nodes.paragraph(text='Namespace %s, version %s.' % (
            cls.OBJ_PROJECT_NAMESPACE, cls.VERSION)))
        out.append(render.fields_table(cls))
        history = render.lock_history(self.lock(), cls)
        if history:
            out.append(nodes.rubric(text='Version history (lock file)'))
            out.append(render.history_table(history))
        out.extend(render.schema_nodes(cls))
        return out

    def event_fields(self, definition):
        info = definition.as_dict()
        items = [('Constant', info['name']), ('Level', info['level']),
                 ('Mechanisms', ', '.join(info['mechanisms'])),
                 ('Metrics', ', '.join(info['metrics'])),
                 ('Payload', '%s.%s %s' % (info['namespace'], info['payload'],
                                           info['payload_version'])),
                 ('Source', info['source']),
                 ('Deprecation', render.status_text(definition))]
        flist = nodes.field_list()
        for label, value in items:
            if not value:
                continue
            field = nodes.field()
            field += nodes.field_name(text=label)
            body = nodes.field_body()
            body += nodes.paragraph(text=value)
            field += body
            flist += field
        return flist


class EventsDirective(TidingsDirective):
    """``.. tidings-events:: <catalog | module:ATTR>``: the events table."""

    required_arguments = 1
    option_spec = {'link': directives.flag}

    def run(self):
        registry = self.registry(self.arguments[0])
        return [render.events_table(registry, 'link' in self.options)]


class PayloadDirective(TidingsDirective):
    """``.. tidings-payload:: <namespace.Name>``: fields and history."""

    required_arguments = 1
    option_spec = {'registry': directives.unchanged}

    def run(self):
        extra = ([self.registry(self.options['registry'])]
                 if 'registry' in self.options else [])
        return self.payload_nodes(self.payload(self.arguments[0], extra))


class SampleDirective(TidingsDirective):
    """``.. tidings-sample:: <catalog> <event_type>``: the JSON sample."""

    required_arguments = 2
    option_spec = {'open': directives.flag}

    def run(self):
        registry = self.registry(self.arguments[0])
        definition = registry.find(self.arguments[1])
        if definition is None:
            raise self.error('%s: no event %r in catalog %s; events: %s' % (
                self.name, self.arguments[1], registry.name, ', '.join(
                    d.event_type_str for d in registry)))
        return self.sample_nodes(registry, definition, 'open' in self.options)


class SchemaDirective(TidingsDirective):
    """``.. tidings-schema:: <namespace.Name>``: the JSON Schema."""

    required_arguments = 1
    option_spec = {'registry': directives.unchanged,
                   'open': directives.flag}

    def run(self):
        extra = ([self.registry(self.options['registry'])]
                 if 'registry' in self.options else [])
        cls = self.payload(self.arguments[0], extra)
        return render.schema_nodes(cls, collapsed='open' not in self.options)


class CatalogDirective(TidingsDirective):
    """``.. tidings-catalog:: <catalog | module:ATTR>``: everything.

    The description, the events table, a section per event (definition
    and sample) and a section per payload (fields, history, schema).
    """

    required_arguments = 1

    def run(self):
        registry = self.registry(self.arguments[0])
        out = []
        if registry.description:
            out.append(self.prose(registry.description))
        events = self.section('Events', nodes.make_id(
            'tidings-%s-events' % registry.name))
        events += render.events_table(registry, link=True)
        for definition in registry:
            title = definition.as_dict()['event_type']
            sec = self.section(title, render.event_id(registry, definition),
                               literal=True)
            if definition.description:
                sec += self.prose(definition.description)
            sec += self.event_fields(definition)
            sec.extend(self.sample_nodes(registry, definition))
            events += sec
        out.append(events)
        payloads = self.section('Payloads', nodes.make_id(
            'tidings-%s-payloads' % registry.name))
        for cls in registry.payload_classes():
            sec = self.section(render.payload_label(cls),
                               render.payload_id(cls))
            sec.extend(self.payload_nodes(cls))
            payloads += sec
        out.append(payloads)
        return out


class ApiRefDirective(TidingsDirective):
    """``.. tidings-api-ref:: [catalog ...]``: api-ref style reference.

    One section per catalog (default: every installed catalog): the
    events table, one subsection per event (the level and event type, a
    link to its payload and the notification example, expanded), then the
    fields of every payload object the catalog uses, nested ones included.
    """

    optional_arguments = 20

    def run(self):
        specs = self.arguments or catalogs.names()
        out = []
        for spec in specs:
            registry = self.registry(spec)
            sec = self.section('%s catalog' % registry.name, nodes.make_id(
                'api-ref-%s' % registry.name))
            if registry.description:
                sec += self.prose(registry.description)
            sec += render.events_table(registry)
            for definition in registry:
                sec += self.event(registry, definition)
            objects = self.section('%s payload objects' % registry.name,
                                   nodes.make_id('api-ref-%s-payloads'
                                                 % registry.name))
            for cls in registry.payload_classes():
                sub = self.section('%s.%s %s' % (
                    cls.OBJ_PROJECT_NAMESPACE, cls.obj_name(), cls.VERSION),
                    self.payload_anchor(registry, cls))
                sub += render.fields_table(cls)
                objects += sub
            sec += objects
            out.append(sec)
        return out

    @staticmethod
    def payload_anchor(registry, cls):
        return nodes.make_id('api-ref-%s-%s' % (registry.name,
                                                render.payload_id(cls)))

    def event(self, registry, definition):
        info = definition.as_dict()
        sec = self.section(info['event_type'], nodes.make_id(
            'api-ref-%s-%s' % (registry.name, info['event_type'])),
            literal=True)
        line = nodes.paragraph(classes=['tidings-api-event'])
        line += nodes.strong(text=info['level'].upper())
        line += nodes.Text(' ')
        line += nodes.literal(text=info['event_type'])
        status = render.status_text(definition)
        if status:
            line += nodes.Text(' (%s)' % status)
        sec += line
        if definition.description:
            sec += self.prose(definition.description)
        cls = definition.payload
        para = nodes.paragraph(text='Payload: ')
        ref = nodes.reference('', '', internal=True,
                              refid=self.payload_anchor(registry, cls))
        ref += nodes.literal(text='%s.%s %s' % (
            cls.OBJ_PROJECT_NAMESPACE, cls.obj_name(), cls.VERSION))
        para += ref
        para += nodes.Text(' (its fields are listed under the payload '
                           'objects of the catalog).')
        sec += para
        if not definition.removed:
            sec += nodes.rubric(text='Notification example')
        sec.extend(self.sample_nodes(registry, definition, open_=True))
        return sec


DIRECTIVES = {
    'tidings-events': EventsDirective,
    'tidings-payload': PayloadDirective,
    'tidings-sample': SampleDirective,
    'tidings-schema': SchemaDirective,
    'tidings-catalog': CatalogDirective,
    'tidings-api-ref': ApiRefDirective,
}
