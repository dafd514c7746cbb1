"""The README's Quick look runs as written and shows something."""

import os
import re
import subprocess
import sys

import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def quick_look():
    with open(os.path.join(ROOT, 'README.rst'), encoding='utf-8') as handle:
        text = handle.read()
    block = re.search(r'\.\. code-block:: python\n\n((?:    .*\n|\n)+)',
                      text).group(1)
    return '\n'.join(line[4:] for line in block.splitlines())


class TestReadme(testtools.TestCase):

    def test_the_first_two_lines_are_the_two_commands(self):
        with open(os.path.join(ROOT, 'README.rst'), encoding='utf-8') as f:
            first = [f.readline().strip() for _ in range(3)]
        self.assertIn('``pip install . && tidings demo``', first[0])
        self.assertIn('``pip install tox && tox -e py3``', first[2])

    def test_quick_look_prints_its_notifications(self):
        done = subprocess.run([sys.executable, '-c', quick_look()],
                              capture_output=True, text=True, timeout=60,
                              cwd=ROOT)
        self.assertEqual(0, done.returncode, done.stderr)
        lines = [line for line in done.stderr.splitlines()
                 if line.startswith('INFO demo.backup.create.')]
        self.assertEqual(['start', 'end'], [
            line.split()[1].rsplit('.', 1)[1] for line in lines],
            done.stderr)
        self.assertIn('backup-api:', lines[0])
