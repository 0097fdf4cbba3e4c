"""Small aiohttp servers on 127.0.0.x for the fetch tests, run in the test's own event loop."""

import contextlib
import socket
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult


@contextlib.asynccontextmanager
async def serve(
    app: web.Application, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve ``app`` and yield its base URL (``http://127.0.0.1:PORT``)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        await runner.cleanup()


class ScriptedResolver(AbstractResolver):
    """A fake DNS: answers each name from a list of answers, one per lookup (last one repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = {name: list(sequence) for name, sequence in answers.items()}
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        sequence = self.answers.get(host)
        if not sequence:
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        addresses = sequence.pop(0) if len(sequence) > 1 else sequence[0]
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass
