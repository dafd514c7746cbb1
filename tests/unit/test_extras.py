"""The light extras of setup.cfg stay light.

``pip install tidings[testing]`` is what a service adds to its own test
requirements, and ``tidings[sphinx]`` to its docs: neither may pull in a
test runner, a database driver or the api-ref theme.  Extras may name
other extras of tidings (``tidings[a,b]``); those are followed.
"""

import configparser
import os
import re

import testtools

SETUP_CFG = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'setup.cfg')

TEST_RUNNERS = {'stestr', 'pytest', 'nose', 'nose2', 'testrepository',
                'os-testr'}
DB_DRIVERS = {'psycopg2', 'psycopg2-binary', 'psycopg', 'pymysql',
              'mysqlclient'}
SPHINX = {'sphinx'}
API_REF = {'os-api-ref', 'openstackdocstheme'}
_NAME = re.compile(r'^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?')


def extras():
    """``{extra: [requirement line, ...]}`` of setup.cfg."""
    parser = configparser.ConfigParser()
    parser.read(SETUP_CFG, encoding='utf-8')
    section = parser['options.extras_require']
    return {name: [line.strip() for line in value.splitlines()
                   if line.strip() and not line.strip().startswith('#')]
            for name, value in section.items()}


def install_requires():
    """The canonical names of the core requirements."""
    parser = configparser.ConfigParser()
    parser.read(SETUP_CFG, encoding='utf-8')
    return {canonical(_NAME.match(line).group(1))
            for line in parser['options']['install_requires'].splitlines()
            if line.strip()}


def canonical(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def requirements(extra, table=None, seen=None):
    """The canonical package names ``tidings[extra]`` adds, following
    ``tidings[other]`` references."""
    table = extras() if table is None else table
    seen = set() if seen is None else seen
    if extra in seen:
        return set()
    seen.add(extra)
    out = set()
    for line in table[extra]:
        match = _NAME.match(line)
        name = canonical(match.group(1))
        if name == 'tidings':
            for other in (match.group(2) or '').split(','):
                out |= requirements(other.strip(), table, seen)
        else:
            out.add(name)
    return out


class TestLightExtras(testtools.TestCase):

    def test_testing_adds_no_runner_no_sphinx_no_database_driver(self):
        added = requirements('testing')
        self.assertEqual(set(), added & (TEST_RUNNERS | DB_DRIVERS | SPHINX
                                         | API_REF))

    def test_core_requires_no_runner_no_sphinx_no_database_driver(self):
        self.assertEqual(set(), install_requires() & (
            TEST_RUNNERS | DB_DRIVERS | SPHINX | API_REF))

    def test_testing_adds_at_most_the_fixtures_package(self):
        self.assertLessEqual(requirements('testing'), {'fixtures'})

    def test_sphinx_is_plain_sphinx(self):
        self.assertEqual({'sphinx'}, requirements('sphinx'))

    def test_docs_keeps_the_api_ref_theme_and_includes_sphinx(self):
        self.assertLessEqual(API_REF | SPHINX, requirements('docs'))

    def test_test_extra_includes_the_testing_extra(self):
        self.assertLessEqual(requirements('testing'), requirements('test'))

    def test_references_to_other_extras_are_followed(self):
        table = {'a': ['tidings[b]', 'x>=1'], 'b': ['Y_z [extra] >=2',
                                                     'tidings[a]']}
        self.assertEqual({'x', 'y-z'}, requirements('a', table))
