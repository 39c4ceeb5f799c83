"""The password rules with literal numbers and the exact words a user reads (R-N1, issue 10 §13; issue 20 items 1
and 4: pin the rules, not the settings; ``scripts/mutate.sh passwords``): at least 10 characters, letters and digits
both, at least 6 different characters, never the published demo password outside demo mode."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tonghu.accounts.validators import (
    DemoPasswordValidator,
    DistinctCharactersValidator,
    MinimumLengthValidator,
    MixedCharacterValidator,
)
from tonghu.core.demo_loader import DEMO_PASSWORD

SHORT = "密码太短，至少需要 10 个字符。"
MIXED = "密码须同时包含字母和数字。"
DISTINCT = "密码须包含至少 6 个不同的字符，不能由少数几个字符重复组成。"
DEMO = "这是公开的演示密码，正式使用时不能设为密码。"


def _refusals(password: str) -> list[tuple[str, str]]:
    """(code, message) of every rule the password breaks, as the password form shows them."""
    with translation.override("zh-hans"):
        try:
            validate_password(password)
        except ValidationError as exc:
            return [(e.code, e.messages[0]) for e in exc.error_list]
    return []


@pytest.mark.django_db
@pytest.mark.parametrize("password, refusals", [
    ("qwerty7xz", [("password_too_short", SHORT)]),  # 9 characters
    ("qwerty7xzb", []),  # exactly 10
    ("qwertyuiopas", [("password_not_mixed", MIXED)]),  # letters only
    ("4950382716", [("password_entirely_numeric", "密码只包含数字。"), ("password_not_mixed", MIXED)]),
    ("ab1ab1ab1ab1", [("password_too_few_distinct", DISTINCT)]),  # 3 different characters
    ("abcd1abcd1ab", [("password_too_few_distinct", DISTINCT)]),  # 5
    ("abcde1abcde1", []),  # 6
    ("好好学习天天向上2026", []),  # Chinese characters count as letters
])
def test_the_password_rules_with_literal_numbers(password, refusals):
    assert _refusals(password) == refusals


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [DEMO_PASSWORD, DEMO_PASSWORD.upper(), f"  {DEMO_PASSWORD}\t"])
def test_the_demo_password_is_refused_in_any_case_or_spacing_outside_demo_mode(settings, typed):
    settings.TONGHU_DEMO_MODE = False
    assert ("password_is_demo", DEMO) in _refusals(typed)
    settings.TONGHU_DEMO_MODE = True
    assert ("password_is_demo", DEMO) not in _refusals(typed)


@pytest.mark.django_db
def test_a_password_merely_containing_the_demo_password_is_not_the_demo_password(settings):
    settings.TONGHU_DEMO_MODE = False
    assert _refusals(DEMO_PASSWORD + "x") == []


@pytest.mark.django_db
def test_the_form_explains_the_rules_before_the_user_types():
    """The help texts under the new-password field (and in English when the page is)."""
    with translation.override("zh-hans"):
        texts = password_validators_help_texts()
    for text in ("密码至少需要 10 个字符。", "密码须同时包含字母和数字。", "密码须包含至少 6 个不同的字符。", "不能使用公开的演示密码。"):
        assert text in texts
    with translation.override("en"):
        english = password_validators_help_texts()
    assert not any(t for t in english if "密码" in t), english


def test_the_rules_without_options_are_ten_characters_and_six_different_ones():
    """A deployment that leaves the OPTIONS out gets the same rule as the shipped settings."""
    with pytest.raises(ValidationError) as exc:
        MinimumLengthValidator().validate("qwerty7xz")
    assert exc.value.code == "password_too_short"
    MinimumLengthValidator().validate("qwerty7xzb")
    with pytest.raises(ValidationError) as exc:
        DistinctCharactersValidator().validate("abcd1abcd1ab")
    assert exc.value.code == "password_too_few_distinct"
    DistinctCharactersValidator().validate("abcde1abcde1")
    with pytest.raises(ValidationError) as exc:
        MixedCharacterValidator().validate("1234567890")
    assert exc.value.code == "password_not_mixed"
    assert MixedCharacterValidator().get_help_text() == MIXED


@pytest.mark.django_db
def test_the_demo_validator_reads_demo_mode_when_it_validates(settings):
    settings.TONGHU_DEMO_MODE = False
    with pytest.raises(ValidationError) as exc:
        DemoPasswordValidator().validate(DEMO_PASSWORD)
    assert exc.value.code == "password_is_demo" and exc.value.messages == [DEMO]
