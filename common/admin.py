"""The admin's read-only records: every change goes through the services, the admin only shows."""


class ReadOnlyMixin:
    """No add, change or delete, for a ModelAdmin or an inline alike; viewing is left to the admin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
