"""Render the application icon's PNG sizes, .ico and .icns from resources/onproduct.svg.

    python packaging/make_icons.py

The PNGs are what Linux desktops want (hicolor theme sizes); the .ico (Windows) and
.icns (macOS) hold PNG images, which both formats allow, written here by hand so no
image library beyond Qt is needed. The results are committed; run this again after
changing the SVG (tests/packaging checks they match it).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "onproduct.svg"
OUT = ROOT / "resources" / "appicon"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size, then the PNG images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png for size, png in images.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    OUT.mkdir(exist_ok=True)
    pngs = {size: render(size) for size in PNG_SIZES}
    for size, png in pngs.items():
        (OUT / f"onproduct-{size}.png").write_bytes(png)
    (OUT / "onproduct.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (OUT / "onproduct.icns").write_bytes(icns({s: pngs[s] for s in ICNS_TYPES}))
    del app
    print(f"wrote {len(pngs)} PNGs, onproduct.ico and onproduct.icns to {OUT}")


if __name__ == "__main__":
    main()
