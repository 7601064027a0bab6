from app.main.identicon import identicon_svg


def test_identicon_is_deterministic_and_symmetric():
    first, again, other = identicon_svg("user:1", 64), identicon_svg("user:1", 64), identicon_svg("user:2", 64)
    assert first == again
    assert first != other
    assert first.startswith("<svg") and 'width="64"' in first


def test_identicon_cells_mirror_left_and_right():
    import re

    cells = {(int(x), int(y)) for x, y in re.findall(r'<rect x="(\d)" y="(\d)"', identicon_svg("user:7", 32))}
    assert cells, "an identicon with no cells"
    assert all((6 - x, y) in cells for x, y in cells)
