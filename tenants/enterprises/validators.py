"""统一社会信用代码 (unified social credit code) per GB 32100-2015.

An 18-character code: registration authority (1), organisation type (1), administrative region code (6 digits),
organisation identifier (9) and a check character (1) computed over the first 17 characters.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18
_VALUES = {char: index for index, char in enumerate(CHARSET)}


def credit_code_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a code (which must already be valid characters)."""
    if len(first17) != CODE_LENGTH - 1:
        raise ValueError("expected 17 characters")
    total = sum(_VALUES[char] * weight for char, weight in zip(first17.upper(), WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> ValidationError | None:
    """Why the code is not valid (distinct message and code per reason), or None when it is."""
    if len(code) != CODE_LENGTH:
        return ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    bad = [char for char in code if char not in _VALUES]
    if bad:
        return ValidationError(
            _("Invalid character “%(char)s”: only digits and capital letters except I, O, Z, S and V are allowed."),
            code="credit_code_character",
            params={"char": bad[0]},
        )
    if not code[2:8].isdigit():
        return ValidationError(
            _("Characters 3 to 8 must be a region code of six digits."),
            code="credit_code_region",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return ValidationError(
            _("Wrong check character: the last character should be “%(expected)s”."),
            code="credit_code_check",
            params={"expected": expected},
        )
    return None


def credit_code_is_valid(code: str) -> bool:
    return isinstance(code, str) and credit_code_error(code) is None


def normalize_credit_code(code: str | None) -> str:
    """Trim blanks and upper-case; users paste codes with stray spaces and lower-case letters."""
    return (code or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Django validator (model/form/serializer fields); an empty value is left to `blank`."""
    if not value:
        return
    error = credit_code_error(value)
    if error is not None:
        raise error
