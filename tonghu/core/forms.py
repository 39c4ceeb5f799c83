from django import forms
from django.utils.translation import gettext_lazy as _


class RegionImportForm(forms.Form):
    file = forms.FileField(label=_("区划 CSV 文件"), help_text=_("列：code,name,parent_code,level,kind,urban_rural（UTF-8 或 GBK）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("请上传 .csv 文件。"))
        return f
