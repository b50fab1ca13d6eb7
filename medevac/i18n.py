"""Languages: which one a planner reads, its catalogue of words, and its numbers and dates.

The words of :mod:`medevac.messages` are English message ids marked with :func:`N_`; a
language is a gettext catalogue of them, ``medevac/locale/<lang>/LC_MESSAGES/medevac.po``,
compiled in memory the first time it is asked for (no build step: the ``.po`` ships as
package data). ``docs/i18n.md`` says how words are added and translated.

The current language is a context variable, so that each session of the app, each thread
and each call of :func:`medevac.cli.main` has its own: :func:`using` sets it for a block.
Nothing here reads the environment unless asked: the core speaks English until a caller
(the command line, the app) chooses with :func:`resolve_language`, which takes an explicit
choice (``--lang``), else ``MEDEVAC_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``), else English.

Data never changes language: the JSON and CSV documents keep their English keys and values.

>>> with using("fr"):
...     gettext("first aid"), format_minutes(131.0), format_integer(8722), format_percent(0.35)
('premiers secours', '131,0 min', '8\\u202f722', '35\\xa0%')
>>> format_minutes(131.0), format_integer(8722), format_percent(0.35)
('131.0 min', '8,722', '35%')
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import numbers
import os
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from importlib import resources
from typing import Any

from medevac.errors import MedevacError

LANGUAGES: tuple[str, ...] = ("en", "fr")
"""The languages medevac speaks: English (the message ids themselves) and French."""

DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "Français"}
"""Each language named in itself, as a language selector lists them."""

DOMAIN = "medevac"
"""The gettext domain: the catalogue's file name, ``medevac.po``."""

ENVIRONMENT_VARIABLE = "MEDEVAC_LANG"

LOCALE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The POSIX locale variables, in their order of precedence."""

_language: ContextVar[str] = ContextVar("medevac_language", default=DEFAULT_LANGUAGE)


class LanguageError(ValueError, MedevacError):
    """A language medevac does not speak was asked for."""


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for the catalogue without translating it (dictionary values,
    constants): the accessor that reads it translates it with :func:`gettext`."""
    return message


# -- choosing the language ---------------------------------------------------------------------


def _language_code(tag: str) -> str:
    """``fr_FR.UTF-8`` -> ``fr``; ``fr-CA`` -> ``fr``; ``EN`` -> ``en``."""
    return re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()


def check_language(language: str, source: str = "the language") -> str:
    """``language`` as a code medevac speaks (``fr_FR`` -> ``fr``), else a
    :class:`LanguageError` naming where it came from and what is allowed."""
    code = _language_code(language)
    if code not in LANGUAGES:
        raise LanguageError(
            f"{source}: unknown language {language!r}; allowed: {', '.join(LANGUAGES)} "
            "(or a locale such as fr_FR.UTF-8)"
        )
    return code


