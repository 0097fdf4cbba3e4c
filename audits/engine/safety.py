"""SSRF safety for the crawler: which addresses VivaSEO may connect to, and enforcement.

VivaSEO fetches URLs that customers type in, so without these checks a customer could make
our servers fetch ``http://169.254.169.254/`` (cloud credentials), ``http://localhost:6379/``
or anything else on our private network. The rules:

* Only public unicast addresses are allowed. Private, loopback, link-local, site-local
  (``fec0::/10``), multicast, reserved, unspecified, shared (100.64.0.0/10) and other
  special-purpose ranges are refused, as are the IPv6 forms that lead to them (IPv4-mapped,
  IPv4-compatible, 6to4, NAT64, Teredo).
* ``VIVASEO_CRAWL_ALLOW_NETWORKS`` (comma-separated CIDRs, empty by default) lets an operator
  audit an intranet or a test server on purpose. Cloud metadata addresses stay refused even
  inside an allowed network: allowing ``169.254.0.0/16`` for a lab must not expose credentials.
* The address that is vetted is the address that is connected to. :class:`VettedResolver`
  resolves once, vets, and hands aiohttp only the vetted addresses, so a DNS answer that
  changes between the check and the connection (DNS rebinding) cannot redirect us.
* Literal IP hosts (including the legacy ``2130706433`` / ``0x7f.1`` / ``0177.0.0.1`` forms
  that ``inet_aton`` accepts) and ``localhost`` names are vetted without asking DNS.

:class:`VettingProxy` applies the same rules to Chromium: it is started as Chromium's only
proxy, so every request the rendered page makes is vetted here, and Chromium never resolves
a name itself.

Pure Python, no Django imports.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import os
import socket
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

logger = logging.getLogger(__name__)

ALLOW_NETWORKS_ENV = "VIVASEO_CRAWL_ALLOW_NETWORKS"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PUBLIC_ONLY_HINT = "VivaSEO only audits public websites."

# Instance metadata services hand out cloud credentials; refused even in allowed networks.
CLOUD_METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, DigitalOcean, OpenStack, Oracle, Hetzner...
        "169.254.169.253",  # AWS VPC DNS resolver
        "169.254.169.123",  # AWS time sync
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.170.23",  # AWS EKS pod identity agent
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server (a public address!)
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity agent over IPv6
        "fd20:ce::254",  # GCP over IPv6
    )
)

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
NAT64_NETWORKS = (
    ipaddress.ip_network("64:ff9b::/96"),  # well-known prefix, RFC 6052
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use prefix, RFC 8215
)
IPV4_COMPATIBLE_NETWORK = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
BROADCAST_ADDRESS = ipaddress.IPv4Address("255.255.255.255")
# Deprecated IPv6 site-local (RFC 3879), still routed inside some older networks; Python's
# ipaddress counts it as global, so it needs its own rule.
SITE_LOCAL_NETWORK = ipaddress.ip_network("fec0::/10")

# Names that mean "this machine" whatever DNS says (RFC 6761 plus common /etc/hosts aliases).
LOCALHOST_NAMES = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "ip6-localnet"}
)
LOCALHOST_ADDRESSES = ("127.0.0.1", "::1")


class UnsafeAddressError(Exception):
    """A host is, or resolves to, an address VivaSEO refuses to connect to.

    ``str(error)`` is a message meant for the person who asked for the audit.
    """

    def __init__(self, message: str, *, host: str = "", address: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.host = host
        self.address = address


# --- Allowed networks -------------------------------------------------------------------------


def allowed_networks() -> tuple[IPNetwork, ...]:
    """Networks the operator explicitly allows, from ``VIVASEO_CRAWL_ALLOW_NETWORKS``.

    Empty by default. Read on every call (it is a dict lookup) so tests and operators can change
    it without restarting; the parsing itself is cached.
    """
    return _parse_networks(os.environ.get(ALLOW_NETWORKS_ENV, ""))


@functools.lru_cache(maxsize=8)
def _parse_networks(value: str) -> tuple[IPNetwork, ...]:
    networks: list[IPNetwork] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ValueError(
                f"{ALLOW_NETWORKS_ENV} contains {item!r}, which is not a network in CIDR form "
                "such as 10.0.0.0/8 or fd00::/8."
            ) from error
    return tuple(networks)


# --- Classifying addresses --------------------------------------------------------------------


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address would actually lead to, if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    for network in NAT64_NETWORKS:
        if address in network:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _in_networks(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def _special_purpose_reason(address: IPAddress) -> str | None:
    """Why this address is not public, ignoring allowed networks; None when public."""
    if address in CLOUD_METADATA_ADDRESSES:
        return "a cloud metadata service address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address (this server itself)"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in SHARED_ADDRESS_SPACE:
        return "a shared carrier-grade NAT address"
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None:
            return "a Teredo tunnel address"
        if address in IPV4_COMPATIBLE_NETWORK:
            return "a reserved address"
        if address in SITE_LOCAL_NETWORK:
            return "a site-local address"
    if address == BROADCAST_ADDRESS:
        return "the broadcast address"
    if _in_networks(address, PRIVATE_NETWORKS):
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "a special-purpose address"
    return None


def unsafe_address_reason(ip: str | IPAddress) -> str | None:
    """Why VivaSEO must not connect to ``ip`` (e.g. ``"a private address"``), or None if it may.

    Takes allowed networks into account. Raises ``ValueError`` if ``ip`` is not an IP address.
    """
    address = ip if isinstance(ip, IPAddress) else ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        # Scoped addresses (fe80::1%eth0) are link-local anyway; drop the scope for lookups.
        if address.scope_id:
            address = ipaddress.IPv6Address(address.compressed.split("%", 1)[0])
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            # ::ffff:a.b.c.d, 2002:ab:cd::, 64:ff9b::a.b.c.d all reach a.b.c.d: judge that.
            reason = unsafe_address_reason(embedded)
            if reason is None:
                return None
            return f"{embedded} written as IPv6, {reason}"
    if address in CLOUD_METADATA_ADDRESSES:
        return "a cloud metadata service address"
    if _in_networks(address, allowed_networks()):
        return None
    return _special_purpose_reason(address)


def is_public_address(ip: str | IPAddress) -> bool:
    """True if VivaSEO may connect to ``ip``: public, or inside an allowed network.

    Anything that is not a valid IP address is not public.
    """
    try:
        return unsafe_address_reason(ip) is None
    except ValueError:
        return False


# --- Hosts as written in URLs -----------------------------------------------------------------


def normalize_host(host: str) -> str:
    """Lowercase, without IPv6 brackets and without the trailing dot of a fully-qualified name."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.endswith("."):
        host = host[:-1]
    return host


