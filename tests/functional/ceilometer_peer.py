"""Ceilometer 27 as a consumer peer: its own virtualenv, one driver run.

Ceilometer cannot share tidings' interpreter (its pins differ), so it gets
a virtualenv of its own, kept by the machine across clones and runs:
``~/.cache/tidings/venv-ceilometer-27`` (``TIDINGS_CEILOMETER_VENV``
overrides the path).  :func:`ensure` creates it on first use with ``pip
install ceilometer==27.*`` (about 80 s; ``tools/test-setup.sh`` calls it
before the tests, and the functional test calls it again, so a fresh clone
gets it either way).  A lock serialises two creators, and a marker file
written last tells a finished virtualenv from one a killed install left
behind, which is removed and made again.

:func:`run` runs :mod:`ceilometer_driver` there once, with every message
in one request (one interpreter start, one definitions load), and returns
its JSON answer.

Run as a script (``python3 tests/functional/ceilometer_peer.py``) it only
makes sure the virtualenv exists; it imports nothing but the standard
library, so any Python 3 can run it.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys

CEILOMETER_REQ = 'ceilometer==27.*'
VENV = os.environ.get('TIDINGS_CEILOMETER_VENV') or os.path.join(
    os.path.expanduser('~'), '.cache', 'tidings', 'venv-ceilometer-27')
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'ceilometer_driver.py')
_MARKER = '.tidings-complete'


class Unavailable(Exception):
    """The Ceilometer virtualenv cannot be made or run; says why."""


def _python():
    return os.path.join(VENV, 'bin', 'python')


def ensure(log=sys.stderr):
    """The virtualenv's interpreter, creating the virtualenv if needed;
    :class:`Unavailable` says why it cannot be."""
    if os.path.exists(os.path.join(VENV, _MARKER)):
        return _python()
    try:
        os.makedirs(os.path.dirname(VENV), exist_ok=True)
        with open(VENV + '.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.exists(os.path.join(VENV, _MARKER)):
                _create(log)
    except OSError as exc:
        raise Unavailable('cannot create the Ceilometer virtualenv %s: %s'
                          % (VENV, exc)) from None
    return _python()


def _create(log):
    if os.path.exists(VENV):
        shutil.rmtree(VENV)
    print('installing %s into %s (once, about a minute and a half)...'
          % (CEILOMETER_REQ, VENV), file=log)
    base = getattr(sys, '_base_executable', None) or sys.executable
    for step in ([base, '-m', 'venv', VENV],
                 [_python(), '-m', 'pip', 'install', '-q', CEILOMETER_REQ]):
        proc = subprocess.run(step, capture_output=True, text=True)
        if proc.returncode != 0:
            raise Unavailable('cannot create the Ceilometer virtualenv %s: '
                              '%s failed (exit %d): %s' % (
                                  VENV, ' '.join(step[-3:]),
                                  proc.returncode,
                                  proc.stderr.strip()[-2000:]))
    with open(os.path.join(VENV, _MARKER), 'w') as marker:
        marker.write(CEILOMETER_REQ + '\n')


def run(request, timeout=600):
    """Run the driver on ``request`` (see :mod:`ceilometer_driver`) and
    return its answer."""
    python = ensure()
    proc = subprocess.run([python, DRIVER], input=json.dumps(request),
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError('the Ceilometer driver failed (exit %d):\n%s' % (
            proc.returncode, proc.stderr[-4000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == '__main__':
    try:
        print(ensure())
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
