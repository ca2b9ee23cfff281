"""Colours derived from the current palette, so light and dark themes both read well."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from onproduct.domain.categories import CATEGORY_HUES as _CATEGORY_HUES

_STATUS_HUES = {
    "todo": None,  # drawn with the palette's mid tone
    "doing": "#2f6fdb",
    "done": "#2e8b57",
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def mix(base: QColor, tint: QColor, amount: float) -> QColor:
    """`amount` of `tint` over `base` (0: base, 1: tint)."""
    keep = 1.0 - amount
    return QColor.fromRgbF(
        base.redF() * keep + tint.redF() * amount,
        base.greenF() * keep + tint.greenF() * amount,
        base.blueF() * keep + tint.blueF() * amount,
    )


def category_color(key: str, palette: QPalette) -> QColor:
    """The category's accent, lifted a little on dark backgrounds."""
    color = QColor(_CATEGORY_HUES[key])
    return color.lighter(135) if is_dark(palette) else color


def card_background(key: str, palette: QPalette) -> QColor:
    base = palette.color(QPalette.ColorRole.Base)
    return mix(base, category_color(key, palette), 0.16 if is_dark(palette) else 0.07)


def status_color(status: str, palette: QPalette) -> QColor:
    hue = _STATUS_HUES[status]
    if hue is None:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    color = QColor(hue)
    return color.lighter(140) if is_dark(palette) else color


def muted_text(palette: QPalette) -> QColor:
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.35)
