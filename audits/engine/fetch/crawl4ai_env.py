"""Where crawl4ai keeps its files. Pure Python; imports nothing of crawl4ai."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "VIVASEO_CRAWL_CACHE_DIR"


def prepare_crawl4ai_env(*, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Point crawl4ai's files at our cache directory and silence its banner.

    Must run before crawl4ai is first imported (it reads these at import time). The directory
    is ``cache_dir``, else ``$VIVASEO_CRAWL_CACHE_DIR``, else ``~/.cache/vivaseo/crawl4ai``;
    crawl4ai creates its ``.crawl4ai`` folder inside it instead of in ``$HOME``.
    """
    base = Path(
        cache_dir
        or os.environ.get(CACHE_DIR_ENV)
        or Path.home() / ".cache" / "vivaseo" / "crawl4ai"
    ).expanduser()
    base.mkdir(parents=True, exist_ok=True)
    os.environ["CRAWL4_AI_BASE_DIRECTORY"] = str(base)
    os.environ["CRAWL4AI_NO_CLOUD_NOTICE"] = "1"
    return base


# --- Helpers shared by both fetchers ----------------------------------------------------------
