"""What consumers in other languages get, checked by their own tools.

- The AsyncAPI document of every bundled catalog and of the example
  service (``examples/acme-backup``, generated from its folder as its
  developers would) goes through the real ``@asyncapi/parser`` (npm,
  installed into ``.asyncapi/`` by ``tools/install-asyncapi.sh``): no
  diagnostic of severity error, and every message example valid against
  its message's payload schema (ajv, the parser's own validator).
- The JSON Schema bundle (``tidings schema --all``) of the same catalogs
  validates every committed sample with ``check-jsonschema`` (PyPI): each
  sample against its catalog's schema (which picks the event's schema,
  which ``$ref``\\ s the payload version files) and against the envelope;
  a sample of an unknown payload version is refused.

Each tool runs once per kind of check (the parser on all documents at
once, check-jsonschema once per catalog) to keep CI time low.

Outside CI a missing node, parser or check-jsonschema skips with the
reason; under ``CI=true`` it fails.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

import fixtures

from tests.functional import base
from tidings import catalogs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, 'examples', 'acme-backup')
VALIDATE = os.path.join(ROOT, 'tools', 'validate-asyncapi.mjs')
INSTALL = os.path.join(ROOT, 'tools', 'install-asyncapi.sh')
BUNDLED = ('demo', 'magnetodb', 'senlin', 'watcher', 'trove')


def parser_dir():
    return os.environ.get('TIDINGS_ASYNCAPI_DIR') or os.path.join(
        ROOT, '.asyncapi')


def tidings(cwd, *argv):
    """Run ``tidings *argv`` from this checkout in ``cwd``."""
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONDONTWRITEBYTECODE='1')
    return subprocess.run([sys.executable, '-m', 'tidings.cmd.main'] +
                          list(argv), cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


class ToolCase(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.out = self.useFixture(fixtures.TempDir()).path

    def run_ok(self, cwd, *argv):
        done = tidings(cwd, *argv)
        if done.returncode != 0:
            self.fail('tidings %s exited %d: %s' % (
                ' '.join(argv), done.returncode, done.stderr[-3000:]))
        return done


class TestAsyncapiParser(ToolCase):

    def node_and_parser(self):
        node = shutil.which('node')
        if node is None:
            self.unavailable('node is not installed; the AsyncAPI parser '
                             'needs it')
        package = os.path.join(parser_dir(), 'node_modules', '@asyncapi',
                               'parser', 'package.json')
        if not os.path.exists(package) and shutil.which('npm'):
            # first use on a fresh clone run outside tox
            subprocess.run(['bash', INSTALL], capture_output=True,
                           timeout=600)
        if not os.path.exists(package):
            self.unavailable('@asyncapi/parser is not installed at %s; run '
                             'tools/install-asyncapi.sh' % parser_dir())
        return node

    def test_every_document_parses_without_errors(self):
        node = self.node_and_parser()
        args = ['asyncapi', '-o', os.path.join(self.out, 'bundled') + '/']
        for name in BUNDLED:
            args += ['--catalog', name]
        self.run_ok(ROOT, *args)
        # the example service, from its own folder: its [tool.tidings]
        # catalog, lock and samples, nothing installed
        self.run_ok(EXAMPLE, 'asyncapi', '-o',
                    os.path.join(self.out, 'acme.asyncapi.yaml'))
        files = sorted(glob.glob(os.path.join(self.out, 'bundled', '*'))) + [
            os.path.join(self.out, 'acme.asyncapi.yaml')]
        self.assertEqual(len(BUNDLED) + 1, len(files))
        # and a copy of demo's with a wrong example: the check bites
        with open(os.path.join(self.out, 'bundled',
                               'demo.asyncapi.json')) as handle:
            doc = json.load(handle)
        message = doc['components']['messages']['demo.backup.create.end']
        message['examples'][0]['payload']['payload'][
            'demo_object.version'] = '9.9'
        bad = os.path.join(self.out, 'bad.asyncapi.json')
        with open(bad, 'w') as handle:
            json.dump(doc, handle)
        done = subprocess.run([node, VALIDATE, parser_dir()] + files + [bad],
                              capture_output=True, text=True, timeout=600)
        reports = [json.loads(line) for line in done.stdout.splitlines()]
        self.assertEqual(len(files) + 1, len(reports), done.stderr)
        self.assertEqual(1, done.returncode, done.stderr)
        summary = []
        for report in reports[:-1]:
            name = os.path.basename(report['file'])
            self.assertTrue(report['parsed'], report)
            self.assertEqual([], report['errors'], name)
            self.assertGreater(report['messages'], 0, name)
            self.assertGreater(report['channels'], 0, name)
            # every message has its sample as example
            self.assertEqual(report['messages'], report['examples'], name)
            summary.append('%s: %d channels, %d messages, %d warnings%s' % (
                name, report['channels'], report['messages'],
                report['warnings'], ' (%s)' % ', '.join(
                    report['warning_codes']) if report['warnings'] else ''))
        self.assertEqual(1, len(reports[-1]['errors']), reports[-1])
        self.assertIn('example sample of message demo.backup.create.end',
                      reports[-1]['errors'][0])
        print('@asyncapi/parser: ' + '; '.join(summary))


class TestSchemaBundle(ToolCase):

    def check_jsonschema(self):
        try:
            import check_jsonschema  # noqa: F401
        except ImportError:
            self.unavailable('check-jsonschema is not installed; pip '
                             'install -e .[test]')
        return [sys.executable, '-m', 'check_jsonschema']

    def check(self, tool, schema, instances, ok=True):
        done = subprocess.run(tool + ['--schemafile', schema] + instances,
                              capture_output=True, text=True, timeout=300)
        if (done.returncode == 0) != ok:
            self.fail('check-jsonschema --schemafile %s (%d files) exited '
                      '%d:\n%s%s' % (schema, len(instances), done.returncode,
                                     done.stdout[-4000:], done.stderr[-2000:]))
        return done

    def check_payloads(self, tool, folder, sample_files):
        """Each sample's payload against its payload version's file, one
        check-jsonschema run per file; returns the payloads checked."""
        groups = {}
        for path in sample_files:
            with open(path) as handle:
                payload = json.load(handle)['payload']
            prefix = next(k for k in payload if k.endswith('_object.name'))
            ns = prefix[:-len('.name')]
            key = '%s.%s' % (payload[ns + '.namespace'], payload[prefix])
            schema = os.path.join(folder, 'payloads', key, '%s.json' %
                                  payload[ns + '.version'])
            instance = os.path.join(self.out, 'payloads', '%d-%s' % (
                len(groups.get(schema, ())), os.path.basename(path)))
            os.makedirs(os.path.dirname(instance), exist_ok=True)
            with open(instance, 'w') as handle:
                json.dump(payload, handle)
            groups.setdefault(schema, []).append(instance)
        for schema, instances in sorted(groups.items()):
            self.check(tool, schema, instances)
        return sum(len(v) for v in groups.values())

    def bundle(self, cwd, folder, *catalog_args):
        # file:// ids: check-jsonschema follows the $refs to the files
        self.run_ok(cwd, 'schema', '--all', '-o', folder, '--base-uri',
                    'file://%s/' % folder, *catalog_args)

    def test_every_sample_is_valid_against_the_bundle(self):
        tool = self.check_jsonschema()
        folder = os.path.join(self.out, 'bundle')
        args = []
        for name in BUNDLED:
            args += ['--catalog', name]
        self.bundle(ROOT, folder, *args)
        acme = os.path.join(self.out, 'acme')
        self.bundle(EXAMPLE, acme)
        contracts = {c.name: c for c in catalogs.select(list(BUNDLED))}
        every = []
        for name in BUNDLED:
            found = sorted(glob.glob(os.path.join(
                contracts[name].samples, name, '*.json')))
            self.assertNotEqual([], found, name)
            self.check(tool, os.path.join(folder, 'catalogs',
                                          name + '.json'), found)
            every += found
        found = sorted(glob.glob(os.path.join(
            EXAMPLE, 'doc', 'source', 'samples', 'acme', '*.json')))
        self.assertNotEqual([], found)
        self.check(tool, os.path.join(acme, 'catalogs', 'acme.json'), found)
        self.check(tool, os.path.join(folder, 'envelope.json'),
                   every + found)
        # the payload files stand alone: demo's and acme's sample payloads
        # against the file of their version
        demo = [f for f in every if os.path.basename(
            os.path.dirname(f)) == 'demo']
        checked = self.check_payloads(tool, folder, demo)
        checked += self.check_payloads(tool, acme, found)
        self.assertGreater(checked, 0)
        # the check bites: a payload version the lock does not know
        with open(os.path.join(ROOT, 'samples', 'demo',
                               'demo.backup.create.end.json')) as handle:
            message = json.load(handle)
        message['payload']['demo_object.version'] = '9.9'
        bad = os.path.join(self.out, 'bad.json')
        with open(bad, 'w') as handle:
            json.dump(message, handle)
        done = self.check(tool, os.path.join(folder, 'catalogs',
                                             'demo.json'), [bad], ok=False)
        self.assertIn('bad.json', done.stdout + done.stderr)
        print('check-jsonschema: %d samples valid, %d payloads valid '
              'against their version\'s file, a wrong one refused' % (
                  len(every + found), checked))
