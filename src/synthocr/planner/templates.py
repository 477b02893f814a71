"""Template texts: literals and fields filled per row by Faker and Babel in a locale, or from the corpus.

A template is a str.format-like string: `"Rechnung {invoice_number} vom {date:%d.%m.%Y} {amount:EUR}"`.
Each row seeds its own Faker instance from a seed the planner drew for it, so a row's text depends
on nothing but that seed (not on the block, the chunk or the other rows).
"""

from __future__ import annotations

import datetime
import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.planner.corpus import join_words

# Fields of our own; every other name is a Faker provider method of the locale.
CORPUS_FIELDS = ("line", "word", "words")
OWN_FIELDS = ("amount", "date", "invoice_number", *CORPUS_FIELDS)
DEFAULT_INVOICE_PATTERN = "########"
# Dates are drawn in a fixed span: Faker's own date providers draw up to "now", which changes every day.
DATE_FIRST = datetime.date(1990, 1, 1)
DATE_LAST = datetime.date(2035, 12, 31)
# Faker methods whose values depend on today's date (or have no text value): refused.
TIME_DEPENDENT = frozenset(
    {
        "credit_card_expire",
        "credit_card_full",
        "date_of_birth",
        "profile",
        "simple_profile",
        "passport_dates",
        "passport_dob",
        "passport_full",
    }
)
# A template's line breaks and tabs (YAML "a\nb", "Total:\t{amount}") are one space: a text is one line.
_BREAKS = re.compile(r" *[\t\r\n][\t\r\n ]*")
_NOT_FIELDS = frozenset(
    {"seed", "seed_instance", "seed_locale", "add_provider", "get_providers", "provider", "format", "parse"}
)


@dataclass(frozen=True)
class Field:
    """One `{name}` or `{name:arg}` of a template."""

    name: str
    arg: str


@dataclass(frozen=True)
class Template:
    """A parsed template: literal strings and fields, in order."""

    name: str
    parts: tuple[str | Field, ...]

    @property
    def fields(self) -> list[Field]:
        return [p for p in self.parts if isinstance(p, Field)]


def parse_template(name: str, text: str) -> Template:
    """Split a template into literals and fields (`{{` and `}}` are literal braces).

    Raises:
        ValueError: unbalanced braces, an empty field, attribute/index access or a `!` conversion.
    """
    parts: list[str | Field] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"{exc} (write a literal brace as {{{{ or }}}})") from None
    for literal, field, arg, conversion in parsed:
        if literal:
            parts.append(literal)
        if field is None:
            continue
        if not field or not field.isidentifier():
            raise ValueError(f"field {{{field}}} is not a name (fields look like {{iban}} or {{date:%d.%m.%Y}})")
        if conversion:
            raise ValueError(f"field {{{field}!{conversion}}}: conversions (!r, !s) are not supported")
        parts.append(Field(field, arg or ""))
    return Template(name, tuple(parts))


def uses_corpus(templates: Mapping[str, str]) -> bool:
    """Whether any template has a {line}, {word} or {words} field (which read the spec's corpus files)."""
    for name, text in templates.items():
        try:
            if any(f.name in CORPUS_FIELDS for f in parse_template(name, text).fields):
                return True
        except ValueError:
            continue
    return False


def make_faker(locale: str) -> Any:
    """A Faker for `locale` (imported here: only template specifications need it)."""
    from faker import Faker

    return Faker(locale)


def _babel_locale(locale: str) -> Any:
    """The Babel locale for a Faker locale name, falling back to its language, then to English."""
    from babel import Locale, UnknownLocaleError

    for name in (locale, locale.split("_")[0], "en_US"):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("en_US is always known")  # pragma: no cover


def words_range(arg: str) -> tuple[int, int]:
    """`{words:3}` -> (3, 3), `{words:2-4}` -> (2, 4), `{words}` -> (2, 2).

    Raises:
        ValueError: not a count or a range of counts from 1 to 50.
    """
    if not arg:
        return 2, 2
    lo, _, hi = arg.partition("-")
    try:
        a, b = int(lo), int(hi or lo)
    except ValueError:
        raise ValueError(f"{{words:{arg}}}: give a count (3) or a range (2-4)") from None
    if not 1 <= a <= b <= 50:
        raise ValueError(f"{{words:{arg}}}: counts must be from 1 to 50, lowest first")
    return a, b


