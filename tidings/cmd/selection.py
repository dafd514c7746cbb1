"""The one catalog selection of every ``tidings`` command.

``--catalog NAME`` (an installed catalog) or ``--catalog PKG.MOD:ATTR``
(an EventRegistry that is not installed), repeatable; without it, the
catalogs of the project found from the current folder (``[tool.tidings]``
in ``pyproject.toml``), or every installed catalog outside a project.
``--lock FILE`` and ``--samples DIR`` override the selected catalogs'
contract (see :func:`tidings.catalogs.select`).
"""

import argparse
import os
import shlex
import sys

from tidings import catalogs
from tidings.objects import errors

CATALOG_HELP = (
    'a catalog: an installed one by NAME or one that is not installed by '
    'PKG.MOD:ATTR (repeatable; default: the catalogs of [tool.tidings] in '
    'the nearest pyproject.toml, else every installed catalog)')


class StoreOnce(argparse.Action):
    """Store an option's value, refusing it a second time (rather than
    keeping the last one silently)."""

    def __call__(self, parser, namespace, values, option_string=None):
        seen = '_seen_' + self.dest
        if getattr(namespace, seen, None) is not None:
            raise argparse.ArgumentError(self, 'given twice (%s, then %s); '
                                         'accepted: %s once' % (
                                             getattr(namespace, seen),
                                             values, option_string))
        setattr(namespace, seen, values)
        setattr(namespace, '_option_' + self.dest, option_string)
        setattr(namespace, self.dest, values)


class DeprecatedCatalogAlias(argparse.Action):
    """``--module PKG.MOD:ATTR`` of ``samples``: a deprecated spelling of
    ``--catalog`` (a value without ``:`` is refused with the right form)."""

    def __call__(self, parser, namespace, values, option_string=None):
        if ':' not in values:
            raise argparse.ArgumentError(self,
                '--module %r: expected PKG.MOD:ATTR, the import path of an '
                'EventRegistry (e.g. mysvc.notifications:EVENTS); for an '
                'installed catalog use --catalog %s' % (values, values))
        print('tidings: warning: --module is deprecated; use --catalog %s'
              % (values,), file=sys.stderr)
        selected = getattr(namespace, self.dest, None) or []
        setattr(namespace, self.dest, selected + [values])


def add_catalog_option(parser, short=False):
    """``--catalog`` (``dest='catalogs'``, a list or None)."""
    names = ('--catalog', '-c') if short else ('--catalog',)
    parser.add_argument(*names, metavar='NAME|PKG.MOD:ATTR',
                        action='append', default=None, dest='catalogs',
                        help=CATALOG_HELP)


def add_lock_option(parser, repeatable=False, what='lock file'):
    if repeatable:
        parser.add_argument(
            '--lock', metavar='FILE', action='append', default=None,
            help='%s (repeatable: the files are merged; default: the '
                 'selected catalogs\' lock files)' % what)
    else:
        parser.add_argument(
            '--lock', metavar='FILE', default=None, action=StoreOnce,
            help='%s, once (default: the selected catalogs\' lock file: '
                 '[tool.tidings] lock, else the registry\'s lock=)' % what)


def contracts(args, lock=None, samples=None):
    """The selected catalogs' :class:`~tidings.catalogs.Contract` list."""
    return catalogs.select(getattr(args, 'catalogs', None) or None,
                           lock=lock, samples=samples)


def registries(args):
    return [c.registry for c in contracts(args)]


def group(selected, attr):
    """``{path: [contract, ...]}`` of ``selected`` by ``attr`` (``lock`` or
    ``samples``), in selection order; a None key holds the catalogs that
    name none."""
    out = {}
    for one in selected:
        out.setdefault(getattr(one, attr), []).append(one)
    return out


def command(words, args, group_contracts=(), several=False, lock=None,
            samples=None, modules=()):
    """The command line that redoes ``words`` for this selection: the
    ``--catalog`` options given (or, when the selection spans several
    contracts, the group's catalogs), plus the explicit paths."""
    out = list(words)
    if getattr(args, 'no_catalogs', False):
        out.append('--no-catalogs')
    else:
        given = getattr(args, 'catalogs', None)
        if several or given:
            specs = given if (given and not several) else [
                c.registry.name for c in group_contracts]
            for spec in specs:
                out += ['--catalog', spec]
    for module in modules:
        out += ['--module', module]
    if lock:
        out += ['--lock', lock]
    if samples:
        out += ['--samples', samples]
    return ' '.join(shlex.quote(w) for w in out)


def no_contract(what, selected, option):
    """The error for catalogs that name no lock file / samples folder."""
    names = sorted({c.registry.name for c in selected})
    key = 'lock' if what == 'lock' else 'samples'
    example = ('mysvc/payloads.lock.json' if key == 'lock'
               else 'doc/source/samples')
    return errors.TidingsError(
        'catalog(s) %s name no %s; accepted: %s, [tool.tidings] '
        '%s = "%s" in your pyproject.toml, or EventRegistry(..., %s=...)' % (
            ', '.join(names),
            'lock file' if key == 'lock' else 'samples folder',
            option, key, example, key))


def display(path):
    """``path`` relative to the current folder when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir) else rel
