"""National identity and company codes: parse, validate, compare (A5, PL 16).

Pure module: no Django, no I/O, no wall clock. The registry models call
:func:`parse_identity` when a person or employer is saved or looked up, and
:func:`check_consistency` to compare the code with the record's birth date
and sex; the Django layer translates :class:`IdentityError` messages.

Rules this module guarantees
============================
1. Input is tolerant of what people type or a keypad sends: surrounding and
   inner whitespace and dashes are dropped. Anything else that is not an
   ASCII digit is rejected, so ``Identity.value`` is the compact, canonical
   form (digits only) and equal codes compare equal.
2. Checks run in a fixed order and the first failure is reported, with a
   message naming what is wrong: unknown scheme, empty, a foreign character,
   the length, the first digit, the encoded birth date, the check digit.
   ``IdentityError.code`` names the check for programs; ``template`` and
   ``params`` carry the message for people.
3. Check digits are verified by python-stdnum wherever stdnum implements the
   scheme. Three schemes are written here because stdnum 2.2 lacks or
   mishandles them, each with its source in the function's docstring:
   the Lithuanian company code (stdnum has no such module), SNILS (no
   module) and the 15-digit OGRNIP (stdnum compares the whole remainder
   modulo 13 with the check digit, rejecting every valid number whose
   remainder is 10, 11 or 12).
4. Birth date and sex are extracted where the code encodes them:
   Lithuanian asmens kodas and Estonian isikukood (first digit = century
   and sex), PESEL (century in the month, sex in the 10th digit) and the
   Danish CPR number (century from the 7th digit, sex from the last). A
   Lithuanian asmens kodas starting with 9 (issued when the birth date is
   not fully known) encodes neither. The other schemes encode neither.
5. A Danish CPR number has no check digit requirement: the CPR office
   stopped issuing numbers that satisfy the modulus-11 test in 2007, so
   only the length and the date are checked (stdnum ``dk.cpr`` agrees but
   reads the wall clock, so its ``validate`` is not called here).
6. A date in the future is only rejected when the caller passes ``today``:
   the module never reads the clock.
7. ``RU:inn`` is the 12-digit personal ИНН; a 10-digit organisation ИНН is
   rejected with a message saying so (employers are identified by ОГРН).

Keep in sync with: the registry models and forms of ``infoline.clients``
(they store ``Identity.scheme`` and ``Identity.value`` and show the
translated ``template``) and the translation catalogues (every template is
marked with :func:`gettext_noop` so ``makemessages`` collects it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from stdnum.dk import cpr, cvr
from stdnum.ee import ik, registrikood
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.lt import asmens
from stdnum.pl import nip, pesel, regon
from stdnum.ru import inn, ogrn

__all__ = [
    "SCHEMES",
    "Identity",
    "IdentityError",
    "IdentityKind",
    "Scheme",
    "Sex",
    "check_consistency",
    "guess_scheme",
    "parse_identity",
    "schemes_for",
]

Sex = Literal["F", "M"]


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; marks it for ``makemessages``.

    The pure core cannot import Django's translation machinery, so the Django
    layer translates ``IdentityError.template`` and interpolates ``params``.
    """
    return message


class IdentityKind(StrEnum):
    """Whom a scheme identifies."""

    PERSONAL = "personal"
    COMPANY = "company"


@dataclass(frozen=True)
class Scheme:
    """One national identity or company code scheme.

    ``country`` is the ISO 3166-1 alpha-2 code, ``code`` the scheme's short
    name within the country and ``label`` its name as people of that country
    write it (a proper name, not translated).
    """

    country: str
    code: str
    kind: IdentityKind
    label: str

    @property
    def key(self) -> str:
        """Return the key of the scheme in :data:`SCHEMES`."""
        return f"{self.country}:{self.code}"


