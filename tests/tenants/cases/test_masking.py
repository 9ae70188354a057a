"""Masking of a submitter's contact data: the pages and the API share one implementation."""

import pytest

from tenants.cases.masking import mask_name, mask_phone
from web.templatetags import webui


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("0570-888123", "******8123"),
        ("12345", "*2345"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_phone_keeps_at_most_the_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked
    assert webui.mask_phone(phone) == masked


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("", "")])
def test_name_keeps_the_first_character(name, masked):
    assert mask_name(name) == masked
    assert webui.mask_name(name) == masked
