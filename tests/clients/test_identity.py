"""Identity and company codes of ``infoline.clients.identity`` (issue 4, A5).

The generators and the reference validator below are written from the
official rules of each scheme, independently of python-stdnum and of the
module under test: the century/sex tables, the weights and the special
cases are spelled out here again on purpose. Hypothesis then checks that
``parse_identity`` accepts exactly the valid codes, with the right birth
date and sex, and reports the same failed check as the reference for
corrupted ones. Where a corruption is detected by mathematical necessity
(a changed check digit, any single substitution in a PESEL, NIP or CVR)
that is asserted directly.
"""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr
from stdnum.ee import ik as stdnum_ik
from stdnum.ee import registrikood as stdnum_registrikood
from stdnum.lt import asmens as stdnum_asmens
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import pesel as stdnum_pesel
from stdnum.pl import regon as stdnum_regon
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from infoline.clients.identity import (
    SCHEMES,
    Identity,
    IdentityError,
    IdentityKind,
    check_consistency,
    guess_scheme,
    parse_identity,
    schemes_for,
)
from tests.routing.test_purity import impurities

Sex = Literal["F", "M"]
Verdict = tuple[str | None, date | None, Sex | None]
Generated = tuple[str, date | None, Sex | None]

MODULE = Path(__file__).resolve().parents[2] / "infoline" / "clients" / "identity.py"
LENGTHS = {
    "LT:asmens_kodas": (11,),
    "LT:imones_kodas": (9,),
    "EE:isikukood": (11,),
    "EE:registrikood": (8,),
    "PL:pesel": (11,),
    "PL:nip": (10,),
    "PL:regon": (9, 14),
    "DK:cpr": (10,),
    "DK:cvr": (8,),
    "RU:snils": (11,),
    "RU:inn": (12,),
    "RU:ogrn": (13, 15),
}
ALL = sorted(SCHEMES)

# ---------------------------------------------------------------------------
# Reference rules, written from the official descriptions
# ---------------------------------------------------------------------------

# Lithuanian asmens kodas and Estonian isikukood: first digit = century + sex.
BALTIC_FIRST = {
    "1": (1800, "M"),
    "2": (1800, "F"),
    "3": (1900, "M"),
    "4": (1900, "F"),
    "5": (2000, "M"),
    "6": (2000, "F"),
    "7": (2100, "M"),
    "8": (2100, "F"),
}
# Weights of the Baltic modulus-11 check (10 body digits; shorter bodies
# use a prefix): first pass, and the second pass used when the first gives 10.
BALTIC_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
BALTIC_W2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)
# PESEL: month offset per century, weights of the modulus-10 check.
PESEL_OFFSET = {1800: 80, 1900: 0, 2000: 20, 2100: 40, 2200: 60}
PESEL_W = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
NIP_W = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_W = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_W = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
CVR_W = (2, 7, 6, 5, 4, 3, 2, 1)
INN_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def weighted(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False))


def baltic_check(body: str) -> int:
    remainder = weighted(BALTIC_W1, body) % 11
    if remainder == 10:
        remainder = weighted(BALTIC_W2, body) % 11
        if remainder == 10:
            remainder = 0
    return remainder


def pesel_check(body: str) -> int:
    return (10 - weighted(PESEL_W, body) % 10) % 10


def mod11_zero_to_ten(total: int) -> int:
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def snils_check(body: str) -> int:
    total = sum((9 - i) * int(d) for i, d in enumerate(body))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def inn_checks(body: str) -> str:
    first = weighted(INN_W1, body) % 11 % 10
    second = weighted(INN_W2, body + str(first)) % 11 % 10
    return f"{first}{second}"


def cpr_serial_digits(year: int) -> str:
    """Return the 7th digits the CPR office uses for a birth year."""
    yy = year % 100
    if 1858 <= year <= 1899:
        return "5678"
    if 1900 <= year <= 1936:
        return "0123"
    if 1937 <= year <= 1999:
        return "012349"
    if 2000 <= year <= 2036:
        return "456789"
    assert 2037 <= year <= 2057, yy
    return "5678"


def cpr_century(seventh: str, yy: int) -> int:
    for century in (1800, 1900, 2000):
        if 1858 <= century + yy <= 2057 and seventh in cpr_serial_digits(century + yy):
            return century
    raise AssertionError("every 7th digit and year has a century")


