"""The example service adopts tidings as a new service would: installed
with tidings into a virtualenv of its own, every command run inside its
folder with no flags checks its catalog alone.

The virtualenv (``~/.cache/tidings/venv-example``, or
``$TIDINGS_EXAMPLE_VENV``) is created once per machine with tidings'
dependencies and reused; each run reinstalls this checkout's tidings and a
copy of ``examples/acme-backup`` into it, so the test sees the code under
test and never writes into the repository.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys

import fixtures

from tests.functional import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, 'examples', 'acme-backup')


def _venv_dir():
    override = os.environ.get('TIDINGS_EXAMPLE_VENV')
    if override:
        return override
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(
        os.path.expanduser('~'), '.cache')
    return os.path.join(cache, 'tidings', 'venv-example')


def _requirements_key():
    with open(os.path.join(ROOT, 'setup.cfg'), 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


class TestExampleService(base.FunctionalTestCase):

    def run_in(self, cwd, *argv, ok=(0,), timeout=600):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
        env.pop('PYTHONPATH', None)
        env['PATH'] = os.path.join(self.venv, 'bin') + os.pathsep + \
            env.get('PATH', '')
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode not in ok:
            self.fail('%s exited %d (expected %s)\nstdout:\n%s\nstderr:\n%s'
                      % (' '.join(argv), done.returncode, ok,
                         done.stdout[-4000:], done.stderr[-4000:]))
        return done

    def setUp(self):
        super().setUp()
        self.venv = _venv_dir()
        python = os.path.join(self.venv, 'bin', 'python')
        stamp = os.path.join(self.venv, 'tidings-requirements')
        key = _requirements_key()
        try:
            with open(stamp) as handle:
                fresh = handle.read().strip() != key
        except OSError:
            fresh = True
        try:
            if fresh:
                shutil.rmtree(self.venv, ignore_errors=True)
                subprocess.run([sys.executable, '-m', 'venv', self.venv],
                               check=True, capture_output=True, timeout=300)
                # tidings' dependencies and the two light extras, once
                self.run_in(ROOT, python, '-m', 'pip', 'install', '-q',
                            '--disable-pip-version-check',
                            '.[testing,sphinx]')
                with open(stamp, 'w') as handle:
                    handle.write(key)
            # this checkout's tidings, then a copy of the example
            self.run_in(ROOT, python, '-m', 'pip', 'install', '-q',
                        '--disable-pip-version-check', '--no-deps',
                        '--force-reinstall', '.')
        except (OSError, subprocess.SubprocessError) as exc:
            self.unavailable('cannot build the example virtualenv: %s'
                             % exc)
        self.project = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'acme-backup')
        shutil.copytree(EXAMPLE, self.project, ignore=shutil.ignore_patterns(
            '__pycache__', 'build', '*.egg-info'))
        self.run_in(self.project, python, '-m', 'pip', 'install', '-q',
                    '--disable-pip-version-check', '--no-deps', '-e', '.')
        self.python = python

    def tidings(self, *argv, ok=(0,)):
        return self.run_in(self.project, os.path.join(
            self.venv, 'bin', 'tidings'), *argv, ok=ok)

    def build_docs(self):
        out = os.path.join(self.project, 'doc', 'build', 'html')
        self.run_in(self.project, os.path.join(self.venv, 'bin',
                                               'sphinx-build'),
                    '-W', '-q', '-b', 'html', 'doc/source', out)
        with open(os.path.join(out, 'index.html'), encoding='utf-8') as f:
            return f.read()

    def edit(self, path, old, new):
        path = os.path.join(self.project, path)
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        self.assertIn(old, text)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text.replace(old, new, 1))

    def test_every_check_passes_in_the_example_with_no_flags(self):
        check = self.tidings('fingerprints', 'check')
        self.assertIn('acme.BackupPayload', check.stdout)
        # its catalog alone: no bundled payload is looked at
        self.assertNotIn('watcher.', check.stdout + check.stderr)
        self.assertNotIn('demo.', check.stdout + check.stderr)
        samples = self.tidings('samples', 'check')
        self.assertNotIn('magnetodb', samples.stdout + samples.stderr)
        self.tidings('config', 'validate', 'etc/acme-backup.conf')
        listed = self.tidings('events', 'list')
        self.assertIn('acme.backup.create.error', listed.stdout)
        self.assertNotIn('audit.create', listed.stdout)
        html = self.build_docs()
        self.assertIn('acme.backup.create.end', html)
        self.run_in(self.project, self.python, '-m', 'unittest',
                    'discover', '-s', 'tests', '-t', '.')

    def test_a_change_without_a_bump_fails_and_a_bump_passes(self):
        # a new optional field, VERSION left at 1.0
        self.edit('acme_backup/notifications.py',
                  "        'fault': fields.ObjectField('ExceptionPayload', "
                  "nullable=True),\n",
                  "        'fault': fields.ObjectField('ExceptionPayload', "
                  "nullable=True),\n"
                  "        'comment': fields.StringField(nullable=True),\n")
        failed = self.tidings('fingerprints', 'check', ok=(1,))
        report = failed.stdout + failed.stderr
        self.assertIn('BackupPayload', report)
        self.assertIn('comment', report)
        self.assertRegex(report, re.compile('minor', re.I))
        # bumped: update locks 1.1 beside 1.0, check passes
        self.edit('acme_backup/notifications.py',
                  '    """A backup of a volume."""\n\n    VERSION = \'1.0\'',
                  '    """A backup of a volume."""\n\n    VERSION = \'1.1\'')
        self.tidings('fingerprints', 'update')
        self.tidings('fingerprints', 'check')
        self.tidings('samples', 'generate')
        self.tidings('samples', 'check')
        html = self.build_docs()
        history = html[html.find('BackupPayload'):]
        self.assertIn('1.0', history)
        self.assertIn('1.1', history)
