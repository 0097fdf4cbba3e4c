#!/usr/bin/env bash
# Install everything and start the whole platform: web, Celery worker and beat.
# Embedded defaults (SQLite, a file-system broker, local media, console email) unless
# DATABASE_URL / REDIS_URL are set. Ctrl-C stops all three.
source "$(dirname "$0")/lib.sh"
set -a
source scripts/start.env
set +a
export_site_url

ensure_system_packages
install_python_packages
uv run python manage.py migrate --noinput
uv run python manage.py bootstrap_site
# The plans (and, with Stripe keys, their products, prices and webhook endpoint); idempotent.
uv run python manage.py billing_bootstrap
# The demo bakery (scripts/demo_site/) on a loopback address of its own, 127.0.0.2, which
# start.env lets the crawler reach; stopped with the rest. bootstrap_demo audits it twice.
demo_site_port="$(python3 scripts/demo_site/serve.py --pick-port)"
python3 scripts/demo_site/serve.py --port "$demo_site_port" >/dev/null &
demo_site_pid=$!
trap 'kill "$demo_site_pid" 2>/dev/null || true' EXIT
# Demo accounts exist only here, under the dev settings; bootstrap_demo refuses in production.
uv run python manage.py bootstrap_demo --site-url "http://127.0.0.2:${demo_site_port}/"
cat <<MSG

  VivaSEO is starting at http://127.0.0.1:${VIVASEO_PORT}/  (admin: http://127.0.0.1:${VIVASEO_PORT}/admin/)
  Health: http://127.0.0.1:${VIVASEO_PORT}/healthz   Stop: Ctrl-C
  Links in emails point to ${VIVASEO_SITE_URL}/

MSG
# -e: the same settings for all three, and a .env file (a deploy's secrets) cannot override them.
# VIVASEO_PORT and VIVASEO_SITE_URL are exported above, so web, worker and beat share them.
# Not exec: the EXIT trap above stops the demo site when honcho stops.
python3 -m uv run honcho start -f Procfile.dev -e scripts/start.env