def real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def reference(scheme: str, digits: str) -> Verdict:
    """Return (failed check or None, birth date, sex) by the official rules."""
    if len(digits) not in LENGTHS[scheme]:
        return "length", None, None
    birth: date | None = None
    sex: Sex | None = None
    if scheme in ("LT:asmens_kodas", "EE:isikukood"):
        allowed = "123456789" if scheme == "LT:asmens_kodas" else "12345678"
        if digits[0] not in allowed:
            return "first_digit", None, None
        if digits[0] != "9":
            century, code_sex = BALTIC_FIRST[digits[0]]
            birth = real_date(
                century + int(digits[1:3]), int(digits[3:5]), int(digits[5:7])
            )
            if birth is None:
                return "date", None, None
            sex = "M" if code_sex == "M" else "F"
        ok = baltic_check(digits[:10]) == int(digits[10])
    elif scheme == "LT:imones_kodas":
        ok = baltic_check(digits[:8]) == int(digits[8])
    elif scheme == "EE:registrikood":
        if digits[0] not in "1789":
            return "first_digit", None, None
        ok = baltic_check(digits[:7]) == int(digits[7])
    elif scheme == "PL:pesel":
        month = int(digits[2:4])
        century = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}[month // 20 * 20]
        birth = real_date(century + int(digits[0:2]), month % 20, int(digits[4:6]))
        if birth is None:
            return "date", None, None
        sex = "M" if int(digits[9]) % 2 else "F"
        ok = pesel_check(digits[:10]) == int(digits[10])
    elif scheme == "PL:nip":
        ok = weighted(NIP_W, digits) % 11 == int(digits[9])
    elif scheme == "PL:regon":
        ok = mod11_zero_to_ten(weighted(REGON9_W, digits)) == int(digits[8])
        if len(digits) == 14:
            ok = ok and mod11_zero_to_ten(weighted(REGON14_W, digits)) == int(
                digits[13]
            )
    elif scheme == "DK:cpr":
        yy = int(digits[4:6])
        birth = real_date(
            cpr_century(digits[6], yy) + yy, int(digits[2:4]), int(digits[0:2])
        )
        if birth is None:
            return "date", None, None
        return None, birth, "M" if int(digits[9]) % 2 else "F"
    elif scheme == "DK:cvr":
        if digits[0] == "0":
            return "first_digit", None, None
        ok = weighted(CVR_W, digits) % 11 == 0
    elif scheme == "RU:snils":
        ok = int(digits[:9]) <= 1001998 or snils_check(digits[:9]) == int(digits[9:])
    elif scheme == "RU:inn":
        ok = inn_checks(digits[:10]) == digits[10:]
    else:
        assert scheme == "RU:ogrn"
        if len(digits) == 13:
            if digits[0] == "0":
                return "first_digit", None, None
            ok = int(digits[:12]) % 11 % 10 == int(digits[12])
        else:
            if digits[0] not in "34":
                return "first_digit", None, None
            ok = int(digits[:14]) % 13 % 10 == int(digits[14])
    if not ok:
        return "checksum", None, None
    return None, birth, sex


# ---------------------------------------------------------------------------
# Generators of valid codes
# ---------------------------------------------------------------------------


def digit_strings(length: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=length, max_size=length)


@st.composite
def baltic_personal(draw: st.DrawFn, lithuanian: bool) -> Generated:
    first = draw(st.sampled_from("123456789" if lithuanian else "12345678"))
    if first == "9":
        body = first + draw(digit_strings(9))
        return body + str(baltic_check(body)), None, None
    century, sex = BALTIC_FIRST[first]
    born = draw(st.dates(date(century, 1, 1), date(century + 99, 12, 31)))
    body = f"{first}{born:%y%m%d}{draw(digit_strings(3))}"
    return body + str(baltic_check(body)), born, "M" if sex == "M" else "F"


@st.composite
def baltic_company(draw: st.DrawFn, length: int, first: str) -> Generated:
    body = draw(st.sampled_from(first)) + draw(digit_strings(length - 2))
    return body + str(baltic_check(body)), None, None


@st.composite
def pesels(draw: st.DrawFn) -> Generated:
    born = draw(st.dates(date(1800, 1, 1), date(2299, 12, 31)))
    century = born.year // 100 * 100
    sex: Sex = draw(st.sampled_from(["F", "M"]))
    sex_digit = draw(st.sampled_from("13579" if sex == "M" else "02468"))
    month = born.month + PESEL_OFFSET[century]
    body = f"{born:%y}{month:02d}{born:%d}{draw(digit_strings(3))}{sex_digit}"
    return body + str(pesel_check(body)), born, sex


@st.composite
def nips(draw: st.DrawFn) -> Generated:
    body = draw(digit_strings(9))
    check = weighted(NIP_W, body) % 11
    assume(check != 10)  # no NIP has this body
    return body + str(check), None, None


@st.composite
def regons(draw: st.DrawFn) -> Generated:
    body = draw(digit_strings(8))
    code = body + str(mod11_zero_to_ten(weighted(REGON9_W, body)))
    if draw(st.booleans()):
        local = code + draw(digit_strings(4))
        code = local + str(mod11_zero_to_ten(weighted(REGON14_W, local)))
    return code, None, None


@st.composite
def cprs(draw: st.DrawFn) -> Generated:
    born = draw(st.dates(date(1858, 1, 1), date(2057, 12, 31)))
    seventh = draw(st.sampled_from(cpr_serial_digits(born.year)))
    code = f"{born:%d%m%y}{seventh}{draw(digit_strings(3))}"
    return code, born, "M" if int(code[-1]) % 2 else "F"


@st.composite
def cvrs(draw: st.DrawFn) -> Generated:
    body = draw(st.sampled_from("123456789")) + draw(digit_strings(6))
    check = -weighted(CVR_W, body) % 11
    assume(check != 10)
    return body + str(check), None, None


@st.composite
def snilses(draw: st.DrawFn) -> Generated:
    body = draw(digit_strings(9))
    if int(body) <= 1001998:
        # Issued before the check number existed: any two digits pass.
        return body + draw(digit_strings(2)), None, None
    return f"{body}{snils_check(body):02d}", None, None


@st.composite
def inns(draw: st.DrawFn) -> Generated:
    body = draw(digit_strings(10))
    return body + inn_checks(body), None, None


@st.composite
def ogrns(draw: st.DrawFn) -> Generated:
    if draw(st.booleans()):
        body = draw(st.sampled_from("123456789")) + draw(digit_strings(11))
        return body + str(int(body) % 11 % 10), None, None
    body = draw(st.sampled_from("34")) + draw(digit_strings(13))
    return body + str(int(body) % 13 % 10), None, None


VALID: dict[str, st.SearchStrategy[Generated]] = {
    "LT:asmens_kodas": baltic_personal(lithuanian=True),
    "LT:imones_kodas": baltic_company(9, "0123456789"),
    "EE:isikukood": baltic_personal(lithuanian=False),
    "EE:registrikood": baltic_company(8, "1789"),
    "PL:pesel": pesels(),
    "PL:nip": nips(),
    "PL:regon": regons(),
    "DK:cpr": cprs(),
    "DK:cvr": cvrs(),
    "RU:snils": snilses(),
    "RU:inn": inns(),
    "RU:ogrn": ogrns(),
}


@st.composite
def with_separators(draw: st.DrawFn, code: str) -> str:
    """Return ``code`` as a person might type it: spaces and dashes anywhere."""
    separators = st.text(" -\t\u2013\u00a0", max_size=2)
    parts = [draw(separators)]
    for digit in code:
        parts += [digit, draw(separators)]
    return "".join(parts)


# ---------------------------------------------------------------------------
# Valid codes
# ---------------------------------------------------------------------------


def test_generators_cover_every_scheme() -> None:
    assert VALID.keys() == SCHEMES.keys() == LENGTHS.keys()


@pytest.mark.parametrize("scheme", ALL)
@settings(deadline=None, max_examples=150)
@given(data=st.data())
def test_accepts_every_valid_code_with_its_birth_date_and_sex(
    scheme: str, data: st.DataObject
) -> None:
    code, born, sex = data.draw(VALID[scheme])
    assert reference(scheme, code) == (None, born, sex)  # the generator's self-check
    typed = data.draw(with_separators(code))
    assert parse_identity(scheme, typed) == Identity(scheme, code, born, sex)


# ---------------------------------------------------------------------------
# Corrupted codes
# ---------------------------------------------------------------------------


def outcome(scheme: str, value: str) -> Verdict:
    try:
        identity = parse_identity(scheme, value)
    except IdentityError as error:
        return error.code, None, None
    return None, identity.birth_date, identity.sex


@st.composite
def substituted(draw: st.DrawFn, code: str) -> str:
    position = draw(st.integers(0, len(code) - 1))
    digit = draw(st.sampled_from(string.digits.replace(code[position], "")))
    return code[:position] + digit + code[position + 1 :]


@st.composite
def transposed(draw: st.DrawFn, code: str) -> str:
    position = draw(st.integers(0, len(code) - 2))
    assume(code[position] != code[position + 1])
    return code[:position] + code[position + 1] + code[position] + code[position + 2 :]


@pytest.mark.parametrize("scheme", ALL)
@settings(deadline=None, max_examples=150)
@given(data=st.data())
def test_changed_check_digit_is_rejected(scheme: str, data: st.DataObject) -> None:
    code, _, _ = data.draw(VALID[scheme])
    if scheme == "DK:cpr":
        return  # no check digit (rule 5 of the module)
    if scheme == "RU:snils":
        assume(int(code[:9]) > 1001998)
    wrong = data.draw(st.sampled_from(string.digits.replace(code[-1], "")))
    with pytest.raises(IdentityError, match=r"^The check digit is wrong\.$"):
        parse_identity(scheme, code[:-1] + wrong)


@pytest.mark.parametrize("scheme", ["PL:pesel", "PL:nip", "DK:cvr"])
@settings(deadline=None, max_examples=300)
@given(data=st.data())
def test_any_single_substitution_is_rejected_where_the_weights_guarantee_it(
    scheme: str, data: st.DataObject
) -> None:
    # PESEL: every weight is prime to 10. NIP and CVR: every weight is
    # nonzero modulo 11 and validity is "weighted sum = 0 (mod 11)".
    code, _, _ = data.draw(VALID[scheme])
    wrong = data.draw(substituted(code))
    with pytest.raises(IdentityError) as caught:
        parse_identity(scheme, wrong)
    assert caught.value.code in {"checksum", "date", "first_digit"}


@pytest.mark.parametrize("scheme", ALL)
@settings(deadline=None, max_examples=200)
@given(data=st.data())
def test_corrupted_codes_get_the_same_verdict_as_the_reference(
    scheme: str, data: st.DataObject
) -> None:
    code, _, _ = data.draw(VALID[scheme])
    corrupt = data.draw(
        st.one_of(
            substituted(code),
            transposed(code),
            st.just(code[:-1]),
            st.just(code + "0"),
        )
    )
    assert outcome(scheme, corrupt) == reference(scheme, corrupt)


@pytest.mark.parametrize("scheme", ALL)
@settings(deadline=None, max_examples=200)
@given(data=st.data())
def test_arbitrary_digit_strings_get_the_same_verdict_as_the_reference(
    scheme: str, data: st.DataObject
) -> None:
    # Also proves that no stdnum exception escapes as anything but
    # IdentityError: outcome() only catches IdentityError.
    length = data.draw(st.sampled_from(LENGTHS[scheme]))
    digits = data.draw(digit_strings(length))
    assert outcome(scheme, digits) == reference(scheme, digits)


def _impossible(year: int, month: int, day: int) -> str:
    return f"The code encodes {year:04d}-{month:02d}-{day:02d}, which does not exist."


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (1985, 2, 29),
        (1985, 2, 31),
        (2000, 2, 30),
        (1999, 4, 31),
        (1970, 13, 1),
        (1970, 0, 10),
        (1970, 1, 0),
    ],
)
@pytest.mark.parametrize(
    "scheme", ["LT:asmens_kodas", "EE:isikukood", "PL:pesel", "DK:cpr"]
)
def test_impossible_birth_date_is_reported_as_such(
    scheme: str, year: int, month: int, day: int
) -> None:
    if scheme == "DK:cpr":
        code = f"{day:02d}{month:02d}{year % 100:02d}{cpr_serial_digits(year)[0]}123"
    elif scheme == "PL:pesel":
        body = f"{year % 100:02d}{month + PESEL_OFFSET[year // 100 * 100]:02d}{day:02d}1234"
        code = body + str(pesel_check(body))
    else:
        first = {1900: "3", 2000: "5"}[year // 100 * 100]
        body = f"{first}{year % 100:02d}{month:02d}{day:02d}123"
        code = body + str(baltic_check(body))
    assert reference(scheme, code)[0] == "date"
    with pytest.raises(IdentityError) as caught:
        parse_identity(scheme, code)
    assert caught.value.code == "date"
    assert str(caught.value) == _impossible(year, month, day)


@pytest.mark.parametrize("scheme", ALL)
@settings(deadline=None, max_examples=50)
@given(data=st.data())
def test_wrong_length_names_the_expected_length(
    scheme: str, data: st.DataObject
) -> None:
    length = data.draw(st.integers(1, 20).filter(lambda n: n not in LENGTHS[scheme]))
    assume(not (scheme == "RU:inn" and length == 10))
    digits = data.draw(digit_strings(length))
    expected = " or ".join(str(n) for n in LENGTHS[scheme])
    with pytest.raises(IdentityError) as caught:
        parse_identity(scheme, digits)
    assert str(caught.value) == (
        f"{SCHEMES[scheme].label} has {expected} digits; this code has {length}."
    )


# ---------------------------------------------------------------------------
# Published sample numbers
# ---------------------------------------------------------------------------


# The schemes stdnum 2.2 implements (LT:imones_kodas and RU:snils it lacks).
STDNUM_IS_VALID = {
    "LT:asmens_kodas": stdnum_asmens.is_valid,
    "EE:isikukood": stdnum_ik.is_valid,
    "EE:registrikood": stdnum_registrikood.is_valid,
    "PL:pesel": stdnum_pesel.is_valid,
    "PL:nip": stdnum_nip.is_valid,
    "PL:regon": stdnum_regon.is_valid,
    "DK:cpr": stdnum_cpr.is_valid,
    "DK:cvr": stdnum_cvr.is_valid,
    "RU:inn": stdnum_inn.is_valid,
    "RU:ogrn": stdnum_ogrn.is_valid,
}


@pytest.mark.parametrize(
    ("scheme", "value", "born", "sex"),
    [
        # Lithuanian documentation and stdnum's example.
        ("LT:asmens_kodas", "33309240064", date(1933, 9, 24), "M"),
        ("EE:isikukood", "37605030299", date(1976, 5, 3), "M"),
        ("EE:isikukood", "36805280109", date(1968, 5, 28), "M"),
        ("PL:pesel", "44051401359", date(1944, 5, 14), "M"),
        ("PL:pesel", "02211307589", date(2002, 1, 13), "F"),
        ("PL:pesel", "02122401358", date(1902, 12, 24), "M"),
        ("DK:cpr", "211062-5629", date(1862, 10, 21), "M"),
        ("DK:cpr", "2110620629", date(1962, 10, 21), "M"),
        # Companies: Registrų centras, Sanitex, Klaipėda city municipality.
        ("LT:imones_kodas", "124110246", None, None),
        ("LT:imones_kodas", "110443493", None, None),
        ("LT:imones_kodas", "188710823", None, None),
        ("EE:registrikood", "12345678", None, None),
        ("PL:nip", "856-734-62-15", None, None),
        ("PL:regon", "192598184", None, None),
        ("PL:regon", "12345678512347", None, None),
        ("DK:cvr", "13585628", None, None),
        # The Pension Fund's worked example.
        ("RU:snils", "112-233-445 95", None, None),
        ("RU:inn", "123456789047", None, None),
        # Pension Fund of Russia's ОГРН; stdnum's ОГРНИП example.
        ("RU:ogrn", "1027700220624", None, None),
        ("RU:ogrn", "1022200525819", None, None),
        ("RU:ogrn", "385768585948949", None, None),
    ],
)
def test_published_numbers_are_accepted(
    scheme: str, value: str, born: date | None, sex: Sex | None
) -> None:
    identity = parse_identity(scheme, value)
    assert (identity.birth_date, identity.sex) == (born, sex)
    assert reference(scheme, identity.value) == (None, born, sex)
    if scheme in STDNUM_IS_VALID:  # the sample is valid for stdnum too
        assert STDNUM_IS_VALID[scheme](identity.value)


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("LT:asmens_kodas", "33309240164"),
        ("EE:isikukood", "36805280108"),
        ("PL:pesel", "44051401358"),
        ("PL:nip", "8567346216"),
        ("PL:regon", "192598183"),
        ("PL:regon", "12345678612342"),
        ("PL:regon", "12345678512348"),
        ("DK:cvr", "13585627"),
        ("RU:inn", "123456789037"),
        ("RU:ogrn", "1022500001328"),
        ("RU:snils", "112-233-445 96"),
        ("LT:imones_kodas", "124110247"),
        ("EE:registrikood", "12345679"),
    ],
)
def test_published_wrong_numbers_have_a_wrong_check_digit(
    scheme: str, value: str
) -> None:
    with pytest.raises(IdentityError, match=r"^The check digit is wrong\.$"):
        parse_identity(scheme, value)


