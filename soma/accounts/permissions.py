"""Who may do what on an assessment: roles and actions (soma.kernel.access).

What a member may see (their clearance, names of people, audiences) is decided in soma.kernel.clearance.
"""

from __future__ import annotations

# Roles, actions and `can` / `require` live in the kernel; re-exported here while callers move to it.
from soma.kernel.access import (  # noqa: F401
    ALLOWED,
    FINAL_MESSAGE,
    Action,
    PermissionDenied,
    Role,
    can,
    membership,
    remember_membership,
    require,
)

