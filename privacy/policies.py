"""Who may do what with personal-data requests: the account's own holder, and staff given the permission
(superusers, or a data protection officer's group in the admin)."""


def may_use_my_data(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_citizen


def may_handle_corrections(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff_role
        and user.has_perm("privacy.handle_correctionrequest")
    )


def may_view_register(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff_role
        and user.has_perm("privacy.view_register")
    )