def test_ogrnip_with_a_two_digit_remainder_is_accepted_unlike_stdnum() -> None:
    body = "30477000000000"
    while int(body) % 13 < 10:
        body = str(int(body) + 1)
    code = body + str(int(body) % 13 % 10)
    assert not stdnum_ogrn.is_valid(code)  # stdnum 2.2's bug (module rule 3)
    assert parse_identity("RU:ogrn", code).value == code


def test_lithuanian_code_starting_with_9_encodes_no_birth_date() -> None:
    body = "9123456789"
    code = body + str(baltic_check(body))
    assert parse_identity("LT:asmens_kodas", code) == Identity(
        "LT:asmens_kodas", code, None, None
    )


# ---------------------------------------------------------------------------
# Messages of the other checks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "code", "message"),
    [
        (
            "XX:passport",
            "123",
            "unknown_scheme",
            "Unknown identity code scheme “XX:passport”.",
        ),
        ("LT:asmens_kodas", " - ", "empty", "Enter the code."),
        (
            "LT:asmens_kodas",
            "3330924006/4",
            "format",
            "The code may contain only digits, spaces and dashes, not “/”.",
        ),
        (
            "PL:nip",
            "PL8567346215",
            "format",
            "The code may contain only digits, spaces and dashes, not “P”.",
        ),
        (
            "PL:pesel",
            "４4051401359",
            "format",
            "The code may contain only digits, spaces and dashes, not “４”.",
        ),
        (
            "RU:inn",
            "1234567894",
            "length",
            "A 10-digit ИНН belongs to an organisation; a person's ИНН has 12 digits.",
        ),
        (
            "EE:isikukood",
            "97605030299",
            "first_digit",
            "Isikukood cannot start with 9; it starts with 1–8.",
        ),
        (
            "LT:asmens_kodas",
            "03309240064",
            "first_digit",
            "Asmens kodas cannot start with 0; it starts with 1–9.",
        ),
        (
            "EE:registrikood",
            "32345674",
            "first_digit",
            "Registrikood cannot start with 3; it starts with 1, 7, 8 or 9.",
        ),
        (
            "DK:cvr",
            "03585628",
            "first_digit",
            "CVR-nummer cannot start with 0; it starts with 1–9.",
        ),
        (
            "RU:ogrn",
            "0022200525819",
            "first_digit",
            "ОГРН cannot start with 0; it starts with 1–9.",
        ),
        (
            "RU:ogrn",
            "185768585948949",
            "first_digit",
            "ОГРН cannot start with 1; it starts with 3 or 4.",
        ),
        ("PL:pesel", "8502310135", "length", "PESEL has 11 digits; this code has 10."),
    ],
)
def test_bad_input_gets_a_specific_message(
    scheme: str, value: str, code: str, message: str
) -> None:
    with pytest.raises(IdentityError) as caught:
        parse_identity(scheme, value)
    error = caught.value
    assert (error.code, str(error)) == (code, message)
    assert error.template % error.params == message


