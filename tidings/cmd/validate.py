"""``tidings validate``: check received notifications against the JSON
Schemas of their payload versions (the consumer-side validator).

Input: files (or ``-`` for standard input) holding one JSON message, a
JSON list of messages, or one message per line (what the jsonfile backend
writes), in UTF-8 and strict JSON (RFC 8259: no bare NaN or Infinity; at
most 100 levels of nesting).  With catalogs (``--catalog
NAME|PKG.MOD:ATTR``; by default the project's [tool.tidings] catalogs, else
every installed one) a message's event type must be one of theirs and its
payload the event's payload class.  The schemas come from the selected
catalogs' lock files; ``--lock`` (repeatable: the files are merged, every
version of every file is accepted; two files disagreeing on one version is
an error) overrides them.

Exit 0 when every message is valid, 1 when one is not (findings), 2 on
unusable input (a file missing, unreadable, not UTF-8 or not JSON) or
options.
"""

import os
import sys

from tidings.cmd import selection
from tidings.notifications import validator as validator_mod
from tidings.objects import errors
from tidings.objects import strictjson


def register(subparsers):
    parser = subparsers.add_parser(
        'validate', help='validate notifications against their schemas',
        description=__doc__.split('\n\n')[0].replace('``', ''))
    parser.add_argument('files', nargs='+', metavar='FILE',
                        help='JSON file(s) of wire messages; - reads stdin')
    selection.add_lock_option(parser, repeatable=True,
                              what='lock file with the released schemas')
    selection.add_catalog_option(parser)
    parser.add_argument('--no-catalogs', action='store_true',
                        help='check the payload schemas only: accept any '
                             'event type (for events of no selected '
                             'catalog, e.g. with a service\'s own --lock)')
    parser.set_defaults(func=run)


def _read(path):
    """The bytes of ``path`` (``-``: standard input)."""
    if path == '-':
        stream = getattr(sys.stdin, 'buffer', None)
        return stream.read() if stream is not None else \
            sys.stdin.read().encode('utf-8', 'surrogateescape')
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except OSError as exc:
        raise errors.InputFileError(path, strictjson.describe_oserror(
            exc)) from None


def _accepted(exc):
    if not exc.syntax:
        return str(exc)
    return ('%s; accepted: one JSON message, a JSON list, or one message '
            'per line' % exc)


def _messages(path):
    """The messages in ``path``: a message, a list, or one per line."""
    where = 'standard input' if path == '-' else path
    try:
        text = strictjson.decode(_read(path))
        strictjson.check_depth(text)
    except strictjson.JSONInputError as exc:
        raise errors.InputFileError(where, str(exc)) from None
    if not text.strip():
        raise errors.InputFileError(where, 'is empty: no message to check; '
                                    'accepted: one JSON message, a JSON '
                                    'list, or one message per line')
    try:
        data = strictjson.loads(text)
    except strictjson.JSONInputError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                 if line.strip()]
        if len(lines) < 2 or not whole.syntax:
            raise errors.InputFileError(where, _accepted(whole)) from None
        data = []
        for number, line in lines:
            try:
                data.append(strictjson.loads(line))
            except strictjson.JSONInputError as exc:
                raise errors.InputFileError(
                    '%s line %d' % (where, number), _accepted(exc)) from None
    return data if isinstance(data, list) else [data]


def _printable(text):
    """``text`` with lone surrogates escaped, so printing it to a UTF-8
    stream cannot fail."""
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')


def _locks(selected):
    """The selected catalogs' lock files (each once)."""
    paths = []
    for one in selected:
        if one.lock is None:
            raise selection.no_contract('lock', [one], '--lock FILE')
        if one.lock not in paths:
            if not os.path.exists(one.lock):
                raise errors.LockFileError(
                    one.lock, 'does not exist (the lock file of catalog %s); '
                    'create it with `tidings fingerprints update`%s' % (
                        one.registry.name, '' if one.project else
                        ' --catalog %s' % one.registry.name))
            paths.append(one.lock)
    return paths


def run(args, out=None):
    out = out or sys.stdout
    if args.no_catalogs and args.catalogs:
        raise errors.TidingsError('--no-catalogs and --catalog %s: choose '
                                  'one' % ', '.join(args.catalogs))
    selected = selection.contracts(args)
    registries = [] if args.no_catalogs else [c.registry for c in selected]
    validator = validator_mod.NotificationValidator(
        args.lock or _locks(selected), registries)
    batches = [(path, _messages(path)) for path in args.files]
    checked = bad = 0
    for path, messages in batches:
        for index, message in enumerate(messages, 1):
            checked += 1
            try:
                problems = validator.errors(message)
            except errors.MalformedNotificationError as exc:
                problems = [str(exc)]
            if problems:
                bad += 1
                label = message.get('event_type', '?') if isinstance(
                    message, dict) else '?'
                print(_printable('%s #%d (%s): invalid' % (path, index,
                                                           label)),
                      file=out)
                for problem in problems:
                    print(_printable('  ' + problem), file=out)
    print('%d message(s) checked: %d valid, %d invalid' % (
        checked, checked - bad, bad), file=out)
    return 1 if bad else 0
