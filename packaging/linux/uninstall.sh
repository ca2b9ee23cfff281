#!/usr/bin/env bash
# Remove what install.sh put in place. Plans and settings stay where they are
# (~/.local/share/Onproduct and ~/.config/Onproduct): delete those by hand if wanted.
#   ./uninstall.sh [--keep-program]   (install.sh uses --keep-program when it updates)
set -euo pipefail
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${ONPRODUCT_PREFIX:-$HOME/.local/opt/onproduct}
MANIFEST="$PREFIX/installed-files.txt"
if [ ! -f "$MANIFEST" ]; then
  echo "uninstall: Onproduct is not installed in $PREFIX." >&2
  exit 1
fi
while IFS= read -r file; do
  rm -f "$file"
done <"$MANIFEST"
rm -f "$MANIFEST"
if [ "${1:-}" != "--keep-program" ]; then
  rm -rf "$PREFIX/program"
  rmdir "$PREFIX" 2>/dev/null || true
fi
command -v update-mime-database >/dev/null && [ -d "$DATA/mime" ] && update-mime-database "$DATA/mime" || true
command -v update-desktop-database >/dev/null && [ -d "$DATA/applications" ] && update-desktop-database -q "$DATA/applications" || true
echo "Onproduct is uninstalled. Your plans and settings were left in place."
