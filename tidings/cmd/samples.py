"""``tidings samples generate|check``: the JSON samples of the catalogs.

``generate`` writes ``<dir>/<catalog>/<event_type>.json`` for every event
(and deletes sample files whose event is gone); ``check`` exits 1 listing
each drifted sample with a unified diff, each event without a sample and
each sample without an event.  Both take the selected catalogs
(``--catalog NAME`` or ``--catalog PKG.MOD:ATTR``; by default the catalogs
of the project's [tool.tidings], else every installed catalog), each with
its own samples folder (``--samples DIR`` overrides it; ``--module
PKG.MOD:ATTR`` is a deprecated spelling of ``--catalog``).  ``generate``
never writes into an installed package.
"""

import os
import sys

from tidings import catalogs
from tidings import samples
from tidings.cmd import selection
from tidings.objects import errors
from tidings.objects import strictjson


def register(subparsers):
    parser = subparsers.add_parser(
        'samples', help='generate or check the JSON sample of every event',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    sub = parser.add_subparsers(dest='samples_command', metavar='ACTION')
    sub.required = True

    gen = sub.add_parser('generate', help='write the samples')
    _selection(gen, ('--samples', '--output', '-o', '-s'))
    gen.add_argument('--no-prune', dest='prune', action='store_false',
                     help='keep sample files whose event is gone')
    gen.set_defaults(func=generate)

    chk = sub.add_parser('check', help='exit 1 when samples disagree with '
                         'the registries')
    _selection(chk, ('--samples', '-s'))
    chk.set_defaults(func=check)


def _selection(parser, folder_options):
    selection.add_catalog_option(parser, short=True)
    parser.add_argument('--module', '-m', metavar='PKG.MOD:ATTR',
                        dest='catalogs',
                        action=selection.DeprecatedCatalogAlias,
                        help='deprecated: use --catalog PKG.MOD:ATTR')
    parser.add_argument(*folder_options, dest='samples', metavar='DIR',
                        default=None, action=selection.StoreOnce,
                        help='samples folder (default: the selected '
                        'catalogs\' samples folder: [tool.tidings] '
                        'samples, else the registry\'s samples=)')


def folders(args):
    """``{samples folder: [Contract, ...]}`` of the selection."""
    selected = selection.contracts(args, samples=args.samples)
    by_folder = selection.group(selected, 'samples')
    if None in by_folder:
        raise selection.no_contract('samples', by_folder[None],
                                    '--samples DIR')
    return by_folder


def registries(args):
    """The selected registries."""
    return [one.registry for group in folders(args).values()
            for one in group]


def _what(args):
    """How the samples folder was named, for messages."""
    option = getattr(args, '_option_samples', None)
    return {'-o': '--output', '-s': '--samples'}.get(option, option) or \
        'samples folder'


def _regenerate_command(args, group, several):
    return selection.command(['tidings', 'samples', 'generate'], args,
                             group, several, samples=args.samples)


def generate(args):
    by_folder = folders(args)
    for folder, group in by_folder.items():
        catalogs.refuse_installed(folder, 'samples', group)
    status = 0
    for folder, group in by_folder.items():
        try:
            status = max(status, _generate(group, folder, args.prune))
        except OSError as exc:
            raise errors.InputFileError(
                folder, 'cannot write the samples: %s: %s; accepted: a '
                'folder that exists or can be created, and is writable' % (
                    exc.filename or folder, strictjson.describe_oserror(
                        exc)), what=_what(args)) from None
    return status


def _generate(group, folder, prune):
    status = 0
    for one in group:
        registry = one.registry
        missing = samples.missing_inputs(registry)
        if missing:
            status = 1
            for sampled in missing:
                print('no-input: %s event %s (%s) declares no sample= '
                      'input' % (registry.name, sampled.name,
                                 sampled.event_type_str), file=sys.stderr)
        written, removed = samples.write(registry, folder, prune,
                                         strict=False)
        for path in written:
            print('wrote %s' % selection.display(path))
        for path in removed:
            print('removed %s' % selection.display(path))
    return status


def check(args):
    by_folder = folders(args)
    several = len(by_folder) > 1
    problems, count = [], 0
    for folder, group in by_folder.items():
        if not os.path.isdir(folder):
            raise errors.InputFileError(
                folder, '%s; accepted: a samples folder (write one with: '
                '%s)' % ('is not a folder' if os.path.exists(folder)
                         else 'does not exist',
                         _regenerate_command(args, group, several)),
                what=_what(args))
        found = []
        for one in group:
            found.extend(samples.check(one.registry, folder))
        if not args.catalogs:
            found.extend(samples.orphan_catalogs(
                folder, {one.registry.name for one in group}))
        for problem in found:
            print(problem)
        if found:
            print('%d sample problem(s) in %s; regenerate with: %s' % (
                len(found), selection.display(folder),
                _regenerate_command(args, group, several)), file=sys.stderr)
        problems.extend(found)
        count += len(group)
    if problems:
        return 1
    print('%d catalog(s), samples up to date in %s' % (
        count, ', '.join(selection.display(f) for f in by_folder)))
    return 0
