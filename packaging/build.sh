#!/usr/bin/env bash
# Build the Riskwright desktop bundle for Linux in one go:
#   clean build venv -> pip install the package + PyInstaller -> one-folder bundle
#   -> dist/riskwright-<version>-linux-<arch>.tar.gz and dist/SHA256SUMS.
#
# Usage: packaging/build.sh            (from anywhere; needs network for PyPI or a pip cache)
# Environment: PYTHON=python3.11 to pick the interpreter (it needs a shared libpython,
#              which Debian's python3 and pyenv builds with --enable-shared have);
#              PIP_INDEX_URL / PIP_FIND_LINKS as usual for a local mirror.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
work="$root/build/packaging"
venv="$work/venv"
dist="$root/dist"
arch="$(uname -m)"
started=$SECONDS

step() { printf '\n== %s\n' "$*"; }

step "clean build venv ($("$python" --version 2>&1))"
rm -rf "$work"
mkdir -p "$work" "$dist"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# A normal (non-editable) install: the bundle is frozen from what a user would install.
"$venv/bin/python" -m pip install --quiet "$root" -r "$here/build-requirements.txt"

# -I: isolated, so the source tree in the current folder is never imported by mistake.
version="$("$venv/bin/python" -I -c 'import app; print(app.__version__)')"
name="riskwright-$version"
step "PyInstaller: $name for linux-$arch"
(cd "$work" && "$venv/bin/python" -I -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$work/frozen" --workpath "$work/pyinstaller" "$here/riskwright.spec")

step "assemble the bundle"
bundle="$work/$name"
mv "$work/frozen/riskwright" "$bundle"
mkdir -p "$bundle/share/applications" "$bundle/share/metainfo" "$bundle/share/mime/packages" \
         "$bundle/share/icons"
cp "$here/org.riskwright.Riskwright.desktop" "$bundle/share/applications/"
cp "$here/org.riskwright.Riskwright.metainfo.xml" "$bundle/share/metainfo/"
cp "$here/riskwright-mime.xml" "$bundle/share/mime/packages/org.riskwright.Riskwright.xml"
cp -r "$here/icons/hicolor" "$bundle/share/icons/"
install -m 0755 "$here/install.sh" "$bundle/install.sh"
cp "$here/bundle-README.txt" "$bundle/README.txt"

# The bundle must at least start here before it is shipped.
"$bundle/riskwright" --version

step "archive"
archive="$name-linux-$arch.tar.gz"
# Sorted names, fixed owner and time: the same input gives the same archive.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    -C "$work" -cf - "$name" | gzip -n > "$dist/$archive.part"
mv "$dist/$archive.part" "$dist/$archive"
(cd "$dist" && sha256sum "$archive" > SHA256SUMS)

unpacked_kib="$(du -sk "$bundle" | cut -f1)"
packed_bytes="$(stat -c %s "$dist/$archive")"
step "done in $((SECONDS - started)) s"
echo "bundle:   $bundle ($((unpacked_kib / 1024)) MiB unpacked)"
echo "archive:  $dist/$archive ($((packed_bytes / 1024 / 1024)) MiB)"
echo "checksum: $dist/SHA256SUMS"
cat "$dist/SHA256SUMS"
