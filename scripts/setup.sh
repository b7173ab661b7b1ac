#!/usr/bin/env bash
# Install everything bcp needs on a fresh Debian machine, idempotently:
#   - Debian packages: Pango/HarfBuzz for WeasyPrint, Korean fonts (Noto Sans CJK),
#     poppler-utils (pdftotext/pdffonts/pdftoppm, used by the PDF tests), git;
#   - the bcp package itself with its test extras, editable, into the current Python.
# Set BCP_SKIP_APT=1 to skip the Debian part (e.g. on a machine you do not administer).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
DEB_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
  fonts-noto-cjk fonts-dejavu-core fontconfig
  poppler-utils git
)

if [ "${BCP_SKIP_APT:-0}" != "1" ] && command -v dpkg >/dev/null 2>&1; then
  missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
  fi
fi

# Python packages: only when something is missing or the project changed.
stamp=".setup-stamp"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1) $($PY -c 'import sys; print(sys.executable)')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! $PY -c "import bcp.cli, weasyprint, pytest, hypothesis, pypdf, jsonschema" >/dev/null 2>&1; then
  echo "setup: installing bcp and its test dependencies" >&2
  $PY -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e ".[test]"
  echo "$want" > "$stamp"
fi
