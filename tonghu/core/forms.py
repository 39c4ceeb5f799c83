from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _


def bootstrap_class(widget) -> str:
    """The Bootstrap class a widget needs to look like the rest of the interface."""
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    if isinstance(widget, (forms.HiddenInput, forms.MultipleHiddenInput)):
        return ""
    return "form-control"


class StyledBoundField(forms.BoundField):
    """Every form field is rendered with its Bootstrap class unless the form chose one (no unstyled forms)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "class" not in attrs and "class" not in widget.attrs:
            css = bootstrap_class(widget)
            if css:
                attrs["class"] = css
        return attrs


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's renderer with :class:`StyledBoundField` for every form of the project."""

    bound_field_class = StyledBoundField


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
