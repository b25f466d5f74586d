"""Start the Textual app: the only CLI path that imports Textual."""

from __future__ import annotations

from kbtui.paths import resolve_kb


def launch_app(kb_arg: str | None, open_slug: str | None) -> int:
    root = resolve_kb(kb_arg)
    from kbtui.ui.app import KBApp

    app = KBApp(root, open_slug=open_slug)
    app.run()
    return app.return_code or 0
