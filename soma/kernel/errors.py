"""The editing core's exceptions: what a service raises for its caller (a page, the API, a command) to show."""

from __future__ import annotations

from typing import Any


class ServiceError(ValueError):
    """A write that cannot be made as asked; the message says what was wrong and what to do."""


STALE_MESSAGE = "Someone else changed this since you opened it. Reload to see their version."


class EditConflict(ServiceError):
    """Someone else saved the row since the user loaded it: their save stands, this one was refused.

    `current` is the stored row (None if it is gone), `version` its version (0 for no row). A conflict that
    offers a merge carries `theirs` (the stored fields the user may see, with their version) and `mine` (what
    the user sent); a plain one carries neither and the message tells the user to reload.
    """

    def __init__(self, message: str = STALE_MESSAGE, *, current: Any = None, theirs: dict | None = None,
                 mine: dict | None = None) -> None:
        super().__init__(message)
        self.current = current
        self.theirs = theirs
        self.mine = mine

    @property
    def version(self) -> int:
        return getattr(self.current, "version", 0) if self.current is not None else 0

    @property
    def mergeable(self) -> bool:
        return self.theirs is not None