@dataclass(frozen=True)
class Identity:
    """A validated code: its scheme key, compact value and what it encodes.

    ``birth_date`` and ``sex`` are ``None`` when the scheme (or, for the
    Lithuanian 9-prefix, the code) does not encode them.
    """

    scheme: str
    value: str
    birth_date: date | None
    sex: Sex | None


class IdentityError(ValueError):
    """An identity code is invalid or disagrees with its record (bad input).

    ``str(error)`` is the English message. ``template`` is the untranslated
    message with ``%(name)s`` placeholders and ``params`` fills them, so the
    Django layer can show ``gettext(error.template) % error.params``.
    ``code`` names the failed check (``"checksum"``, ``"date"``...) for
    programs, like the ``code`` of Django's ``ValidationError``.
    """

    def __init__(self, code: str, template: str, **params: str) -> None:
        """Build the error from a check name, a template and its parameters."""
        self.code = code
        self.template = template
        self.params = params
        super().__init__(template % params)


_SCHEME_LIST = (
    Scheme("LT", "asmens_kodas", IdentityKind.PERSONAL, "Asmens kodas"),
    Scheme("LT", "imones_kodas", IdentityKind.COMPANY, "Įmonės kodas"),
    Scheme("EE", "isikukood", IdentityKind.PERSONAL, "Isikukood"),
    Scheme("EE", "registrikood", IdentityKind.COMPANY, "Registrikood"),
    Scheme("PL", "pesel", IdentityKind.PERSONAL, "PESEL"),
    Scheme("PL", "nip", IdentityKind.COMPANY, "NIP"),
    Scheme("PL", "regon", IdentityKind.COMPANY, "REGON"),
    Scheme("DK", "cpr", IdentityKind.PERSONAL, "CPR-nummer"),
    Scheme("DK", "cvr", IdentityKind.COMPANY, "CVR-nummer"),
    Scheme("RU", "snils", IdentityKind.PERSONAL, "СНИЛС"),
    Scheme("RU", "inn", IdentityKind.PERSONAL, "ИНН"),
    Scheme("RU", "ogrn", IdentityKind.COMPANY, "ОГРН"),
)

#: Every supported scheme by ``"<country>:<code>"``, in a stable order.
SCHEMES: Mapping[str, Scheme] = MappingProxyType(
    {scheme.key: scheme for scheme in _SCHEME_LIST}
)

# Separators people and keypads put into codes: whitespace and dashes,
# including the typographic dashes word processors substitute.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_DIGITS = re.compile(r"[0-9]+")

_UNKNOWN_SCHEME = gettext_noop("Unknown identity code scheme “%(scheme)s”.")
_EMPTY = gettext_noop("Enter the code.")
_FORMAT = gettext_noop(
    "The code may contain only digits, spaces and dashes, not “%(char)s”."
)
_LENGTH = gettext_noop("%(label)s has %(expected)s digits; this code has %(actual)s.")
_INN_ORGANISATION = gettext_noop(
    "A 10-digit %(label)s belongs to an organisation; "
    "a person's %(label)s has 12 digits."
)
_FIRST_DIGIT = gettext_noop(
    "%(label)s cannot start with %(digit)s; it starts with %(allowed)s."
)
_DATE = gettext_noop("The code encodes %(date)s, which does not exist.")
_FUTURE = gettext_noop(
    "The code encodes the birth date %(date)s, which is in the future."
)
_CHECKSUM = gettext_noop("The check digit is wrong.")
_BIRTH_DATE_MISMATCH = gettext_noop(
    "The code says born %(encoded)s, the record says %(recorded)s."
)
_SEX_MISMATCH = gettext_noop(
    "The code says sex %(encoded)s, the record says %(recorded)s."
)

_Decoded = tuple[date | None, Sex | None]


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value)


def _check_first_digit(digits: str, scheme: Scheme, allowed: str, shown: str) -> None:
    if digits[0] not in allowed:
        raise IdentityError(
            "first_digit",
            _FIRST_DIGIT,
            label=scheme.label,
            digit=digits[0],
            allowed=shown,
        )


