"""The training room's web reader: ``kbtui serve``, or "Share with the room" in the app.

A read-only reader of one KB session for every phone in the room: the entry list,
entries with their links and backlinks, search through the same index, reading
paths, handouts as downloads, and a Follow page that shows the step the presenter
shows. No Textual. ``kbtui.web.server`` runs it; ``kbtui.web.app`` is the ASGI app.
"""
