"""A submitter's contact data is personal data: lists and read-only views show it masked."""


def may_see_contact(membership) -> bool:
    """Who sees a submitter's name and phone whole (a case's page, an export): the union's staff and admins."""
    return membership is not None and membership.can_write


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """13812341234 -> 138****1234; other numbers keep at most their last four characters."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]
