#!/bin/sh
# Install a GeoDesk bundle for the current user: the bundle in $PREFIX/opt/geodesk, the command
# $PREFIX/bin/geodesk, the menu entry and the icon ($PREFIX defaults to ~/.local).
# Usage: packaging/install-desktop.sh [BUNDLE_DIR]   (default: dist/geodesk, or this script's
# own folder when it is run from inside a bundle).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ]; then bundle=$1
elif [ -x "$here/geodesk" ]; then bundle=$here
else bundle=$here/../dist/geodesk
fi
bundle=$(cd "$bundle" 2>/dev/null && pwd) || { echo "no bundle folder $1" >&2; exit 2; }
[ -x "$bundle/geodesk" ] || { echo "no bundle at $bundle (run: make bundle)" >&2; exit 2; }
desktop=$here/geodesk.desktop
[ -f "$desktop" ] || desktop=$bundle/geodesk.desktop
icons=$bundle/_internal/geodesk/resources/icons
prefix=${PREFIX:-$HOME/.local}
apps=$prefix/share/applications
mkdir -p "$prefix/opt" "$prefix/bin" "$apps" "$prefix/share/icons/hicolor/scalable/apps" \
    "$prefix/share/icons/hicolor/256x256/apps"
if [ "$bundle" != "$prefix/opt/geodesk" ]; then  # copy first, then swap: never half a bundle
    rm -rf "$prefix/opt/geodesk.new"
    cp -a "$bundle" "$prefix/opt/geodesk.new"
    rm -rf "$prefix/opt/geodesk"
    mv "$prefix/opt/geodesk.new" "$prefix/opt/geodesk"
fi
ln -sf "$prefix/opt/geodesk/geodesk" "$prefix/bin/geodesk"
cp "$icons/geodesk.svg" "$prefix/share/icons/hicolor/scalable/apps/geodesk.svg"
cp "$icons/geodesk.png" "$prefix/share/icons/hicolor/256x256/apps/geodesk.png"
sed "s|^Exec=.*|Exec=\"$prefix/opt/geodesk/geodesk\" %f|" "$desktop" > "$apps/geodesk.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "installed $prefix/opt/geodesk; menu entry $apps/geodesk.desktop; command $prefix/bin/geodesk"