def test_separators_are_dropped_and_the_compact_form_stored() -> None:
    identity = parse_identity("LT:asmens_kodas", " 333-0924\u00a00064 \n")
    assert identity.value == "33309240064"


def test_future_birth_date_is_rejected_only_when_today_is_given() -> None:
    # 7th digit 5 and year 52: born 2052 by the CPR table. stdnum's
    # dk.cpr.validate would reject it by the wall clock; the module must not.
    assert parse_identity("DK:cpr", "2110525629").birth_date == date(2052, 10, 21)
    with pytest.raises(IdentityError) as caught:
        parse_identity("DK:cpr", "2110525629", today=date(2026, 11, 23))
    assert (caught.value.code, str(caught.value)) == (
        "future",
        "The code encodes the birth date 2052-10-21, which is in the future.",
    )
    body = "2631230000"  # PESEL of someone born on 2026-11-23
    born_today = parse_identity(
        "PL:pesel", body + str(pesel_check(body)), today=date(2026, 11, 23)
    )
    assert born_today.birth_date == date(2026, 11, 23)


def test_future_check_ignores_schemes_without_a_birth_date() -> None:
    assert parse_identity("PL:nip", "8567346215", today=date(1900, 1, 1)).value


# ---------------------------------------------------------------------------
# check_consistency
# ---------------------------------------------------------------------------