def _parse_ipv4_part(part: str) -> int | None:
    if not part:
        return None
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        if part.isascii() and part.isdigit():
            return int(part, 10)
    except ValueError:
        return None
    return None


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host means if it is an IP literal, in any form ``inet_aton`` accepts.

    Handles ``127.0.0.1``, ``[::1]``, ``[::ffff:127.0.0.1]`` and the legacy IPv4 forms that
    socket libraries still map onto addresses: ``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
    ``127.1``. Returns None for names.
    """
    host = normalize_host(host)
    if not host:
        return None
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    parts = host.split(".")
    if len(parts) > 4:
        return None
    values = [_parse_ipv4_part(part) for part in parts]
    if any(value is None for value in values):
        return None
    numbers: list[int] = values  # type: ignore[assignment]
    # inet_aton: a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits).
    last_bits = 32 - 8 * (len(numbers) - 1)
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 1 << last_bits:
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value |= number << (24 - 8 * index)
    return ipaddress.IPv4Address(value)


def is_localhost_name(host: str) -> bool:
    host = normalize_host(host)
    return host in LOCALHOST_NAMES or host.endswith(".localhost")


def _refusal_message(host: str, address: IPAddress | str, reason: str) -> str:
    written = normalize_host(host)
    if written == str(address) or (":" in written and parse_ip_host(written) == address):
        return f"{written} is {reason}; {PUBLIC_ONLY_HINT}"
    if parse_ip_host(written) is not None:
        return f"{written} means {address}, {reason}; {PUBLIC_ONLY_HINT}"
    return f"{written} resolves to {address}, {reason}; {PUBLIC_ONLY_HINT}"


def vet_literal_host(host: str) -> list[str] | None:
    """Vet a host that needs no DNS (an IP literal or a localhost name).

    Returns the addresses to connect to, None when ``host`` is a name DNS must answer, and
    raises :class:`UnsafeAddressError` when it is refused.
    """
    address = parse_ip_host(host)
    if address is not None:
        reason = unsafe_address_reason(address)
        if reason is not None:
            raise UnsafeAddressError(
                _refusal_message(host, address, reason), host=host, address=str(address)
            )
        return [str(address)]
    if is_localhost_name(host):
        allowed = [ip for ip in LOCALHOST_ADDRESSES if unsafe_address_reason(ip) is None]
        if not allowed:
            raise UnsafeAddressError(
                f"{normalize_host(host)} is this server itself, not a website; {PUBLIC_ONLY_HINT}",
                host=host,
                address=LOCALHOST_ADDRESSES[0],
            )
        return allowed
    return None


def _vet_addresses(host: str, addresses: list[str]) -> list[str]:
    """Keep the public addresses; refuse the host if none is left."""
    vetted: list[str] = []
    first_refusal: tuple[str, str] | None = None
    for address in addresses:
        try:
            reason = unsafe_address_reason(address)
        except ValueError:
            reason = "not a valid IP address"
        if reason is None:
            vetted.append(address)
        elif first_refusal is None:
            first_refusal = (address, reason)
    if not vetted:
        if first_refusal is None:
            raise UnsafeAddressError(
                f"{normalize_host(host)} has no address to connect to.", host=host
            )
        address, reason = first_refusal
        raise UnsafeAddressError(
            _refusal_message(host, address, reason), host=host, address=address
        )
    return vetted


# --- Resolving --------------------------------------------------------------------------------


class VettedResolver(AbstractResolver):
    """An aiohttp resolver that only ever returns vetted addresses.

    Give it to ``aiohttp.TCPConnector(resolver=...)``: the connector connects to exactly the
    addresses returned here, so what was vetted is what is connected to. Each resolution asks
    the underlying resolver once; answers that are not public are dropped, and if nothing is
    left :class:`UnsafeAddressError` is raised (aiohttp lets it through unchanged because it is
    not an ``OSError``).

    Note that aiohttp skips the resolver for canonical IP literals (``127.0.0.1``, ``::1``):
    callers must vet those with :func:`vet_literal_host` before requesting.
    """

    def __init__(self, *, resolver: AbstractResolver | None = None) -> None:
        self._resolver = resolver

    def _underlying(self) -> AbstractResolver:
        if self._resolver is None:
            self._resolver = DefaultResolver()
        return self._resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        literal = vet_literal_host(host)
        if literal is not None:
            results = []
            for address in literal:
                address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
                if family in (socket.AF_UNSPEC, address_family):
                    results.append(
                        ResolveResult(
                            hostname=host,
                            host=address,
                            port=port,
                            family=address_family,
                            proto=0,
                            flags=socket.AI_NUMERICHOST,
                        )
                    )
            if not results:
                raise OSError(socket.EAI_NONAME, f"{host} has no address in the requested family")
            return results
        answers = await self._underlying().resolve(host, port, family=family)
        vetted = set(_vet_addresses(host, [answer["host"] for answer in answers]))
        return [answer for answer in answers if answer["host"] in vetted]

    async def close(self) -> None:
        if self._resolver is not None:
            await self._resolver.close()


async def resolve_and_vet(
    host: str, port: int, *, resolver: AbstractResolver | None = None
) -> list[str]:
    """Resolve ``host`` and return the addresses VivaSEO may connect to.

    Raises :class:`UnsafeAddressError` with a message for the user when the host is refused
    (``"example.test resolves to 10.0.0.5, a private address; VivaSEO only audits public
    websites."``) and ``OSError`` when DNS has no answer.
    """
    vetted_resolver = VettedResolver(resolver=resolver)
    try:
        answers = await vetted_resolver.resolve(host, port, family=socket.AF_UNSPEC)
    finally:
        if resolver is None:
            await vetted_resolver.close()
    return list(dict.fromkeys(answer["host"] for answer in answers))


# --- Enforcement for Chromium -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProxyFailure:
    host: str
    error: str  # "unsafe_address", "dns" or "connection"
    message: str


class VettingProxy:
    """A tiny HTTP proxy on 127.0.0.1 that connects only to vetted addresses.

    Chromium is started with ``--proxy-server`` pointing here (and ``<-loopback>`` so even
    loopback requests come through), plus ``--host-resolver-rules`` that make its own resolver
    answer nothing: every request of a rendered page, sub-resources and redirects included, is
    then resolved and vetted here, and the TCP connection goes to the vetted address.

    Plain ``http://`` requests are forwarded with ``Connection: close`` (one request per proxy
    connection keeps the code simple and stops a reused connection from switching hosts);
    ``https://`` uses ``CONNECT`` tunnels, so TLS stays end to end between Chromium and the
    site. Refused requests are remembered in :meth:`failure_for` so the caller can explain why
    a navigation failed.
    """

    HEAD_LIMIT = 64 * 1024
    FAILURES_KEPT = 1024

    def __init__(
        self, *, resolver: AbstractResolver | None = None, connect_timeout: float = 10.0
    ) -> None:
        self._resolver = VettedResolver(resolver=resolver)
        self._connect_timeout = connect_timeout
        self._server: asyncio.Server | None = None
        self._failures: OrderedDict[str, ProxyFailure] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port: int | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle_client, host="127.0.0.1", port=0, limit=self.HEAD_LIMIT
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=2)
            self._server = None
        await self._resolver.close()

    async def __aenter__(self) -> VettingProxy:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def failure_for(self, host: str) -> ProxyFailure | None:
        """The last refusal or connection failure for ``host``, if any."""
        return self._failures.get(normalize_host(host))

    def _remember(self, failure: ProxyFailure) -> None:
        key = normalize_host(failure.host)
        self._failures[key] = failure
        self._failures.move_to_end(key)
        while len(self._failures) > self.FAILURES_KEPT:
            self._failures.popitem(last=False)

    async def _handle_client(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve_one(client_reader, client_writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            client_writer.close()

    async def _serve_one(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        head = await client_reader.readuntil(b"\r\n\r\n")
        request_line, _, header_block = head.partition(b"\r\n")
        method, target, version = request_line.decode("latin-1").split(" ", 2)
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            upstream = await self._open_upstream(host, int(port_text))
            if upstream is None:
                client_writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                await client_writer.drain()
                return
            client_writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await self._pipe(client_reader, client_writer, *upstream)
            return

        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            client_writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = await self._open_upstream(parts.hostname, parts.port or 80)
        if upstream is None:
            # Closing without an answer makes Chromium fail the request (ERR_EMPTY_RESPONSE)
            # rather than show a proxy-made status page as if the site had sent it.
            return
        upstream_reader, upstream_writer = upstream
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        headers = [
            line
            for line in header_block.split(b"\r\n")
            if line
            and not line.lower().startswith((b"proxy-connection:", b"connection:", b"keep-alive:"))
        ]
        upstream_writer.write(
            f"{method} {path} {version}\r\n".encode("latin-1")
            + b"\r\n".join([*headers, b"Connection: close"])
            + b"\r\n\r\n"
        )
        await self._pipe(client_reader, client_writer, upstream_reader, upstream_writer)

    async def _open_upstream(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        host = normalize_host(host)
        try:
            answers = await self._resolver.resolve(host, port, family=socket.AF_UNSPEC)
        except UnsafeAddressError as error:
            logger.info("Refused browser request: %s", error)
            self._remember(ProxyFailure(host=host, error="unsafe_address", message=str(error)))
            return None
        except OSError as error:
            self._remember(
                ProxyFailure(host=host, error="dns", message=f"Could not resolve {host}: {error}")
            )
            return None
        last_error: OSError | None = None
        for answer in answers:
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(answer["host"], port), timeout=self._connect_timeout
                )
            except (OSError, TimeoutError) as error:
                last_error = error if isinstance(error, OSError) else OSError(str(error))
        self._remember(
            ProxyFailure(
                host=host,
                error="connection",
                message=f"Could not connect to {host}:{port}: {last_error}",
            )
        )
        return None

    async def _pipe(
        self,
        client_reader: asyncio.StreamReader,
        client_writer: asyncio.StreamWriter,
        upstream_reader: asyncio.StreamReader,
        upstream_writer: asyncio.StreamWriter,
    ) -> None:
        async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while chunk := await reader.read(64 * 1024):
                    writer.write(chunk)
                    await writer.drain()
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    if writer.can_write_eof():
                        writer.write_eof()

        upload = asyncio.create_task(copy(client_reader, upstream_writer))
        download = asyncio.create_task(copy(upstream_reader, client_writer))
        try:
            # The exchange is over when either side hangs up: the site is done answering
            # (requests are sent with Connection: close) or Chromium gave up on it.
            await asyncio.wait({upload, download}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            upload.cancel()
            download.cancel()
            upstream_writer.close()
