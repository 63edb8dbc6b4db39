#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing (safe to re-run).
set -euo pipefail

PACKAGES=(
  gettext              # compilemessages
  fonts-ipaexfont-gothic fonts-noto-cjk fontconfig   # Japanese text in PDFs and charts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint
  poppler-utils        # pdftotext / pdftoppm in report tests
  chromium             # browser tests (Playwright) and the PDF benchmark
)
PYTHON=${PYTHON:-python3.11}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  missing+=(python3.11 python3.11-venv)
elif ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  missing+=(python3.11-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # A stale font cache once made Japanese PDFs 20 times slower.
  as_root fc-cache -f
fi
