"""The site header on a phone: its links and the language picker sit behind the menu button."""


def open_menu(page) -> None:
    """Open the header's menu when the page shows the button (a phone-sized window); a no-op on a desk."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
