"""Identicons the app draws itself, so avatars need no outside service."""

import hashlib

from markupsafe import escape

GRID = 5


def identicon_svg(seed: str, size: int) -> str:
    """A symmetric 5x5 identicon for ``seed`` as an SVG document ``size`` pixels square."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    color = f"hsl({hue}, 55%, 50%)"
    bits = int.from_bytes(digest[2:], "big")
    cells = []
    half = (GRID + 1) // 2
    for column in range(half):
        for row in range(GRID):
            if bits >> (column * GRID + row) & 1:
                for x in {column, GRID - 1 - column}:
                    cells.append(f'<rect x="{x + 1}" y="{row + 1}" width="1" height="1"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {GRID + 2} {GRID + 2}" shape-rendering="crispEdges">'
        f'<rect width="{GRID + 2}" height="{GRID + 2}" fill="#f0f0f0"/>'
        f'<g fill="{escape(color)}">{"".join(cells)}</g></svg>'
    )
