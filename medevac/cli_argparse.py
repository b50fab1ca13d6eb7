"""argparse's own words (``usage:``, ``options``, its error messages) through medevac's catalogue.

argparse looks each of its sentences up at the moment it prints it, through the names ``_``
and ``ngettext`` that it imported from :mod:`gettext` (Python's argparse HOWTO, "How to
translate the argparse output"): its English sentences are msgids. :func:`use_catalogue`
points those two names at lookups in medevac's catalogue in the current language (the
context variable of :mod:`medevac.i18n`), so ``medevac --lang fr check --help`` says
``utilisation :`` and ``afficher ce message d'aide et quitter``. In English, and for any
sentence the catalogue lacks, the lookups are gettext's own (the process's domain, as
before), so another program's argparse in the same process reads what it read before.

The sentences are marked below for ``make catalogue``; ``tests/test_cli_fr.py`` extracts
argparse's sentences from the running Python's ``argparse.py`` and fails on one that is
neither here nor listed as a programming error that medevac's parsers never show.
"""

from __future__ import annotations

import argparse
import gettext as _gettext

from medevac import i18n
from medevac.i18n import N_

ARGPARSE_WORDS: tuple[str, ...] = (
    # help. The headings below are followed by a colon that argparse adds itself (by a
    # format of its own before Python 3.13, by "%(heading)s:" since): their French ends in a
    # space ("options "), and "%(heading)s:" stays as it is, so that every version writes the
    # French "options :".
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),  # Python 3.13: the heading of subparsers given a title
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_(" (default: %(default)s)"),
    N_("%(heading)s:"),
    # errors in what was typed
    N_("%(prog)s: error: %(message)s\n"),
    N_("%(prog)s: warning: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("argument '%(argument_name)s' is deprecated"),
    N_("option '%(option)s' is deprecated"),
    N_("command '%(parser_name)s' is deprecated"),
)
"""argparse's sentences that a person typing a medevac command can meet."""

PROGRAMMING_ERRORS: frozenset[str] = frozenset(
    {
        "'required' is an invalid argument for positionals",
        "%r is not callable",
        ".__call__() not defined",
        'argument "-" with mode %r',
        "cannot have multiple subparser arguments",
        "cannot merge actions - two groups are named %r",
        "conflicting subparser alias: %s",
        "conflicting subparser: %s",
        "conflicting option string: %s",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "mutually exclusive arguments must be optional",
        "unknown parser %(parser_name)r (choices: %(choices)s)",
        "expected %s argument",  # nargs=N: no medevac option takes a fixed count above one
    }
)
"""argparse's sentences that medevac's parsers never show: they report a parser built wrong
(a bug, caught by the tests), or a feature the parsers do not use; left in English."""


def _lookup(message: str) -> str:
    if i18n.current_language() == i18n.DEFAULT_LANGUAGE:
        return _gettext.gettext(message)
    return i18n.gettext(message)


def _plural_lookup(singular: str, plural: str, n: int) -> str:
    if i18n.current_language() == i18n.DEFAULT_LANGUAGE:
        return _gettext.ngettext(singular, plural, n)
    return i18n.ngettext(singular, plural, n)


def use_catalogue() -> None:
    """Make argparse look its sentences up in medevac's catalogue, in the current language
    (idempotent; English lookups stay gettext's)."""
    argparse._ = _lookup  # type: ignore[attr-defined]
    argparse.ngettext = _plural_lookup  # type: ignore[attr-defined]


__all__ = ["ARGPARSE_WORDS", "PROGRAMMING_ERRORS", "use_catalogue"]
