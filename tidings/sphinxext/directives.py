"""The ``tidings-*`` directives.

Every directive takes a registry as a catalog name (an installed catalog,
entry point group ``tidings.catalogs``) or ``package.module:ATTR`` (any
project's own :class:`~tidings.notifications.registry.EventRegistry`), and
payloads as ``namespace.Name`` looked up in the installed catalogs and in
the registries listed in the ``tidings_registries`` config value.

A catalog's lock file (version histories) and samples folder are those of
its contract (:func:`tidings.catalogs.contract`), unless the config values
``tidings_lock_file`` and ``tidings_samples_dir`` name others.  When either
cannot be found the directive still renders (a sample is generated, the
history left out) and says so in a Sphinx warning, so ``sphinx-build -W``
fails rather than publishing a reference without its history.  The
warnings have type ``tidings`` and subtypes ``lock`` and ``samples``
(``suppress_warnings = ['tidings.samples']`` silences one kind).
"""

import os

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from tidings import catalogs
from tidings import samples
from tidings.exports import asyncapi
from tidings.objects import errors
from tidings.objects import lockfile
from tidings.sphinxext import files
from tidings.sphinxext import render

LOG = logging.getLogger(__name__)

#: Parsed lock files: ``{path: ((mtime_ns, size), LockFile)}``; a lock
#: file is read once per build however many payloads it dates.
_LOCKS = {}


def load_lock(path):
    """The LockFile at ``path``, read again only when it changed."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _LOCKS.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, lockfile.LockFile.load(path))
        _LOCKS[path] = cached
    return cached[1]


#: The project (``[tool.tidings]``) of each docs folder: ``{confdir:
#: Project or None}``.
_PROJECTS = {}


def project_of(confdir):
    """The project whose ``[tool.tidings]`` is at or above the docs'
    ``conf.py`` folder (its root put on ``sys.path``, so its catalogs
    import without being installed), or None."""
    if confdir not in _PROJECTS:
        _PROJECTS[confdir] = catalogs.find_project(confdir)
    project = _PROJECTS[confdir]
    if project is not None:
        project.add_to_path()
    return project


def catalog_specs(confdir):
    """The catalogs the docs show by default: the project's, else every
    installed catalog."""
    project = project_of(confdir)
    return list(project.catalogs) if project is not None else \
        catalogs.names()


class TidingsDirective(SphinxDirective):
    """Shared lookups: registries, payloads, samples, the lock file."""

    @property
    def project(self):
        return project_of(self.env.app.confdir)

    def contract(self, registry):
        return catalogs.contract(registry, project=self.project)

    def registry(self, spec):
        self.project    # noqa: B018 - its root on sys.path first
        try:
            return samples.load_registry(spec)
        except errors.TidingsError as exc:
            raise self.error('%s: %s' % (self.name, exc)) from None

    def registries(self):
        specs = catalog_specs(self.env.app.confdir) + list(
            self.config.tidings_registries or ())
        return [samples.load_registry(spec) for spec in specs]

    def payload(self, ref, extra=()):
        """``(payload class, its registry)`` of ``namespace.Name``."""
        namespace, _, name = ref.rpartition('.')
        found = {}
        for registry in list(extra) + self.registries():
            for cls in registry.payload_classes():
                key = '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
                found.setdefault(key, (cls, registry))
        matches = [cls for key, cls in found.items() if key == ref or (
            not namespace and key.endswith('.' + name))]
        if len(matches) != 1:
            raise self.error(
                '%s: payload %r is %s; payloads: %s' % (
                    self.name, ref, 'ambiguous' if matches else 'unknown',
                    ', '.join(sorted(found))))
        return matches[0]

    def warn(self, subtype, about, message):
        """A Sphinx warning at this directive, once per directive, kind
        and ``about`` (a registry, or a payload key)."""
        key = (subtype, getattr(about, 'name', about))
        warned = self.__dict__.setdefault('_warned', set())
        if key in warned:
            return
        warned.add(key)
        LOG.warning('%s: %s', self.name, message, type='tidings',
                    subtype=subtype, location=self.get_location())

    def _config_path(self, value):
        if value and not os.path.isabs(value):
            value = os.path.join(self.env.app.confdir, value)
        return value

    def prose(self, text):
        """A paragraph of a docstring or description, its inline markup
        (````literal````, ``*emphasis*``) rendered, not shown raw."""
        inline, messages = self.state.inline_text(' '.join(text.split()),
                                                  self.lineno)
        return nodes.paragraph('', '', *inline, *messages)

    def samples_dir(self, registry):
        """The samples folder of ``registry``: ``tidings_samples_dir``, else
        its contract's (None when it has none)."""
        return (self._config_path(self.config.tidings_samples_dir)
                or self.contract(registry).samples)

    def sample_text(self, registry, definition):
        """The committed sample of ``definition``; when there is none, a
        warning and a sample generated now."""
        sampled = samples.sampled_definition(definition)
        folder = self.samples_dir(registry)
        path = None
        if not folder:
            self.warn('samples', registry, 'catalog %s names no samples '
                      'folder (EventRegistry(samples=...) or samples in '
                      '[tool.tidings]; tidings_samples_dir in conf.py '
                      'overrides it): showing samples generated now' %
                      registry.name)
        elif not os.path.isdir(os.path.join(folder, registry.name)):
            self.warn('samples', registry, 'no samples of catalog %s in '
                      '%s (%s/ is missing; write them with `tidings '
                      'samples generate`): showing samples generated now' %
                      (registry.name, folder, registry.name))
        else:
            path = os.path.join(folder, registry.name,
                                samples.filename(sampled))
            if os.path.exists(path):
                self.env.note_dependency(os.path.abspath(path))
            else:
                self.warn('samples', registry, 'no sample %s for event %s '
                          'of catalog %s (write it with `tidings samples '
                          'generate`): showing one generated now' % (
                              path, sampled.event_type_str, registry.name))
        try:
            return samples.sample_text(registry, definition.name,
                                       folder if path else None)
        except errors.TidingsError as exc:
            raise self.error('%s: %s' % (self.name, exc)) from None

    def lock(self, registry):
        """The LockFile of ``registry`` (``tidings_lock_file``, else its
        contract's), or None after a warning saying why there is none."""
        path = (self._config_path(self.config.tidings_lock_file)
                or self.contract(registry).lock)
        if not path:
            self.warn('lock', registry, 'catalog %s names no lock file '
                      '(EventRegistry(lock=...) or lock in [tool.tidings]; '
                      'tidings_lock_file in conf.py overrides it): version '
                      'histories not shown' % registry.name)
            return None
        if not os.path.exists(path):
            self.warn('lock', registry, 'lock file %s of catalog %s not '
                      'found (create it with `tidings fingerprints update`):'
                      ' version histories not shown' % (path,
                                                       registry.name))
            return None
        self.env.note_dependency(os.path.abspath(path))
        try:
            return load_lock(path)
        except errors.TidingsError as exc:
            self.warn('lock', registry, '%s: version histories not shown'
                      % exc)
            return None

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

    def payload_nodes(self, cls, registry):
        out = []
        doc = (cls.__doc__ or '').strip()
        if doc and doc != (cls.__mro__[1].__doc__ or '').strip():
            out.append(self.prose(doc))
        out.append(nodes.paragraph(text='Namespace %s, version %s.' % (
            cls.OBJ_PROJECT_NAMESPACE, cls.VERSION)))
        out.append(render.fields_table(cls))
        lock = self.lock(registry)
        history = render.lock_history(lock, cls) if lock else []
        if history:
            out.append(nodes.rubric(text='Version history (lock file)'))
            out.append(render.history_table(history))
        elif lock is not None:
            key = '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
            self.warn('lock', key, 'payload %s of catalog %s is not in lock '
                      'file %s (record it with `tidings fingerprints '
                      'update`): no version history' % (
                          key, registry.name, lock.path))
        out.extend(render.schema_nodes(cls))
        return out

    def asyncapi_nodes(self, registry):
        """A paragraph linking the catalog's AsyncAPI document, written at
        each read of the page into the doctree folder and copied by
        Sphinx into the build's ``_downloads`` (a download link, so it
        works in any HTML theme and offline)."""
        lock = self._config_path(self.config.tidings_lock_file)
        try:
            text = asyncapi.render(asyncapi.document(
                self.contract(registry), lock=lock), 'yaml')
        except errors.TidingsError as exc:
            raise self.error('%s: AsyncAPI document of %s: %s' % (
                self.name, registry.name, exc)) from None
        name = asyncapi.filename(registry.name, 'yaml')
        folder = os.path.join(self.env.app.doctreedir, 'tidings-asyncapi')
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        files.write_if_changed(path, text)
        here = os.path.dirname(self.env.doc2path(self.env.docname))
        link = addnodes.download_reference(
            '', '', reftarget=os.path.relpath(path, here),
            refdoc=self.env.docname, refexplicit=True, refwarn=False,
            reftype='download', refdomain='')
        link += nodes.literal(text=name)
        para = nodes.paragraph(classes=['tidings-asyncapi'])
        para += nodes.Text('AsyncAPI 3.0 document of the catalog (its '
                           'channels, messages, payload schemas of every '
                           'released version and examples; validate or '
                           'generate code with any AsyncAPI tool): ')
        para += link
        para += nodes.Text('. Regenerate it with ')
        para += nodes.literal(text='tidings asyncapi --catalog %s'
                              % registry.name)
        para += nodes.Text('.')
        return para

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
        return self.payload_nodes(*self.payload(self.arguments[0], extra))


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
        cls, _registry = self.payload(self.arguments[0], extra)
        return render.schema_nodes(cls, collapsed='open' not in self.options)


