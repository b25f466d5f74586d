"""Back/forward history, browser style: a new visit drops the forward stack."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_HISTORY = 200


@dataclass
class History:
    back_stack: list[str] = field(default_factory=list)
    current: str | None = None
    forward_stack: list[str] = field(default_factory=list)

    @property
    def can_back(self) -> bool:
        return bool(self.back_stack)

    @property
    def can_forward(self) -> bool:
        return bool(self.forward_stack)

    def visit(self, slug: str) -> None:
        """Go to ``slug`` as a new visit; a visit to the current entry changes nothing."""
        if slug == self.current:
            return
        if self.current is not None:
            self.back_stack.append(self.current)
            del self.back_stack[:-MAX_HISTORY]
        self.current = slug
        self.forward_stack.clear()

    def back(self) -> str | None:
        if not self.back_stack:
            return None
        if self.current is not None:
            self.forward_stack.append(self.current)
        self.current = self.back_stack.pop()
        return self.current

    def forward(self) -> str | None:
        if not self.forward_stack:
            return None
        if self.current is not None:
            self.back_stack.append(self.current)
        self.current = self.forward_stack.pop()
        return self.current

    def to_dict(self) -> dict[str, object]:
        return {
            "back": list(self.back_stack),
            "current": self.current,
            "forward": list(self.forward_stack),
        }

    @classmethod
    def from_dict(cls, data: object) -> History:
        if not isinstance(data, dict):
            return cls()

        def slugs(value: object) -> list[str]:
            if not isinstance(value, list):
                return []
            return [v for v in value if isinstance(v, str)][-MAX_HISTORY:]

        current = data.get("current")
        return cls(
            slugs(data.get("back")),
            current if isinstance(current, str) else None,
            slugs(data.get("forward")),
        )
