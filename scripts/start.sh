#!/usr/bin/env bash
# Install everything and start the whole platform: web, Celery worker and beat.
# Embedded defaults (SQLite, a file-system broker, local media, console email) unless
# DATABASE_URL / REDIS_URL are set. Ctrl-C stops all three.
source "$(dirname "$0")/lib.sh"

ensure_system_packages
install_python_packages
uv run python manage.py migrate --noinput
uv run python manage.py sync_periodic_tasks
uv run python manage.py bootstrap_demo
port="${VIVASEO_PORT:-8000}"
cat <<MSG

  VivaSEO is starting at http://127.0.0.1:${port}/  (admin: http://127.0.0.1:${port}/admin/)
  Health: http://127.0.0.1:${port}/healthz   Stop: Ctrl-C

MSG
VIVASEO_PORT="$port" exec python3 -m uv run honcho start -f Procfile.dev
