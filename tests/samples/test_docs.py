"""The documentation and the api-ref build warning-free and show every
event type of every installed catalog."""

import atexit
import html
import io
import os
import shutil
import tempfile

import fixtures
import testtools
from sphinx import application
from sphinx.util import docutils

from tidings import catalogs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


_BUILDS = {}


def build(source):
    """Build ``source`` as HTML into a temp dir, once per process.

    Returns ``(html of every page, warnings)``.
    """
    if source not in _BUILDS:
        out = tempfile.mkdtemp(prefix='tidings-docs-')
        atexit.register(shutil.rmtree, out, True)
        warnings = io.StringIO()
        with docutils.docutils_namespace():
            app = application.Sphinx(
                os.path.join(ROOT, source), os.path.join(ROOT, source),
                os.path.join(out, 'html'), os.path.join(out, 'doctrees'),
                'html', status=None, warning=warnings, freshenv=True,
                keep_going=True, parallel=0)
            app.build()
        _BUILDS[source] = (read_all_html(os.path.join(out, 'html')),
                           warnings.getvalue())
    return _BUILDS[source]


def read_all_html(outdir):
    texts = []
    for folder, _dirs, files in os.walk(outdir):
        for name in files:
            if name.endswith('.html'):
                with open(os.path.join(folder, name), encoding='utf-8') as f:
                    texts.append(f.read())
    return '\n'.join(texts)


def event_types():
    """``(catalog, event type as documented)`` of every event."""
    return [(registry.name, definition.as_dict()['event_type'])
            for registry in catalogs.load_all() for definition in registry]


class DocsBuildMixin:
    source = None

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(180, gentle=True))
        self.html, self.warnings = build(self.source)

    def test_builds_without_warnings(self):
        self.assertEqual('', self.warnings)

    def test_every_event_type_appears(self):
        missing = [(catalog, event_type) for catalog, event_type
                   in event_types() if html.escape(event_type) not in
                   self.html]
        self.assertEqual([], missing)


class TestDocs(DocsBuildMixin, testtools.TestCase):
    source = os.path.join('doc', 'source')

    def test_every_catalog_has_a_reference_page(self):
        for name in catalogs.names():
            self.assertIn('%s catalog' % name, self.html)


class TestApiRef(DocsBuildMixin, testtools.TestCase):
    source = os.path.join('api-ref', 'source')
