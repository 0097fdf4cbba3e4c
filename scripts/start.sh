#!/usr/bin/env bash
# Install everything and start the whole platform: web, Celery worker and beat.
# Embedded defaults (SQLite, a file-system broker, local media, console email) unless
# DATABASE_URL / REDIS_URL are set. Ctrl-C stops all three.
source "$(dirname "$0")/lib.sh"
set -a
source scripts/start.env
set +a

ensure_system_packages
install_python_packages
uv run python manage.py migrate --noinput
uv run python manage.py bootstrap_site
# Demo accounts exist only here, under the dev settings; bootstrap_demo refuses in production.
uv run python manage.py bootstrap_demo
port="${VIVASEO_PORT:-8000}"
cat <<MSG

  VivaSEO is starting at http://127.0.0.1:${port}/  (admin: http://127.0.0.1:${port}/admin/)
  Health: http://127.0.0.1:${port}/healthz   Stop: Ctrl-C

MSG
# -e: the same settings for all three, and a .env file (a deploy's secrets) cannot override them.
VIVASEO_PORT="$port" exec python3 -m uv run honcho start -f Procfile.dev -e scripts/start.env