LT_1985 = parse_identity(
    "LT:asmens_kodas", "3850309000" + str(baltic_check("3850309000"))
)


def test_consistent_record_passes() -> None:
    check_consistency(LT_1985, birth_date=date(1985, 3, 9), sex="M")


@pytest.mark.parametrize(
    ("born", "sex"),
    [(None, None), (None, "M"), (date(1985, 3, 9), None), (date(1985, 3, 9), "")],
)
def test_unknown_record_values_are_not_compared(
    born: date | None, sex: str | None
) -> None:
    check_consistency(LT_1985, birth_date=born, sex=sex)


def test_code_without_birth_date_or_sex_agrees_with_any_record() -> None:
    company = parse_identity("PL:nip", "8567346215")
    check_consistency(company, birth_date=date(2001, 1, 1), sex="F")


def test_birth_date_disagreement_is_reported() -> None:
    with pytest.raises(IdentityError) as caught:
        check_consistency(LT_1985, birth_date=date(1985, 3, 19), sex="M")
    assert (caught.value.code, str(caught.value)) == (
        "birth_date_mismatch",
        "The code says born 1985-03-09, the record says 1985-03-19.",
    )


def test_sex_disagreement_is_reported() -> None:
    with pytest.raises(IdentityError) as caught:
        check_consistency(LT_1985, birth_date=date(1985, 3, 9), sex="F")
    assert (caught.value.code, str(caught.value)) == (
        "sex_mismatch",
        "The code says sex M, the record says F.",
    )


