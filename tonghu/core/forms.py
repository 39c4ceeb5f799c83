from django import forms
from django.utils.translation import gettext_lazy as _


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("区划 CSV 文件"), help_text=_("列：code,name,parent_code,level,kind,urban_rural（UTF-8 或 GBK）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("请上传 .csv 文件。"))
        return f


def add_service_errors(form, errors) -> None:
    """Put a service's ``ValidationError`` (or a ``{field: [messages]}`` dict) on a form.

    Services validate and raise; views show the messages next to the field they name, and on the form as a whole
    when the field is not on this form (``__all__`` included) or the error has no field at all.
    """
    from django.core.exceptions import ValidationError

    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {"__all__": errors.messages}
    for name, messages in errors.items():
        form.add_error(name if name in form.fields else None, messages)