def resolve_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language a command speaks: ``explicit`` (``--lang``), else ``MEDEVAC_LANG``, else the
    first locale variable set (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.

    An explicit choice or ``MEDEVAC_LANG`` that medevac does not speak is an error; a locale in
    a language it does not speak (``de_DE.UTF-8``, ``C``) falls back to English, since nobody
    asked medevac for it.

    >>> resolve_language(None, {"LANG": "fr_FR.UTF-8"}), resolve_language("en", {"LANG": "fr_FR"})
    ('fr', 'en')
    >>> resolve_language(None, {"MEDEVAC_LANG": "fr", "LANG": "C.UTF-8"}), resolve_language(None, {})
    ('fr', 'en')
    >>> resolve_language(None, {"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"})
    'en'
    """
    env = os.environ if environ is None else environ
    if explicit:
        return check_language(explicit, "--lang")
    if env.get(ENVIRONMENT_VARIABLE):
        return check_language(env[ENVIRONMENT_VARIABLE], ENVIRONMENT_VARIABLE)
    for name in LOCALE_VARIABLES:
        if env.get(name):  # the first one set decides, as in POSIX
            code = _language_code(env[name])
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of this context (``en`` unless a caller chose another)."""
    return _language.get()


def set_language(language: str) -> Token[str]:
    """Make ``language`` this context's; returns the token that :func:`reset_language` takes."""
    return _language.set(check_language(language))


def reset_language(token: Token[str]) -> None:
    _language.reset(token)


@contextmanager
def using(language: str) -> Iterator[str]:
    """Speak ``language`` within the block, then the language before it again."""
    token = set_language(language)
    try:
        yield current_language()
    finally:
        _language.reset(token)


# -- catalogues --------------------------------------------------------------------------------


def catalogue_path(language: str) -> resources.abc.Traversable:
    """Where a language's ``.po`` lives inside the package."""
    return resources.files("medevac") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """A language's catalogue, compiled from its ``.po`` in memory once (fuzzy entries left
    out, as msgfmt does); English is the message ids themselves."""
    code = check_language(language)
    if code == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(code).open("rb") as po:
        catalog = read_po(po, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """``message`` in the current language (itself when the catalogue lacks it)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things, by the current language's plural rule."""
    return translations(current_language()).ngettext(singular, plural, n)


# -- numbers and dates -------------------------------------------------------------------------


def _locale(language: str | None) -> str:
    return check_language(language) if language else current_language()


def format_decimal(
    value: float, digits: int = 1, language: str | None = None, *, grouping: bool = True
) -> str:
    """A number with ``digits`` decimals and the locale's separators: ``1,234.5`` / ``1 234,5``
    (``grouping=False``: ``1234.5`` / ``1234,5``, as minutes are written in sentences)."""
    from babel.numbers import format_decimal as babel_decimal

    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    return babel_decimal(value, format=pattern, locale=_locale(language))


def format_integer(value: int, language: str | None = None) -> str:
    """A whole number with the locale's grouping: ``8,722`` in English, ``8 722`` in French."""
    from babel.numbers import format_decimal as babel_decimal

    return babel_decimal(int(value), format="#,##0", locale=_locale(language))


def format_minutes(value: float, digits: int = 1, language: str | None = None) -> str:
    """Minutes as the sentences write them: ``131.0 min`` / ``131,0 min`` (no grouping:
    ``2111.3 min``, as in the limiting factors)."""
    return f"{format_decimal(value, digits, language, grouping=False)} min"


def format_percent(share: float, language: str | None = None) -> str:
    """A share as a whole percentage, the locale's way: ``35%`` / ``35 %``."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(share, locale=_locale(language))


def format_date(value: dt.date, language: str | None = None) -> str:
    """A date, the locale's medium form: ``Mar 15, 2027`` / ``15 mars 2027``."""
    from babel.dates import format_date as babel_date

    return babel_date(value, format="medium", locale=_locale(language))


def format_datetime(value: dt.datetime, language: str | None = None) -> str:
    """A date and time, the locale's medium form (its time zone as given)."""
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(value, format="medium", locale=_locale(language))


def chart_number_locale(language: str | None = None) -> dict[str, Any]:
    """The locale's number symbols as a chart's JavaScript formatter takes them (d3-format's
    locale, which Vega-Lite reads from ``config.locale.number``): ``52,3`` in a French chart.

    >>> chart_number_locale("fr")["decimal"], chart_number_locale("en")["thousands"]
    (',', ',')
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    code = _locale(language)
    return {
        "decimal": get_decimal_symbol(code),
        "thousands": get_group_symbol(code),
        "grouping": [3],
        "currency": ["", ""],
    }


class _LocaleFormatter(string.Formatter):
    """``str.format`` whose numeric fields use the locale's decimal and group symbols."""

    def __init__(self, language: str) -> None:
        from babel.numbers import get_decimal_symbol, get_group_symbol

        self.language = language
        self.symbols = str.maketrans({".": get_decimal_symbol(language), ",": get_group_symbol(language)})

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy's numbers are Real
            return str(super().format_field(value, format_spec))
        text = format(value, format_spec).translate(self.symbols)
        if format_spec.endswith("%"):  # the locale's percent sign: 12 % in French
            from babel.numbers import format_percent as babel_percent

            text = text.removesuffix("%") + babel_percent(0, locale=self.language).removeprefix("0")
        return text


def format_template(template: str, /, **fields: Any) -> str:
    """``template.format(**fields)`` with numbers in the current locale's symbols: a
    catalogue's templates keep Python's format specs (``{range_km:g}``, ``{time_min:.1f}``).

    >>> with using("fr"):
    ...     format_template("{km:.1f} km, {n:,} personnes", km=3.25, n=1050)
    '3,2 km, 1\\u202f050 personnes'
    """
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return template.format(**fields)
    return _LocaleFormatter(language).vformat(template, (), fields)


__all__ = [
    "DEFAULT_LANGUAGE",
    "ENVIRONMENT_VARIABLE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "LanguageError",
    "catalogue_path",
    "chart_number_locale",
    "check_language",
    "current_language",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_integer",
    "format_minutes",
    "format_percent",
    "format_template",
    "gettext",
    "ngettext",
    "reset_language",
    "resolve_language",
    "set_language",
    "translations",
    "using",
]
