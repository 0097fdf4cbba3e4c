#!/usr/bin/env bash
# Install everything and run the whole test suite. Extra arguments go to pytest.
# Embedded defaults unless DATABASE_URL / REDIS_URL are set (.ci/run runs it both ways).
source "$(dirname "$0")/lib.sh"

ensure_system_packages
install_python_packages
uv run pytest "$@"