def test_birth_date_is_reported_before_sex() -> None:
    with pytest.raises(IdentityError, match="says born"):
        check_consistency(LT_1985, birth_date=date(1985, 3, 19), sex="F")


def test_unknown_sex_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="sex must be"):
        check_consistency(LT_1985, birth_date=None, sex="male")


@pytest.mark.parametrize(
    "scheme", ["LT:asmens_kodas", "EE:isikukood", "PL:pesel", "DK:cpr"]
)
@settings(deadline=None, max_examples=50)
@given(data=st.data())
def test_parsed_code_agrees_with_its_own_birth_date_and_sex(
    scheme: str, data: st.DataObject
) -> None:
    code, born, sex = data.draw(VALID[scheme])
    identity = parse_identity(scheme, code)
    check_consistency(identity, birth_date=born, sex=sex)
    if born is not None:
        with pytest.raises(IdentityError, match="says born"):
            check_consistency(
                identity, birth_date=date.fromordinal(born.toordinal() + 1), sex=sex
            )
        with pytest.raises(IdentityError, match="says born"):
            check_consistency(
                identity, birth_date=date.fromordinal(born.toordinal() - 1), sex=sex
            )


# ---------------------------------------------------------------------------
# Scheme catalogue and guessing
# ---------------------------------------------------------------------------


