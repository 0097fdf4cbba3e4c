"""What the Chromium that renders customer pages may see and use.

Chromium runs JavaScript from any site a customer names, so it is started as if it were
hostile: with an environment built from an allow list (the worker's ``DJANGO_SECRET_KEY``,
``DATABASE_URL`` and API keys never reach it), with a kernel-enforced memory limit per process,
and with its own sandbox on wherever the kernel lets an unprivileged user create namespaces.
See docs/deploy.md ("JavaScript rendering") for running render workers apart from the rest.

Pure Python, no Django: :class:`~audits.engine.fetch.BrowserFetcher` calls these.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)

SANDBOX_ENV = "VIVASEO_CHROMIUM_SANDBOX"
MEMORY_ENV = "VIVASEO_CHROMIUM_MEMORY_MB"

# The only variables Chromium gets from the worker's environment: where programs are (PATH),
# temporary files (TMPDIR: shared memory lives there with --disable-dev-shm-usage), fonts
# (fontconfig, XDG_DATA_DIRS), language and formats (LANG, LANGUAGE, LC_*) and the time zone
# (TZ, TZDIR). HOME and the XDG config/cache homes are on the list because BrowserFetcher sets
# them to its own throw-away folders. Anything else, secrets and proxy settings included, stays
# out; add a name here only with the reason Chromium needs it.
CHROMIUM_ENV_ALLOW = frozenset(
    {
        "PATH",
        "HOME",
        "TMPDIR",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "XDG_DATA_DIRS",
        "FONTCONFIG_FILE",
        "FONTCONFIG_PATH",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_ADDRESS",
        "LC_COLLATE",
        "LC_CTYPE",
        "LC_IDENTIFICATION",
        "LC_MEASUREMENT",
        "LC_MESSAGES",
        "LC_MONETARY",
        "LC_NAME",
        "LC_NUMERIC",
        "LC_PAPER",
        "LC_TELEPHONE",
        "LC_TIME",
        "TZ",
        "TZDIR",
    }
)

# Per Chromium process (browser, renderer, GPU, utility), enforced by the kernel: RLIMIT_DATA
# counts every private writable mapping, so it bounds the JavaScript heap, ArrayBuffers, the
# DOM and decoded images alike. (RLIMIT_AS cannot be used: V8 reserves terabytes of address
# space it never touches.) A renderer needs about 300 MB of it before the page allocates
# anything; below ~512 MB Chromium cannot start its threads. The number of processes is not
# capped: Chromium's --renderer-process-limit only holds with site isolation off, and then a
# page stuck in a script loop stalls every page that shares its renderer, for the rest of the
# crawl. Pages open at once are at most the crawl's concurrency; the container's memory limit
# bounds the whole (docs/deploy.md).
DEFAULT_MEMORY_MB = 2048
MINIMUM_MEMORY_MB = 512


class BrowserUnavailableError(RuntimeError):
    """Chromium could not be found or started, or not as safely as required."""


def chromium_environment(*, home: Path) -> dict[str, str]:
    """The environment to start Chromium with: ours cut to the allow list, with ``HOME`` and
    the XDG config and cache homes in ``home`` (which has ``home``, ``config`` and ``cache``)."""
    env = {name: value for name, value in os.environ.items() if name in CHROMIUM_ENV_ALLOW}
    env.update(
        HOME=str(home / "home"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    env.setdefault("PATH", os.defpath)
    return env


def memory_limit_mb() -> int:
    """``$VIVASEO_CHROMIUM_MEMORY_MB`` (at least 512), else 2048."""
    configured = os.environ.get(MEMORY_ENV, "").strip()
    if not configured:
        return DEFAULT_MEMORY_MB
    try:
        value = int(configured)
    except ValueError:
        raise BrowserUnavailableError(
            f"{MEMORY_ENV}={configured!r} is not a whole number of megabytes."
        ) from None
    if value < MINIMUM_MEMORY_MB:
        raise BrowserUnavailableError(
            f"{MEMORY_ENV}={value}: Chromium cannot start with less than "
            f"{MINIMUM_MEMORY_MB} MB per process."
        )
    return value


def memory_arguments(memory_mb: int) -> list[str]:
    """Chromium switches that go with a per-process limit of ``memory_mb``."""
    # Half the process limit for V8's heap: runaway JavaScript ends in a clean out-of-memory
    # crash of that renderer, before allocations fail all over it.
    return [f"--js-flags=--max-old-space-size={memory_mb // 2}"]


def memory_limited_command(command: list[str], *, memory_mb: int) -> list[str]:
    """``command`` started under util-linux's ``prlimit`` with RLIMIT_DATA at ``memory_mb``.

    prlimit sets the limit and then execs Chromium in the same process (same pid), so the
    limit is in place before Chromium's first allocation and every process it forks inherits
    it; Chromium cannot raise it (soft and hard limits are equal). A ``preexec_fn`` would do
    the same but is unsafe in the threaded processes that start browsers.
    """
    prlimit = shutil.which("prlimit") or shutil.which("prlimit", path="/usr/bin:/bin")
    if prlimit is None:
        raise BrowserUnavailableError(
            "prlimit was not found; it limits Chromium's memory. "
            "Install util-linux (apt-get install util-linux)."
        )
    limit = memory_mb * 1024 * 1024
    return [prlimit, f"--data={limit}:{limit}", "--", *command]


# Chromium's Linux sandbox needs a user namespace with its own PID and network namespaces
# (Debian's Chromium ships no setuid helper). The probe asks the kernel for exactly that, in a
# child process, so it also catches seccomp filters (Docker's default profile) and AppArmor's
# restriction of unprivileged user namespaces (Ubuntu 24.04), not only the sysctls.
NAMESPACE_PROBE = ("unshare", "--user", "--pid", "--net", "--fork", "true")


@functools.cache
def _namespace_sandbox_refusal(euid: int) -> str | None:
    if euid == 0:
        return (
            "the worker runs as root, and Chromium refuses to run its sandbox as root "
            "(run render workers as an unprivileged user)"
        )
    unshare = shutil.which(NAMESPACE_PROBE[0]) or shutil.which(NAMESPACE_PROBE[0], path="/usr/bin")
    if unshare is None:
        return "util-linux's unshare, which checks for user namespaces, was not found"
    try:
        probe = subprocess.run(
            [unshare, *NAMESPACE_PROBE[1:]], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"could not check for user namespaces ({error})"
    if probe.returncode != 0:
        said = probe.stderr.decode(errors="replace").strip().splitlines() or ["?"]
        return (
            f"the kernel does not let this user create namespaces ({said[-1]}); allow "
            "unprivileged user namespaces (sysctl, container seccomp profile or AppArmor)"
        )
    return None


def sandbox_refusal() -> str | None:
    """Why Chromium's sandbox cannot run for this process's user, or None when it can."""
    return _namespace_sandbox_refusal(os.geteuid())


def sandbox_enabled() -> bool:
    """Whether to start Chromium with its sandbox, as ``$VIVASEO_CHROMIUM_SANDBOX`` says.

    ``auto`` (default): on wherever :func:`sandbox_refusal` finds nothing against it.
    ``required``: on, or :class:`BrowserUnavailableError` instead of rendering without it (set
    it on render workers, so a misconfigured container fails loudly). ``off``: never.
    """
    mode = os.environ.get(SANDBOX_ENV, "").strip().lower() or "auto"
    if mode == "off":
        return False
    if mode not in ("auto", "required"):
        raise BrowserUnavailableError(
            f"{SANDBOX_ENV}={mode!r}: use auto (the default), required or off."
        )
    refusal = sandbox_refusal()
    if refusal is None:
        return True
    if mode == "required":
        raise BrowserUnavailableError(
            f"Chromium's sandbox is required ({SANDBOX_ENV}=required) but cannot run: {refusal}."
        )
    logger.warning("Chromium renders without its sandbox: %s.", refusal)
    return False
