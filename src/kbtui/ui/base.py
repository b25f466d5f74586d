"""The typed face of the kbtui app that screens, widgets and commands rely on.

Everything below the app reaches the KB session and the user's state through
:func:`kb_app`, checked at run time and typed for mypy: no ``type: ignore``, and no
import of the concrete app (which imports the screens) from below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from kbtui.library import Library
    from kbtui.state import UserState
    from kbtui.web.server import RoomServer


class KBAppBase(App[None]):
    """What the rest of the UI may ask of the app."""

    library: Library
    user: UserState
    room_server: RoomServer | None = None  # while sharing with the room

    def present(self, path_slug: str, then_exit: bool = False) -> None:
        raise NotImplementedError

    def save_state(self) -> None:
        raise NotImplementedError

    def show_to_room(self, path_slug: str, step: int) -> None:
        """Tell the room's followers which step the presenter shows (if sharing)."""


def kb_app(node: DOMNode) -> KBAppBase:
    app = node.app
    if not isinstance(app, KBAppBase):
        raise TypeError("this widget belongs in the kbtui app")
    return app