def check_field(fake: Any, field: Field) -> str | None:
    """Why a field cannot be filled in this Faker's locale (None if it can)."""
    if field.name in OWN_FIELDS:
        if field.name == "words":
            try:
                words_range(field.arg)
            except ValueError as exc:
                return str(exc)
        return None
    method = getattr(fake, field.name, None) if not field.name.startswith("_") else None
    if method is None or not callable(method) or field.name in _NOT_FIELDS:
        return f"{{{field.name}}} is neither one of {list(OWN_FIELDS)} nor a Faker provider method"
    owner = type(getattr(method, "__self__", None)).__module__
    if field.name in TIME_DEPENDENT or owner.startswith("faker.providers.date_time"):
        return (
            f"{{{field.name}}} depends on today's date, so the same config would plan other texts tomorrow; "
            "use {date} or {date:FORMAT} (dates from 1990 to 2035)"
        )
    if not owner.startswith("faker.providers"):
        return f"{{{field.name}}} is not a Faker provider method"
    return None


_LOCALE_PART = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


FOREIGN_TRIALS = 20  # seeded fills of a field looked at for Latin words in a locale of another script
_LATIN_WORD = regex.compile(r"\p{Latin}{3,}")


def foreign_fields(filler: TemplateFiller, fields: list[Field]) -> dict[str, tuple[str, str]]:
    """The Faker fields of `filler`'s locale that give text in another language: field name -> (where it
    comes from, an example). Faker falls back to en_US (or lorem ipsum's la) without a word, so `{name}` in
    ar_EG gives English names and `{city}` in ar_SA English formats around Arabic names ('North ميسون'); and
    some locales keep English formats of their own (`{street_address}` in ja_JP: '048 加藤 Street'), found
    by filling the field: in a locale whose language is written in another script, half of its fills or
    more with a Latin word. Bank codes (`{iban}`) are not words and are left out."""
    language = filler.locale.split("_")[0]
    latin_locale = _written_in_latin(filler.babel)
    out = {}
    for field in fields:
        if field.name in OWN_FIELDS:
            continue
        owner = type(getattr(getattr(filler.fake, field.name, None), "__self__", None)).__module__
        source = owner.rpartition(".")[2]
        if owner.startswith("faker.providers.bank"):  # IBAN, BBAN, SWIFT: codes, no words
            continue
        try:  # the fills a plan makes: a field that fails at some seed is no concern of this warning
            filler.fake.seed_instance(0)
            example = filler._value(field)
            if _LOCALE_PART.fullmatch(source) and source.split("_")[0] != language:
                out[field.name] = (f"Faker's {source} data", example)
            elif not latin_locale and _mostly_latin(filler, field):
                out[field.name] = ("Latin words", example)
        except Exception:
            continue
    return out


def _mostly_latin(filler: TemplateFiller, field: Field) -> bool:
    hits = 0
    for seed in range(FOREIGN_TRIALS):
        filler.fake.seed_instance(seed)
        hits += _LATIN_WORD.search(filler._value(field)) is not None
    return 2 * hits >= FOREIGN_TRIALS


def _written_in_latin(locale: Any) -> bool:
    """Whether a Babel locale's name for itself is in the Latin script (True when Babel has none)."""
    own = locale.get_display_name() or ""
    return not own or regex.search(r"\p{Latin}", own) is not None


@dataclass
class CorpusPicks:
    """Corpus text for {line} and {word} fields: pool sizes and a reader of the k-th pooled line."""

    n_lines: int
    n_words: int
    line: Callable[[int], str]
    word: Callable[[int], str]


