"""Name lookups with a real deadline, for checks made while a web request waits.

aiohttp's default resolver calls ``getaddrinfo`` in a thread, and ``asyncio.run`` waits for
that thread even after ``wait_for`` gave up, so a DNS server that never answered held a web
worker for as long as the system resolver kept trying. dnspython's asynchronous resolver
sends the queries itself and gives up at its ``lifetime``: nothing is left running.

It asks DNS only (the system's name servers from /etc/resolv.conf, or the ones configured);
``/etc/hosts`` is not read.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.resolver
from aiohttp.abc import AbstractResolver, ResolveResult

logger = logging.getLogger(__name__)


def nameserver_parse(text: str) -> dns.nameserver.Do53Nameserver:
    """``"9.9.9.9"``, ``"127.0.0.1:5353"``, ``"2620:fe::fe"`` or ``"[::1]:5353"``."""
    text = text.strip()
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    elif text.count(":") == 1:
        address, port = text.split(":")
    else:
        address, port = text, ""
    try:
        ipaddress.ip_address(address)
        return dns.nameserver.Do53Nameserver(address, int(port or 53))
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a name server address such as 9.9.9.9 or 127.0.0.1:5353"
        ) from error


class DeadlineResolver(AbstractResolver):
    """An aiohttp resolver (so ``safety.resolve_and_vet`` can vet what it returns) that answers,
    or raises, within ``lifetime`` seconds.

    Raises ``TimeoutError`` when DNS did not answer in time and ``OSError`` when it answered
    that there is no such name or no address.
    """

    def __init__(self, *, lifetime: float, nameservers: Sequence[str] = ()) -> None:
        self.lifetime = lifetime
        self._nameservers = [nameserver_parse(text) for text in nameservers]

    def _resolver(self) -> dns.asyncresolver.Resolver:
        resolver = dns.asyncresolver.Resolver(configure=not self._nameservers)
        if self._nameservers:
            resolver.nameservers = self._nameservers
        return resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            answers = await self._resolver().resolve_name(
                host, family=family, lifetime=self.lifetime
            )
        except dns.exception.Timeout as error:
            raise TimeoutError(f"DNS gave no answer for {host} in {self.lifetime} s") from error
        except dns.resolver.NoResolverConfiguration as error:
            logger.error("no name servers: /etc/resolv.conf is empty; set VIVASEO_DNS_NAMESERVERS")
            raise OSError(socket.EAI_FAIL, "no name servers configured") from error
        except dns.exception.DNSException as error:
            # No such name, no address, every server failing: all mean "not found" here.
            raise OSError(socket.EAI_NONAME, f"{host}: {error}") from error
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=address_family,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address, address_family in answers.addresses_and_families(family)
        ]

    async def close(self) -> None:
        """Nothing to release: each lookup makes its own resolver."""
