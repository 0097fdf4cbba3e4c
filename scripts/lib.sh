# Shared by scripts/start.sh, scripts/test.sh and .ci/run. Sourced, not run.
# Needs only Python 3 and the package registries: uv is installed with pip when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

uv() {
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "-> installing uv with pip"
    python3 -m pip install --quiet --disable-pip-version-check uv
  fi
  # Never download a Python build: use the 3.12 this machine has (see .python-version).
  UV_PYTHON_DOWNLOADS=never python3 -m uv "$@"
}

# Debian packages the platform uses at run time: Chromium (JavaScript rendering, browser
# tests), pango (WeasyPrint PDFs) and poppler (pdftoppm, to look at PDFs in tests).
SYSTEM_PACKAGES=(chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

ensure_system_packages() {
  local missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "!! missing system packages (${missing[*]}) and no apt-get: install them by hand" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "-> installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The port `bash scripts/start.sh` serves on, and the public address built from it: links in
# emails and the crawler's user agent read VIVASEO_SITE_URL (settings/base.py), so it must name
# the port actually served, not the default 8000. A VIVASEO_SITE_URL already set wins.
export_site_url() {
  export VIVASEO_PORT="${VIVASEO_PORT:-8000}"
  export VIVASEO_SITE_URL="${VIVASEO_SITE_URL:-http://127.0.0.1:${VIVASEO_PORT}}"
}

install_python_packages() {
  # Compiled bytecode: every process (web, worker, each test's worker) starts seconds faster.
  UV_COMPILE_BYTECODE=1 uv sync --frozen --quiet
}