def test_schemes_are_keyed_by_country_and_code() -> None:
    assert all(key == f"{s.country}:{s.code}" for key, s in SCHEMES.items())
    assert SCHEMES["LT:asmens_kodas"].label == "Asmens kodas"
    assert SCHEMES["RU:inn"].kind is IdentityKind.PERSONAL


def test_schemes_for_filters_by_country_and_kind() -> None:
    assert [s.code for s in schemes_for("PL")] == ["pesel", "nip", "regon"]
    assert [s.code for s in schemes_for("pl", IdentityKind.COMPANY)] == ["nip", "regon"]
    assert [s.code for s in schemes_for("RU", IdentityKind.PERSONAL)] == [
        "snils",
        "inn",
    ]
    assert schemes_for("FR") == []


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("33309240064", "LT", "LT:asmens_kodas"),
        ("37605030299", "ee", "EE:isikukood"),
        ("112 233 445 95", "RU", "RU:snils"),
        ("123456789047", "RU", "RU:inn"),
        ("2110625629", "DK", "DK:cpr"),
        ("33309240065", "LT", None),
        ("13585628", "DK", None),
        ("33309240064", "FR", None),
        ("", "PL", None),
    ],
)
def test_guess_scheme_finds_the_personal_scheme_a_value_fits(
    value: str, country: str, expected: str | None
) -> None:
    assert guess_scheme(value, country) == expected


