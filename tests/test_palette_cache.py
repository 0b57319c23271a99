"""The chart PNGs are palettised once per distinct original, and the cached result is what a rebuild gets."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ccg_book import site_fixes


def chart_png(path: Path) -> bytes:
    """Write an opaque PNG chart with matplotlib (anti-aliased text and bars: thousands of colours)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(3, 2), dpi=100)
    axes.barh(["vision", "strategy", "priorities"], [54, 33, 71], color=["#1f77b4", "#ff7f0e", "#2ca02c"])
    axes.set_title("A small test chart")
    figure.savefig(path, format="png", facecolor="white")
    plt.close(figure)
    return path.read_bytes()


def test_palettised_once_then_reused(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    image = tmp_path / "chart.png"
    original = chart_png(image)

    site_fixes.palette_png_cached(image, cache)
    first = image.read_bytes()
    with Image.open(image) as opened:
        assert opened.mode == "P"
    assert len(first) < len(original)

    calls = []
    monkeypatch.setattr(site_fixes, "palette_png", lambda path: calls.append(path) or True)
    image.write_bytes(original)  # Sphinx copies the original again on the next build
    site_fixes.palette_png_cached(image, cache)
    assert image.read_bytes() == first and calls == []
    site_fixes.palette_png_cached(image, cache)  # already the palettised output: left alone
    assert image.read_bytes() == first and calls == []


def test_a_changed_chart_is_palettised_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    image = tmp_path / "chart.png"
    chart_png(image)
    site_fixes.palette_png_cached(image, cache)
    first = image.read_bytes()
    Image.new("RGB", (120, 80), (10, 200, 30)).save(image, "PNG")  # a new chart, few colours
    second_original = image.read_bytes()
    site_fixes.palette_png_cached(image, cache)
    assert image.read_bytes() != first
    with Image.open(image) as opened:
        assert opened.size == (120, 80)
        assert opened.convert("RGB").getpixel((5, 5)) == (10, 200, 30)
    assert len(image.read_bytes()) <= len(second_original)
