from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common import pdf_safety


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("Signed result (PDF)"),
        help_text=_("The e-result file you received, as it is: a PDF of at most 20 MB."),
    )

    def clean_pdf(self) -> bytes:
        uploaded = self.cleaned_data["pdf"]
        if uploaded.size > settings.E_RESULTS_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 20 MB."))
        content = uploaded.read()
        if not content.lstrip()[:5] == b"%PDF-":
            raise forms.ValidationError(_("This file is not a PDF. Choose the e-result PDF file."))
        if pdf_safety.problem_with(content) is not None:
            raise forms.ValidationError(
                _("This PDF cannot be read or contains content the portal does not open.")
            )
        return content