def test_personal_schemes_of_a_country_never_share_a_length() -> None:
    # guess_scheme relies on it: at most one personal scheme can fit.
    for country in {scheme.country for scheme in SCHEMES.values()}:
        lengths = [
            length
            for scheme in schemes_for(country, IdentityKind.PERSONAL)
            for length in LENGTHS[scheme.key]
        ]
        assert len(lengths) == len(set(lengths)), country


def test_module_is_pure() -> None:
    assert (
        impurities(
            MODULE.read_text(encoding="utf-8"), routing=False, allow_file_io=False
        )
        == []
    )


# ---------------------------------------------------------------------------
# Boundaries of the rules
# ---------------------------------------------------------------------------


def snils_body_with_sum(target: int) -> str:
    """Return a 9-digit body (above 001-001-998) whose weighted sum is ``target``."""
    digits = []
    for weight in range(9, 0, -1):
        digit = min(9, target // weight)
        digits.append(str(digit))
        target -= digit * weight
    assert target == 0
    return "".join(digits)


@pytest.mark.parametrize("total", [99, 100, 101, 102, 201, 302])
def test_snils_check_number_wraps_at_100_and_101(total: int) -> None:
    body = snils_body_with_sum(total)
    expected = {99: 99, 100: 0, 101: 0, 102: 1, 201: 0, 302: 0}[total]
    assert snils_check(body) == expected
    assert parse_identity("RU:snils", f"{body}{expected:02d}").value
    with pytest.raises(IdentityError, match="check digit"):
        parse_identity("RU:snils", f"{body}{(expected + 1) % 100:02d}")


def test_snils_up_to_001_001_998_is_not_checked() -> None:
    assert parse_identity("RU:snils", "001-001-998 77").value == "00100199877"
    body = "001001999"
    wrong = (snils_check(body) + 1) % 100
    with pytest.raises(IdentityError, match="check digit"):
        parse_identity("RU:snils", f"{body}{wrong:02d}")


@pytest.mark.parametrize(
    ("seventh", "yy", "year"),
    [
        ("3", "99", 1999),
        ("4", "36", 2036),
        ("4", "37", 1937),
        ("9", "36", 2036),
        ("9", "37", 1937),
        ("5", "57", 2057),
        ("5", "58", 1858),
        ("8", "00", 2000),
    ],
)
def test_cpr_century_follows_the_cpr_office_table(
    seventh: str, yy: str, year: int
) -> None:
    assert parse_identity("DK:cpr", f"1503{yy}{seventh}120").birth_date == date(
        year, 3, 15
    )
    with pytest.raises(IdentityError) as caught:
        parse_identity("DK:cpr", f"3002{yy}{seventh}120")
    assert str(caught.value) == _impossible(year, 2, 30)


@pytest.mark.parametrize(
    ("month_field", "year"),
    [("02", 1985), ("22", 2085), ("42", 2185), ("62", 2285), ("82", 1885)],
)
def test_pesel_month_field_gives_the_century(month_field: str, year: int) -> None:
    body = f"85{month_field}300000"
    with pytest.raises(IdentityError) as caught:
        parse_identity("PL:pesel", body + "0")
    assert str(caught.value) == _impossible(year, 2, 30)


@pytest.mark.parametrize(
    ("first", "year", "sex"),
    [("1", 1885, "M"), ("2", 1885, "F"), ("5", 2085, "M"), ("8", 2185, "F")],
)
def test_baltic_first_digit_gives_century_and_sex(
    first: str, year: int, sex: Sex
) -> None:
    body = f"{first}850301123"
    identity = parse_identity("EE:isikukood", body + str(baltic_check(body)))
    assert (identity.birth_date, identity.sex) == (date(year, 3, 1), sex)
    with pytest.raises(IdentityError) as caught:
        parse_identity("LT:asmens_kodas", f"{first}850230123" + "0")
    assert str(caught.value) == _impossible(year, 2, 30)
