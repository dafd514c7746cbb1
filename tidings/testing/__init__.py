"""Helpers for a service's own test suite: capture notifications, compare
them with their samples, check payload fingerprints against the lock file.

Installed with ``pip install tidings[testing]``, which adds no test runner,
no Sphinx and no database driver.  See the user guide, *Testing your
notifications*.
"""

from tidings.testing.fingerprints import assert_fingerprints_locked
from tidings.testing.fingerprints import fingerprint_report
from tidings.testing.fixtures import assert_matches_sample
from tidings.testing.fixtures import normalize_envelope
from tidings.testing.fixtures import NotificationFixture
from tidings.testing.fixtures import sample_path

__all__ = ['NotificationFixture', 'assert_matches_sample',
           'assert_fingerprints_locked', 'fingerprint_report',
           'normalize_envelope', 'sample_path']
