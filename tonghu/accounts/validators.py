"""Password policy beyond Django's: letters and digits both."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MixedCharacterValidator:
    def validate(self, password: str, user=None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(_("密码须同时包含字母和数字。"), code="password_not_mixed")

    def get_help_text(self) -> str:
        return _("密码须同时包含字母和数字。")


class MinimumLengthValidator:
    """Django's, with a message that has a Chinese translation (Django 5.2.x changed its msgid and the shipped
    zh_Hans catalogue has not caught up)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(_("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}, code="password_too_short")

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


class DistinctCharactersValidator:
    """Refuse passwords built from a handful of characters (``aaaaaaaaaa1``): at least ``min_distinct`` different
    characters (issue 10 §13)."""

    def __init__(self, min_distinct: int = 6):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(_("密码须包含至少 %(count)d 个不同的字符，不能由少数几个字符重复组成。") % {"count": self.min_distinct},
                                  code="password_too_few_distinct")

    def get_help_text(self) -> str:
        return _("密码须包含至少 %(count)d 个不同的字符。") % {"count": self.min_distinct}


class DemoPasswordValidator:
    """The demo password is printed by ``tonghu demo`` and in the README: refuse it outside demo mode
    (``TONGHU_DEMO_MODE``), whatever its case or surrounding spaces."""

    def validate(self, password: str, user=None) -> None:
        from django.conf import settings

        from tonghu.core.demo_loader import DEMO_PASSWORD

        if not settings.TONGHU_DEMO_MODE and password.strip().lower() == DEMO_PASSWORD.lower():
            raise ValidationError(_("这是公开的演示密码，正式使用时不能设为密码。"), code="password_is_demo")

    def get_help_text(self) -> str:
        return _("不能使用公开的演示密码。")
