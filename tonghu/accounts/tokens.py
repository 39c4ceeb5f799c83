"""API token authentication with expiry, idle timeout and revocation (issue 10 §9). Replaces DRF's authtoken,
whose tokens never expired and survived a password change."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import token_check


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_check(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("接口令牌无效、已过期或已被撤销，请重新获取令牌。"))
        return token.user, token
