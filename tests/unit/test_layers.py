"""Imports point only down the layers of doc/source/architecture.rst.

Every module of the ``tidings`` package is parsed (not imported) and each
of its imports, at module level or inside a function, ``import x``,
``from x import y`` and ``from . import y`` alike, is mapped to the layer
it reaches.  A module may import its own layer and any layer below it;
an import of a layer on the same rank or above fails the test, naming the
module, the line and the two layers.
"""

import ast
import os

import testtools

import tidings

PACKAGE_DIR = os.path.dirname(os.path.abspath(tidings.__file__))

#: Top to bottom, as the architecture page states.  Layers on one rank do
#: not import each other.  ``tidings`` itself (``tidings/__init__.py``,
#: the public surface) sits above them all.
RANKS = (
    ('tidings',),
    ('cmd',),
    ('sphinxext', 'testing', 'middleware', 'consumer'),
    ('exports',),
    ('samples',),
    ('catalogs',),
    ('notifications',),
    ('backends',),
    ('conf',),
    ('errors',),
    ('objects', 'burstlog'),
)
RANK = {layer: index for index, names in enumerate(RANKS)
        for layer in names}


def module_name(path):
    rel = os.path.relpath(path, os.path.dirname(PACKAGE_DIR))
    parts = rel[:-len('.py')].split(os.sep)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def modules():
    """``(name, path, is_package)`` of every module of tidings."""
    for folder, _dirs, files in os.walk(PACKAGE_DIR):
        for file_name in sorted(files):
            if file_name.endswith('.py'):
                path = os.path.join(folder, file_name)
                yield (module_name(path), path,
                       file_name == '__init__.py')


def is_module(name):
    """True when ``name`` (``tidings.x.y``) is a module or package."""
    base = os.path.join(os.path.dirname(PACKAGE_DIR), *name.split('.'))
    return (os.path.isfile(base + '.py')
            or os.path.isfile(os.path.join(base, '__init__.py')))


def imported(name, tree, is_package):
    """``(line, module imported)`` for each tidings import in ``tree``,
    wherever it is (module level or in a function)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = name.split('.')
                if not is_package:
                    parts.pop()
                parts = parts[:len(parts) - (node.level - 1)]
                source = '.'.join(parts + ([node.module]
                                           if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                # ``from tidings import conf`` reaches tidings.conf, not
                # the package surface; ``from tidings.x import Name``
                # reaches tidings.x
                candidate = '%s.%s' % (source, alias.name)
                yield node.lineno, (candidate if is_module(candidate)
                                    else source)


def layer_of(name):
    parts = name.split('.')
    return parts[1] if len(parts) > 1 else parts[0]


def upward_imports():
    """``module:line imports target: layer -> layer (rank)`` messages."""
    out = []
    for name, path, is_package in modules():
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), path)
        layer = layer_of(name)
        for line, target in imported(name, tree, is_package):
            if target != 'tidings' and not target.startswith('tidings.'):
                continue
            other = layer_of(target)
            if other == layer:
                continue
            if other not in RANK or layer not in RANK:
                out.append('%s:%d imports %s: layer %s or %s is not in '
                           'RANKS (add it where the architecture page '
                           'puts it)' % (name, line, target, layer, other))
            elif RANK[other] <= RANK[layer]:
                out.append('%s:%d imports %s: %s -> %s points %s' % (
                    name, line, target, layer, other,
                    'up' if RANK[other] < RANK[layer] else
                    'sideways (same rank)'))
    return out


class TestLayers(testtools.TestCase):

    def test_every_layer_is_ranked(self):
        found = {layer_of(name) for name, _path, _pkg in modules()}
        self.assertEqual(set(), found - set(RANK))

    def test_imports_point_down(self):
        problems = upward_imports()
        self.assertEqual([], problems, '\n'.join(problems))

    def test_the_check_sees_deferred_and_relative_imports(self):
        tree = ast.parse(
            'def f():\n'
            '    from tidings import catalogs\n'
            'from . import payload\n'
            'from .. import cmd\n')
        self.assertEqual(
            [(2, 'tidings.catalogs'), (3, 'tidings.notifications.payload'),
             (4, 'tidings.cmd')],
            sorted(imported('tidings.notifications.validator', tree,
                            False)))