class TemplateFiller:
    """Fills the templates of one specification; every value comes from the row's seeded Faker.

    Args:
        locale: Faker locale name (`de_DE`); Babel formats amounts and named date formats in it.
        templates: name -> template text (already checked).
        weights: name -> relative weight (missing names: 1).
        corpus: pools for {line} and {word}; None when no template reads the corpus.
    """

    def __init__(
        self,
        locale: str,
        templates: Mapping[str, str],
        weights: Mapping[str, float],
        corpus: CorpusPicks | None = None,
    ) -> None:
        self.locale = locale
        self.templates = [parse_template(k, v) for k, v in templates.items()]
        self.names = [t.name for t in self.templates]
        w = np.array([float(weights.get(n, 1.0)) for n in self.names], np.float64)
        self.cum = np.cumsum(w) / w.sum()
        self.cum[-1] = 1.0
        self.fake = make_faker(locale)
        self.babel = _babel_locale(locale)
        self.corpus = corpus

    def choose(self, u: NDArray[np.float64]) -> NDArray[np.int64]:
        """Template index per row for uniform draws `u`, by the weights."""
        return np.minimum(np.searchsorted(self.cum, u, side="right"), len(self.cum) - 1).astype(np.int64)

    def fill(self, template: int, seed: int) -> str:
        """The text of template number `template` for a row seed: the same seed gives the same text."""
        self.fake.seed_instance(seed)
        out = []
        for part in self.templates[template].parts:
            out.append(part if isinstance(part, str) else self._value(part))
        return _BREAKS.sub(" ", "".join(out)).strip()

    def fill_many(self, template: NDArray[np.int64], seeds: NDArray[np.int64]) -> list[str]:
        return [self.fill(int(t), int(s)) for t, s in zip(template.tolist(), seeds.tolist())]

    def _value(self, field: Field) -> str:
        fake, rnd = self.fake, self.fake.random
        name = field.name
        if name == "amount":
            return self._amount(10 ** rnd.uniform(0.0, 5.0), field.arg)
        if name == "date":
            day = DATE_FIRST + datetime.timedelta(days=rnd.randrange((DATE_LAST - DATE_FIRST).days + 1))
            return self._date(day, field.arg)
        if name == "invoice_number":
            return str(fake.bothify(field.arg or DEFAULT_INVOICE_PATTERN, letters=string.ascii_uppercase))
        if name in CORPUS_FIELDS:
            return self._corpus(name, field.arg)
        method = getattr(fake, name)
        value = method(field.arg) if field.arg else method()
        return ", ".join(line.strip() for line in str(value).splitlines() if line.strip())

    def _amount(self, value: float, currency: str) -> str:
        from babel.numbers import format_currency, format_decimal

        value = math.floor(value * 100) / 100
        if currency:
            return str(format_currency(value, currency, locale=self.babel))
        return str(format_decimal(value, "#,##0.00", locale=self.babel))

    def _date(self, day: datetime.date, fmt: str) -> str:
        if "%" in fmt:
            return day.strftime(fmt)
        from babel.dates import format_date

        return str(format_date(day, fmt or "medium", locale=self.babel))

    def _corpus(self, name: str, arg: str) -> str:
        corpus, rnd = self.corpus, self.fake.random
        assert corpus is not None  # checked when the sources were prepared
        if name == "line":
            return corpus.line(rnd.randrange(corpus.n_lines))
        lo, hi = (1, 1) if name == "word" else words_range(arg)
        words = [corpus.word(rnd.randrange(corpus.n_words)) for _ in range(rnd.randint(lo, hi))]
        return join_words(words)


def check_templates(spec: Any) -> list[tuple[str, str]]:
    """(field, message) for each problem with a template specification's templates, locale and weights."""
    from faker.config import AVAILABLE_LOCALES

    problems: list[tuple[str, str]] = []
    if not spec.templates:
        return [("templates", "text_source template needs at least one template (templates: {name: text})")]
    for name in spec.template_weights:
        if name not in spec.templates:
            problems.append((f"template_weights.{name}", f"no template of that name (known: {sorted(spec.templates)})"))
    weights = [spec.template_weights.get(n, 1.0) for n in spec.templates]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        problems.append(("template_weights", "weights must be >= 0 and not all 0"))
    if spec.template_locale not in AVAILABLE_LOCALES:
        close = [loc for loc in AVAILABLE_LOCALES if loc.split("_")[0] == spec.template_locale.split("_")[0]]
        hint = f" (for this language: {', '.join(sorted(close))})" if close else ""
        problems.append(("template_locale", f"{spec.template_locale!r} is not a Faker locale{hint}"))
        return problems
    fake = make_faker(spec.template_locale)
    parsed = []
    for name, text in spec.templates.items():
        try:
            template = parse_template(name, text)
        except ValueError as exc:
            problems.append((f"templates.{name}", str(exc)))
            continue
        bad = [p for p in (check_field(fake, f) for f in template.fields) if p]
        problems.extend((f"templates.{name}", p) for p in bad)
        if not bad:
            parsed.append(template)
    if problems:
        return problems
    return _trial_fill(spec, parsed)


def _trial_fill(spec: Any, templates: list[Template]) -> list[tuple[str, str]]:
    """Fill each template twice per seed (corpus fields stubbed): arguments Faker refuses, or values
    that change under the same seed (a provider with randomness of its own), are problems."""
    problems = []
    stub = CorpusPicks(1, 1, lambda k: "line", lambda k: "word")
    for template in templates:
        filler = TemplateFiller(spec.template_locale, {template.name: spec.templates[template.name]}, {}, stub)
        try:
            for seed in (0, 1, 2):
                first, again = filler.fill(0, seed), filler.fill(0, seed)
                if first != again:
                    problems.append(
                        (
                            f"templates.{template.name}",
                            f"the same seed gave {first!r} and {again!r}; a field has randomness the seed does not "
                            "control",
                        )
                    )
                    break
        except Exception as exc:  # a Faker or Babel argument error: reported with the template's name
            problems.append((f"templates.{template.name}", f"cannot be filled ({type(exc).__name__}: {exc})"))
    return problems
