"""The consent a citizen gives when they authorise someone to act for them (ủy quyền). Each wording has a
version id; an authorisation keeps the version and the text as shown. A new wording gets a new id (and
the old one stays here, so that a page loaded before the change is refused, not recorded as the new one)."""

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "UQ-2025-1"

TEXTS = {
    "UQ-2025-1": _(
        "I authorise the person named above to fill in, file, follow and answer requests about the "
        "administrative dossiers within the scope above, in my name, until the date above. The dossiers "
        "remain mine: I see everything filed in my name and by whom, and I can revoke this authorisation "
        "at any time on the page “Authorisations” of my account. I confirm that the information filed on "
        "my behalf is my responsibility as if I had filed it myself."
    ),
}


def current_text() -> str:
    return str(TEXTS[CURRENT_VERSION])
