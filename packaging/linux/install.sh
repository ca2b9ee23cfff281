#!/usr/bin/env bash
# Install Onproduct for this user, from the folder this script is in:
#   ./install.sh            the program in ~/.local/opt/onproduct, `onproduct` in ~/.local/bin,
#                           a menu entry, icons and the .onproduct file type
#   ONPRODUCT_PREFIX=DIR ./install.sh   the program in DIR instead
# Nothing needs root. Running it again updates an installed copy. ./uninstall.sh undoes it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${ONPRODUCT_PREFIX:-$HOME/.local/opt/onproduct}
BIN=${ONPRODUCT_BIN:-$HOME/.local/bin}
ID=org.onproduct.Onproduct

[ -x "$HERE/onproduct/onproduct" ] || { echo "install: $HERE/onproduct/onproduct is missing" >&2; exit 1; }
mkdir -p "$PREFIX" "$BIN" "$DATA/applications" "$DATA/mime/packages" "$DATA/metainfo"
MANIFEST="$PREFIX/installed-files.txt"
[ -f "$MANIFEST" ] && "$HERE/uninstall.sh" --keep-program >/dev/null

rm -rf "$PREFIX/program.new" && cp -a "$HERE/onproduct" "$PREFIX/program.new"
rm -rf "$PREFIX/program" && mv "$PREFIX/program.new" "$PREFIX/program"
ln -sfn "$PREFIX/program/onproduct" "$BIN/onproduct"
: >"$MANIFEST"
echo "$BIN/onproduct" >>"$MANIFEST"

put() {  # put SOURCE TARGET: copy a file and remember it for uninstall.sh
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
  echo "$2" >>"$MANIFEST"
}
# The menu entry runs the installed program by its full path (~/.local/bin may not be on PATH).
sed -e "s|^Exec=onproduct |Exec=\"$PREFIX/program/onproduct\" |" \
    -e "/^Exec=/a TryExec=$PREFIX/program/onproduct" \
    "$HERE/share/$ID.desktop" >"$PREFIX/$ID.desktop"
put "$PREFIX/$ID.desktop" "$DATA/applications/$ID.desktop"
rm "$PREFIX/$ID.desktop"
put "$HERE/share/$ID.mime.xml" "$DATA/mime/packages/$ID.xml"
put "$HERE/share/$ID.metainfo.xml" "$DATA/metainfo/$ID.metainfo.xml"
for png in "$HERE"/share/appicon/onproduct-*.png; do
  size=$(basename "$png" .png); size=${size#onproduct-}
  put "$png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
done
put "$HERE/share/onproduct.svg" "$DATA/icons/hicolor/scalable/apps/$ID.svg"

# Let the desktop know (each tool is optional: without it the change shows after a re-login).
command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true

echo "Onproduct $("$PREFIX/program/onproduct" --version | cut -d' ' -f2) is installed in $PREFIX."
case ":$PATH:" in
  *":$BIN:"*) echo "Start it from your applications menu or with: onproduct" ;;
  *) echo "Start it from your applications menu or with: $BIN/onproduct ($BIN is not on your PATH)" ;;
esac
