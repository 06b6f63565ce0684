"""Who people are in karta: the roles, with the words people read (DOMAIN.md §7–8).

Every check of a role, every label shown for one, every role a transition names comes from
here; the machine refuses a transition naming a role not listed.
"""

from __future__ import annotations

from types import MappingProxyType

ROLE_LABELS = MappingProxyType({
    "admin": "администратор",
    "clerk": "специалист",
    "head": "руководитель",
    "executor": "исполнитель",
    "auditor": "аудитор",
    "region_auditor": "аудитор региона",
})
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)
# roles that see the whole organisation (an executor sees its unit's share)
WHOLE_ORGANISATION = frozenset({"admin", "clerk", "head", "auditor", "region_auditor"})


def role_label(role: str) -> str:
    """The Russian word for a role, or the role itself when unknown."""
    return ROLE_LABELS.get(role, role)
