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
