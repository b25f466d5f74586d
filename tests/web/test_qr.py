"""The QR code the room's panel and `kbtui serve` draw is one a camera reads: the
block characters, read back as modules and drawn as pixels, decode (zxing-cpp, an
independent reader) to the room's address, quiet zone included."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from kbtui.web.server import _HALVES, qr_lines

ADDRESSES = [
    "http://192.168.1.23:8765/?code=5bcrgn",
    "http://[fe80::1c2b:3aff:fe4d:5e6f]:8765/?code=a2b3c4",
    "http://10.0.0.2:65535/",
]


def _pixels(lines: list[str], scale: int = 6) -> np.ndarray:
    """The drawn code as a camera would see it on a white screen: black where dark."""
    halves = {text: pair for pair, text in _HALVES.items()}
    rows: list[list[bool]] = []
    for line in lines:
        pairs = [halves[character] for character in line]
        rows += [[top for top, _ in pairs], [bottom for _, bottom in pairs]]
    image = np.array([[0 if dark else 255 for dark in row] for row in rows], dtype=np.uint8)
    return np.kron(image, np.ones((scale, scale), dtype=np.uint8))


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_drawn_code_reads_as_the_address(address: str) -> None:
    lines = qr_lines(address)
    assert len({len(line) for line in lines}) == 1  # a rectangle, every line as wide
    assert set(lines[0]) == {" "} and set(lines[-1]) <= {" ", "▀"}  # the quiet zone
    assert [found.text for found in zxingcpp.read_barcodes(_pixels(lines))] == [address]
