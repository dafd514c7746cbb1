"""``tidings samples generate|check``: the JSON samples of the catalogs.

``generate`` writes ``<dir>/<catalog>/<event_type>.json`` for every event
(and deletes sample files whose event is gone); ``check`` exits 1 listing
each drifted sample with a unified diff, each event without a sample and
each sample without an event.  Both take installed catalogs
(``--catalog NAME``, default all) and any service's registry
(``--module package.module:EVENTS``).
"""

import os
import sys

from tidings import catalogs
from tidings import samples
from tidings.objects import errors
from tidings.objects import strictjson


def register(subparsers):
    parser = subparsers.add_parser(
        'samples', help='generate or check the JSON sample of every event',
        description=__doc__.split('\n\n')[1])
    sub = parser.add_subparsers(dest='samples_command', metavar='ACTION')
    sub.required = True

    gen = sub.add_parser('generate', help='write the samples')
    _selection(gen)
    gen.add_argument('--output', '-o', default=samples.DEFAULT_DIR,
                     metavar='DIR', help='samples folder (default: '
                     '%(default)s)')
    gen.add_argument('--no-prune', dest='prune', action='store_false',
                     help='keep sample files whose event is gone')
    gen.set_defaults(func=generate)

    chk = sub.add_parser('check', help='exit 1 when samples disagree with '
                         'the registries')
    _selection(chk)
    chk.add_argument('--samples', '-s', default=samples.DEFAULT_DIR,
                     metavar='DIR', help='samples folder (default: '
                     '%(default)s)')
    chk.set_defaults(func=check)


def _selection(parser):
    parser.add_argument('--catalog', '-c', action='append', default=[],
                        metavar='NAME', help='an installed catalog '
                        '(repeatable; default: every installed catalog)')
    parser.add_argument('--module', '-m', action='append', default=[],
                        metavar='PKG.MOD:ATTR', help='an EventRegistry to '
                        'load by import path (repeatable)')


def registries(args):
    """The selected registries; every installed catalog by default."""
    for spec in args.module:
        if ':' not in spec:
            raise errors.TidingsError(
                '--module %r: expected PKG.MOD:ATTR, the import path of an '
                'EventRegistry (e.g. mysvc.notifications:EVENTS); for an '
                'installed catalog use --catalog %s' % (spec, spec))
    specs = list(args.catalog) + list(args.module)
    if not specs:
        return catalogs.load_all()
    return [samples.load_registry(spec) for spec in specs]


def _regenerate_command(args, folder):
    words = ['tidings samples generate']
    words += ['--catalog %s' % c for c in args.catalog]
    words += ['--module %s' % m for m in args.module]
    words.append('--output %s' % folder)
    return ' '.join(words)


def generate(args):
    try:
        return _generate(args)
    except OSError as exc:
        raise errors.InputFileError(
            args.output, 'cannot write the samples: %s: %s; accepted: a '
            'folder that exists or can be created, and is writable' % (
                exc.filename or args.output, strictjson.describe_oserror(
                    exc)), what='--output') from None


def _generate(args):
    status = 0
    for registry in registries(args):
        missing = samples.missing_inputs(registry)
        if missing:
            status = 1
            for sampled in missing:
                print('no-input: %s event %s (%s) declares no sample= '
                      'input' % (registry.name, sampled.name,
                                 sampled.event_type_str), file=sys.stderr)
        written, removed = samples.write(registry, args.output, args.prune,
                                         strict=False)
        for path in written:
            print('wrote %s' % path)
        for path in removed:
            print('removed %s' % path)
    return status


def check(args):
    if not os.path.isdir(args.samples):
        raise errors.InputFileError(
            args.samples, '%s; accepted: a samples folder (write one with: '
            '%s)' % ('is not a folder' if os.path.exists(args.samples)
                     else 'does not exist',
                     _regenerate_command(args, args.samples)),
            what='--samples')
    problems = []
    selected = registries(args)
    for registry in selected:
        problems.extend(samples.check(registry, args.samples))
    if not args.catalog and not args.module:
        problems.extend(samples.orphan_catalogs(
            args.samples, {r.name for r in selected}))
    for problem in problems:
        print(problem)
    if problems:
        print('%d sample problem(s); regenerate with: %s' % (
            len(problems), _regenerate_command(args, args.samples)),
            file=sys.stderr)
        return 1
    print('%d catalog(s), samples up to date in %s' % (len(selected),
                                                        args.samples))
    return 0
