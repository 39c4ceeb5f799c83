"""A logout replaces the user's offline key: the phone's encrypted copy can no longer be opened after it (and the
page wipes it at logout anyway, with ``Clear-Site-Data``)."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver


@receiver(user_logged_out)
def rotate_offline_key(sender, request, user, **kwargs):
    if user is None:
        return
    from .services import key_rotate

    key_rotate(user=user)
