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
    """One build per source, so one test: a build takes seconds and
    stestr may hand tests of one class to different workers."""

    source = None

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(180, gentle=True))

    def missing_event_types(self, text):
        return [(catalog, event_type) for catalog, event_type
                in event_types() if html.escape(event_type) not in text]

    def test_builds_warning_free_showing_every_event_type(self):
        text, warnings = build(self.source)
        self.assertEqual('', warnings)
        self.assertEqual([], self.missing_event_types(text))
        for name in catalogs.names():
            self.assertIn('%s catalog' % name, text)


class TestDocs(DocsBuildMixin, testtools.TestCase):
    source = os.path.join('doc', 'source')


class TestApiRef(DocsBuildMixin, testtools.TestCase):
    source = os.path.join('api-ref', 'source')
