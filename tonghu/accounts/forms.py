from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tonghu.core.models import Region

from .models import User


class UserForm(forms.ModelForm):
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False), required=False,
                               help_text=_("新建用户时必填；修改用户时留空表示不改密码。"))

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "region", "department", "unit", "phone", "is_active"]

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.fields["region"].queryset = Region.objects.filter(code__startswith=manager.region.prefix)
        self.fields["region"].required = True
        self.fields["role"].required = True

    def clean_region(self):
        region = self.cleaned_data["region"]
        if region is not None and not region.code.startswith(self.manager.region.prefix):
            raise forms.ValidationError(_("只能把用户分配到本辖区内的区域。"))
        return region

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", _("新建用户须设置初始密码。"))
        if password:
            candidate = self.instance
            candidate.username = data.get("username") or candidate.username
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user