def _stdnum_checksum(validate: Callable[[str], str], digits: str) -> None:
    """Run a stdnum validator whose other checks have already been made here.

    The checks before this call mirror stdnum's own (format, length, first
    digit, date), so the only error left for stdnum to raise is
    ``InvalidChecksum``; the hypothesis tests feed arbitrary digit strings
    through :func:`parse_identity` to keep it that way.
    """
    try:
        validate(digits)
    except InvalidChecksum:
        raise IdentityError("checksum", _CHECKSUM) from None


def _birth_date(
    get_birth_date: Callable[[str], date],
    digits: str,
    encoded: Callable[[str], tuple[int, int, int]],
) -> date:
    """Return stdnum's birth date, or report the impossible one it encodes."""
    try:
        return get_birth_date(digits)
    except InvalidComponent:
        year, month, day = encoded(digits)
        raise IdentityError(
            "date", _DATE, date=f"{year:04d}-{month:02d}-{day:02d}"
        ) from None


def _baltic_encoded(digits: str) -> tuple[int, int, int]:
    # First digit 1-2: 1800s, 3-4: 1900s, 5-6: 2000s, 7-8: 2100s.
    century = 1800 + 100 * ((int(digits[0]) - 1) // 2)
    return century + int(digits[1:3]), int(digits[3:5]), int(digits[5:7])


def _pesel_encoded(digits: str) -> tuple[int, int, int]:
    # The month carries the century: +80 for the 1800s, +0 for the 1900s,
    # +20, +40, +60 for the 2000s, 2100s and 2200s.
    month = int(digits[2:4])
    century = (1900, 2000, 2100, 2200, 1800)[month // 20]
    return century + int(digits[0:2]), month % 20, int(digits[4:6])


def _cpr_encoded(digits: str) -> tuple[int, int, int]:
    # The CPR office's table: the 7th digit and the two-digit year give the
    # century (0-3: 1900s; 4 and 9: 2000-2036 else 1900s; 5-8: 2000-2057
    # else 1858-1899).
    year, serial = int(digits[4:6]), digits[6]
    if serial in "0123":
        century = 1900
    elif serial in "49":
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    return century + year, int(digits[2:4]), int(digits[0:2])


def _baltic_personal(digits: str, scheme: Scheme) -> _Decoded:
    birth = _birth_date(ik.get_birth_date, digits, _baltic_encoded)
    return birth, "M" if ik.get_gender(digits) == "M" else "F"


def _parse_asmens_kodas(digits: str, scheme: Scheme) -> _Decoded:
    _check_first_digit(digits, scheme, "123456789", "1–9")
    decoded: _Decoded = (None, None)
    if digits[0] != "9":
        decoded = _baltic_personal(digits, scheme)
    _stdnum_checksum(asmens.validate, digits)
    return decoded


def _parse_imones_kodas(digits: str, scheme: Scheme) -> _Decoded:
    """Check a Lithuanian company code (juridinio asmens kodas, 9 digits).

    stdnum 2.2 has no module for it. The check digit is the one of the
    asmens kodas: weights 1-9 then 1, modulo 11; a remainder of 10 is
    recomputed with weights 3-9, 1, 2, and a second 10 gives 0. No official
    text stating this was found; the rule is the one stdnum applies to the
    9-digit Lithuanian VAT code of legal persons and to the Estonian
    registry code, and it holds for 19 of 20 company codes published on
    Lithuanian companies' own pages (the 20th is likely a made-up example).
    stdnum's ``ee.ik.calc_check_digit`` computes it.
    """
    if ik.calc_check_digit(digits) != digits[-1]:
        raise IdentityError("checksum", _CHECKSUM)
    return None, None


def _parse_isikukood(digits: str, scheme: Scheme) -> _Decoded:
    _check_first_digit(digits, scheme, "12345678", "1–8")
    decoded = _baltic_personal(digits, scheme)
    _stdnum_checksum(ik.validate, digits)
    return decoded


def _parse_registrikood(digits: str, scheme: Scheme) -> _Decoded:
    _check_first_digit(digits, scheme, "1789", "1, 7, 8 or 9")
    _stdnum_checksum(registrikood.validate, digits)
    return None, None


def _parse_pesel(digits: str, scheme: Scheme) -> _Decoded:
    birth = _birth_date(pesel.get_birth_date, digits, _pesel_encoded)
    sex: Sex = "M" if pesel.get_gender(digits) == "M" else "F"
    _stdnum_checksum(pesel.validate, digits)
    return birth, sex


def _parse_nip(digits: str, scheme: Scheme) -> _Decoded:
    _stdnum_checksum(nip.validate, digits)
    return None, None


def _parse_regon(digits: str, scheme: Scheme) -> _Decoded:
    _stdnum_checksum(regon.validate, digits)
    return None, None


def _parse_cpr(digits: str, scheme: Scheme) -> _Decoded:
    # Not cpr.validate: it compares with date.today() (rule 5).
    birth = _birth_date(cpr.get_birth_date, digits, _cpr_encoded)
    return birth, "M" if int(digits[-1]) % 2 else "F"


def _parse_cvr(digits: str, scheme: Scheme) -> _Decoded:
    _check_first_digit(digits, scheme, "123456789", "1–9")
    _stdnum_checksum(cvr.validate, digits)
    return None, None


def _parse_snils(digits: str, scheme: Scheme) -> _Decoded:
    """Check a SNILS (страховой номер индивидуального лицевого счёта).

    stdnum 2.2 has no module for it. Rule of the Pension Fund of Russia
    ("Алгоритм формирования контрольного числа Страхового номера",
    consultant.ru, cons_doc_LAW_124607): the first nine digits are weighted
    9, 8, ... 1 and summed; a sum below 100 is the check number, 100 and
    101 give 00, a larger sum is taken modulo 101 (100 again giving 00).
    Numbers up to 001-001-998 were issued before the rule and are not
    checked.
    """
    if int(digits[:9]) > 1001998:
        total = sum(
            weight * int(digit)
            for weight, digit in zip(range(9, 0, -1), digits, strict=False)
        )
        if int(digits[9:]) != total % 101 % 100:
            raise IdentityError("checksum", _CHECKSUM)
    return None, None


def _parse_inn(digits: str, scheme: Scheme) -> _Decoded:
    _stdnum_checksum(inn.validate, digits)
    return None, None


def _parse_ogrn(digits: str, scheme: Scheme) -> _Decoded:
    """Check an ОГРН (13 digits) or ОГРНИП (15 digits, sole traders).

    The 13-digit check goes through stdnum. For 15 digits the registry's
    rule is "the last digit of the remainder of the first 14 digits divided
    by 13" (ru.wikipedia.org, ОГРНИП); stdnum 2.2 compares the whole
    remainder instead and so rejects valid numbers with a remainder of 10,
    11 or 12, which is why that check is written here.
    """
    if len(digits) == 13:
        _check_first_digit(digits, scheme, "123456789", "1–9")
        _stdnum_checksum(ogrn.validate, digits)
    else:
        _check_first_digit(digits, scheme, "34", "3 or 4")
        if int(digits[:14]) % 13 % 10 != int(digits[14]):
            raise IdentityError("checksum", _CHECKSUM)
    return None, None


_Parser = Callable[[str, Scheme], _Decoded]

# Scheme key -> (accepted lengths, parser run after the length check).
_RULES: Mapping[str, tuple[tuple[int, ...], _Parser]] = MappingProxyType(
    {
        "LT:asmens_kodas": ((11,), _parse_asmens_kodas),
        "LT:imones_kodas": ((9,), _parse_imones_kodas),
        "EE:isikukood": ((11,), _parse_isikukood),
        "EE:registrikood": ((8,), _parse_registrikood),
        "PL:pesel": ((11,), _parse_pesel),
        "PL:nip": ((10,), _parse_nip),
        "PL:regon": ((9, 14), _parse_regon),
        "DK:cpr": ((10,), _parse_cpr),
        "DK:cvr": ((8,), _parse_cvr),
        "RU:snils": ((11,), _parse_snils),
        "RU:inn": ((12,), _parse_inn),
        "RU:ogrn": ((13, 15), _parse_ogrn),
    }
)
assert _RULES.keys() == SCHEMES.keys(), "every scheme needs a rule"


def parse_identity(scheme: str, value: str, *, today: date | None = None) -> Identity:
    """Validate ``value`` as a code of ``scheme`` and return what it encodes.

    ``scheme`` is a key of :data:`SCHEMES`. Spaces and dashes in ``value``
    are ignored. With ``today`` a code whose birth date lies after it is
    rejected too. Raises :class:`IdentityError` naming the first check that
    fails (rule 2).
    """
    known = SCHEMES.get(scheme)
    if known is None:
        raise IdentityError("unknown_scheme", _UNKNOWN_SCHEME, scheme=scheme)
    digits = _compact(value)
    if not digits:
        raise IdentityError("empty", _EMPTY)
    if not _DIGITS.fullmatch(digits):
        foreign = next(char for char in digits if char not in "0123456789")
        raise IdentityError("format", _FORMAT, char=foreign)
    lengths, parser = _RULES[scheme]
    if len(digits) not in lengths:
        if scheme == "RU:inn" and len(digits) == 10:
            raise IdentityError("length", _INN_ORGANISATION, label=known.label)
        raise IdentityError(
            "length",
            _LENGTH,
            label=known.label,
            expected=" or ".join(str(length) for length in lengths),
            actual=str(len(digits)),
        )
    birth_date, sex = parser(digits, known)
    if today is not None and birth_date is not None and birth_date > today:
        raise IdentityError("future", _FUTURE, date=birth_date.isoformat())
    return Identity(scheme=scheme, value=digits, birth_date=birth_date, sex=sex)


def check_consistency(
    identity: Identity, *, birth_date: date | None, sex: str | None
) -> None:
    """Raise :class:`IdentityError` if the code contradicts the record.

    ``birth_date`` and ``sex`` (``"F"``, ``"M"``; ``None`` or ``""`` when
    unknown) are the record's values. Nothing is compared where either side
    is unknown. The birth date is compared before the sex.
    """
    if sex not in ("F", "M", "", None):
        raise ValueError(f"sex must be 'F', 'M', '' or None, not {sex!r}")
    if (
        identity.birth_date is not None
        and birth_date is not None
        and identity.birth_date != birth_date
    ):
        raise IdentityError(
            "birth_date_mismatch",
            _BIRTH_DATE_MISMATCH,
            encoded=identity.birth_date.isoformat(),
            recorded=birth_date.isoformat(),
        )
    if identity.sex is not None and sex and identity.sex != sex:
        raise IdentityError(
            "sex_mismatch", _SEX_MISMATCH, encoded=identity.sex, recorded=sex
        )


def schemes_for(country: str, kind: IdentityKind | None = None) -> list[Scheme]:
    """Return the schemes of ``country`` (any case), optionally of one kind."""
    country = country.upper()
    return [
        scheme
        for scheme in SCHEMES.values()
        if scheme.country == country and (kind is None or scheme.kind == kind)
    ]


def guess_scheme(value: str, country: str) -> str | None:
    """Return the key of the personal scheme of ``country`` ``value`` fits.

    Meant for caller-ID or keypad input where the scheme is not said.
    ``None`` when the value is valid for no personal scheme of the country.
    The personal schemes of one country differ in length (a test pins
    this), so at most one fits.
    """
    for scheme in schemes_for(country, IdentityKind.PERSONAL):
        try:
            parse_identity(scheme.key, value)
        except IdentityError:
            continue
        return scheme.key
    return None
