#!/usr/bin/env bash
# Install (or remove) this Riskwright bundle for one user or for a whole machine.
#
#   ./install.sh                      for you: ~/.local (app in ~/.local/lib/riskwright, command in ~/.local/bin)
#   sudo ./install.sh --prefix /usr/local    for everyone on this machine
#   ./install.sh --uninstall [--prefix DIR]  remove what an install put there
#
# It copies the bundle, links the `riskwright` command, and registers the menu entry, the icons,
# the AppStream metadata and the .rwa file type with the desktop. No network, no root needed for ~/.local.
set -euo pipefail

app_id="org.riskwright.Riskwright"
prefix="${HOME:?HOME is not set}/.local"
action="install"

usage() { sed -n '2,9s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --uninstall) action="uninstall"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

case "$prefix" in
    *[\"\`\$\\\|\&]*|*$'\n'*) echo "install.sh: choose a --prefix without \" \` \$ \\ | & in it" >&2; exit 2 ;;
esac
bundle="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$prefix/lib/riskwright"
bin="$prefix/bin/riskwright"
share="$prefix/share"
icon_sizes=(16x16 22x22 24x24 32x32 48x48 64x64 128x128 256x256 512x512)

refresh_desktop_caches() {
    # Each tool is optional: without it the desktop only notices the change a little later.
    if command -v update-mime-database >/dev/null; then update-mime-database "$share/mime" >/dev/null 2>&1 || true; fi
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$share/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || true
    fi
}

if [ "$action" = "uninstall" ]; then
    rm -rf "$app_dir"
    [ -L "$bin" ] && rm -f "$bin"
    rm -f "$share/applications/$app_id.desktop" "$share/metainfo/$app_id.metainfo.xml" \
          "$share/mime/packages/$app_id.xml" "$share/icons/hicolor/scalable/apps/$app_id.svg"
    for size in "${icon_sizes[@]}"; do rm -f "$share/icons/hicolor/$size/apps/$app_id.png"; done
    refresh_desktop_caches
    echo "Riskwright removed from $prefix (your assessments and settings are untouched)."
    exit 0
fi

[ -x "$bundle/riskwright" ] && [ -d "$bundle/_internal" ] || {
    echo "install.sh: run me from an unpacked Riskwright bundle (riskwright and _internal/ next to me)" >&2
    exit 2
}

# 1. The app itself: copied to a new folder first, swapped in only once complete.
if [ "$bundle" != "$app_dir" ]; then
    mkdir -p "$prefix/lib"
    rm -rf "$app_dir.new"
    cp -a "$bundle" "$app_dir.new"
    rm -rf "$app_dir"
    mv "$app_dir.new" "$app_dir"
fi
mkdir -p "$prefix/bin"
ln -sfn "$app_dir/riskwright" "$bin"

# 2. Desktop integration. Exec names the app by its full path: ~/.local/bin is often not on the
#    PATH a desktop session starts programs with.
mkdir -p "$share/applications" "$share/metainfo" "$share/mime/packages" "$share/icons/hicolor"
# A path with spaces goes in double quotes (desktop entry spec); rarer characters are refused above.
case "$app_dir" in
    *[[:space:]\']*) exec_path="\"$app_dir/riskwright\"" ;;
    *) exec_path="$app_dir/riskwright" ;;
esac
sed -e "s|^Exec=riskwright |Exec=$exec_path |" -e "s|^TryExec=riskwright\$|TryExec=$app_dir/riskwright|" \
    "$bundle/share/applications/$app_id.desktop" > "$share/applications/$app_id.desktop"
cp "$bundle/share/metainfo/$app_id.metainfo.xml" "$share/metainfo/"
cp "$bundle/share/mime/packages/$app_id.xml" "$share/mime/packages/"
cp -r "$bundle/share/icons/hicolor/." "$share/icons/hicolor/"
refresh_desktop_caches

# 3. Does it start here? (It needs the system libraries listed in README.txt.)
if version="$("$app_dir/riskwright" --version 2>&1)"; then
    echo "Installed $version in $app_dir"
else
    echo "Installed in $app_dir, but it does not start yet:" >&2
    echo "$version" >&2
    echo "See README.txt for the system packages it needs." >&2
fi
echo "Command: $bin"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Note: $prefix/bin is not on your PATH; start it from the applications menu or by its full path." ;;
esac
