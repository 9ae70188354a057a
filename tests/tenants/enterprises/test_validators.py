"""GB 32100-2015 check character of the 统一社会信用代码."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tenants.enterprises.validators import (
    CHARSET,
    WEIGHTS,
    credit_code_check_char,
    credit_code_error,
    credit_code_is_valid,
    validate_credit_code,
)

from .helpers import valid_code, wrong_check

# Published codes of well-known organisations, each checked by hand below or by the standard's worked example.
KNOWN_VALID = [
    "91350100M000100Y43",  # the worked example in GB 32100-2015
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 浙江淘宝网络有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
]


def test_hand_computed_check_character_of_the_standards_example():
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 ; M=21, Y=30 in CHARSET.
    values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    assert [CHARSET.index(c) for c in "91350100M000100Y4"] == values
    products = [v * w for v, w in zip(values, WEIGHTS, strict=True)]
    assert products == [9, 3, 27, 135, 0, 26, 0, 0, 420, 0, 0, 0, 8, 0, 0, 900, 112]
    assert sum(products) == 1640
    assert 1640 % 31 == 28  # 31 * 52 = 1612
    assert (31 - 28) % 31 == 3
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_hand_computed_check_character_of_tencent():
    # 9 1 4 4 0 3 0 0 7 1 5 2 6 7 2 6 X ; X=29 (I and O are left out of the letters).
    values = [9, 1, 4, 4, 0, 3, 0, 0, 7, 1, 5, 2, 6, 7, 2, 6, 29]
    assert [CHARSET.index(c) for c in "9144030071526726X"] == values
    products = [v * w for v, w in zip(values, WEIGHTS, strict=True)]
    assert products == [9, 3, 36, 108, 0, 78, 0, 0, 140, 29, 125, 26, 48, 168, 20, 180, 812]
    assert sum(products) == 1782
    assert (31 - 1782 % 31) % 31 == 16  # 1782 = 31 * 57 + 15; 31 - 15 = 16
    assert CHARSET[16] == "G"
    assert credit_code_check_char("9144030071526726X") == "G"


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code):
    assert credit_code_is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize("n", [0, 1, 42, 9999, 1234567])
def test_computed_codes_are_valid_and_any_other_last_character_is_not(n):
    code = valid_code(n)
    assert credit_code_is_valid(code)
    others = [c for c in CHARSET if c != code[17]]
    assert len(others) == 30
    assert not any(credit_code_is_valid(code[:17] + c) for c in others)


def test_check_character_is_zero_when_the_sum_is_a_multiple_of_31():
    # Search a code whose sum is divisible by 31: its check character must be "0", not an out-of-range 31.
    for n in range(200):
        first17 = valid_code(n)[:17]
        total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
        if total % 31 == 0:
            assert credit_code_check_char(first17) == "0"
            return
    pytest.fail("no code with a sum divisible by 31 in the first 200")


def test_a_commonly_quoted_example_with_a_wrong_check_character_is_refused():
    assert credit_code_check_char("91330800MA28F5YX1") == "5"
    assert not credit_code_is_valid("91330800MA28F5YX1K")


def _reason(code):
    with translation.override("en"):
        error = credit_code_error(code)
        return error.code, error.messages[0]


def test_three_reasons_have_distinct_codes_and_messages():
    length = _reason("9135010")
    character = _reason("91350100M000100I43")  # I is not in the charset
    check = _reason(wrong_check("91350100M000100Y43"))
    assert length == ("credit_code_length", "A unified social credit code has 18 characters; this one has 7.")
    assert character[0] == "credit_code_character" and "“I”" in character[1]
    assert check == ("credit_code_check", "Wrong check character: the last character should be “3”.")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_left_out_by_the_standard_are_invalid_characters(letter):
    code = "91350100M000100" + letter + "43"
    assert _reason(code)[0] == "credit_code_character"


def test_region_code_must_be_digits():
    first17 = "91A50100M000100Y4"
    assert _reason(first17 + credit_code_check_char(first17))[0] == "credit_code_region"


def test_django_validator_raises_and_leaves_blank_alone():
    validate_credit_code("")
    with pytest.raises(ValidationError) as caught:
        validate_credit_code("91350100M000100Y44")
    assert caught.value.code == "credit_code_check"
    with pytest.raises(ValueError):
        credit_code_check_char("123")