class CatalogDirective(TidingsDirective):
    """``.. tidings-catalog:: <catalog | module:ATTR>``: everything.

    The description, a link to the catalog's AsyncAPI document, the
    events table, a section per event (definition and sample) and a
    section per payload (fields, history, schema).
    """

    required_arguments = 1

    def run(self):
        registry = self.registry(self.arguments[0])
        out = []
        if registry.description:
            out.append(self.prose(registry.description))
        out.append(self.asyncapi_nodes(registry))
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
            sec.extend(self.payload_nodes(cls, registry))
            payloads += sec
        out.append(payloads)
        return out


class ApiRefDirective(TidingsDirective):
    """``.. tidings-api-ref:: [catalog ...]``: api-ref style reference.

    One section per catalog (default: every installed catalog): a link
    to its AsyncAPI document, the events table, one subsection per event
    (the level and event type, a link to its payload and the notification
    example, expanded), then the fields of every payload object the
    catalog uses, nested ones included.
    """

    optional_arguments = 20

    def run(self):
        specs = self.arguments or catalog_specs(self.env.app.confdir)
        out = []
        for spec in specs:
            registry = self.registry(spec)
            sec = self.section('%s catalog' % registry.name, nodes.make_id(
                'api-ref-%s' % registry.name))
            if registry.description:
                sec += self.prose(registry.description)
            sec += self.asyncapi_nodes(registry)
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
