#!/usr/bin/env bash
# Lay out the Linux download: the one-folder bundle, the install scripts and the desktop
# files, in OUT/NAME-VERSION-linux-ARCH/ (build.sh packs it as a .tar.gz).
#   packaging/linux/stage.sh BUNDLE_DIR OUT VERSION
set -euo pipefail
BUNDLE=$1 OUT=$2 VERSION=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STAGE="$OUT/onproduct-$VERSION-linux-$(uname -m)"
rm -rf "$STAGE" && mkdir -p "$STAGE/share"
cp -a "$BUNDLE" "$STAGE/onproduct"
cp "$HERE/install.sh" "$HERE/uninstall.sh" "$HERE/README.txt" "$STAGE/"
cp "$ROOT"/resources/org.onproduct.Onproduct.{desktop,metainfo.xml,mime.xml} \
   "$ROOT/resources/onproduct.svg" "$STAGE/share/"
cp -a "$ROOT/resources/appicon" "$STAGE/share/appicon"
echo "$STAGE"
