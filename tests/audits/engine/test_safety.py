"""SSRF safety: which addresses the crawler may reach, and how refusals read."""

import asyncio

import aiohttp
import pytest
from aiohttp import web

from audits.engine.safety import (
    ALLOW_NETWORKS_ENV,
    UnsafeAddressError,
    VettedResolver,
    VettingProxy,
    allowed_networks,
    is_public_address,
    parse_ip_host,
    resolve_and_vet,
    unsafe_address_reason,
)
from tests.audits.engine.servers import ScriptedResolver, serve


class NoDns(ScriptedResolver):
    """Fails the test if DNS is asked at all."""

    def __init__(self) -> None:
        super().__init__({})

    async def resolve(self, host, port=0, family=0):
        raise AssertionError(f"DNS was asked about {host}")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_is_public_address_accepts_public_addresses(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "a private address"),
        ("172.16.3.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        # Deprecated IPv6 site-local (RFC 3879), still routed inside some old networks;
        # Python's ipaddress calls it global.
        ("fec0::1", "a site-local address"),
        ("fec0:1234::abcd", "a site-local address"),
        ("feff:ffff::1", "a site-local address"),
        ("127.0.0.1", "a loopback address (this server itself)"),
        ("127.8.9.10", "a loopback address (this server itself)"),
        ("::1", "a loopback address (this server itself)"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "the unspecified address"),
        ("::", "the unspecified address"),
        ("255.255.255.255", "the broadcast address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a shared carrier-grade NAT address"),
        ("192.0.2.10", "a special-purpose address"),
        ("169.254.169.254", "a cloud metadata service address"),
        ("fd00:ec2::254", "a cloud metadata service address"),
        ("100.100.100.200", "a cloud metadata service address"),
        ("168.63.129.16", "a cloud metadata service address"),
    ],
)
def test_is_public_address_refuses_special_purpose_addresses(address, reason):
    assert not is_public_address(address)
    assert unsafe_address_reason(address) == reason


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.5",
        "::ffff:169.254.169.254",
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:5::1",  # 6to4 of 10.0.0.5
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a00:5",  # local-use NAT64 of 10.0.0.5
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_is_public_address_refuses_ipv6_forms_of_unsafe_ipv4(address):
    assert not is_public_address(address)


def test_is_public_address_refuses_things_that_are_not_addresses():
    assert not is_public_address("example.com")
    assert not is_public_address("")


def test_allowed_networks_is_empty_by_default():
    assert allowed_networks() == ()


def test_allowed_networks_reads_comma_separated_cidrs(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, " 10.1.0.0/16, fd00::/8 ,127.0.0.1")
    assert [str(network) for network in allowed_networks()] == [
        "10.1.0.0/16",
        "fd00::/8",
        "127.0.0.1/32",
    ]
    assert is_public_address("10.1.2.3")
    assert is_public_address("fd00::5")
    assert is_public_address("::ffff:127.0.0.1")  # leads to an allowed IPv4 address
    assert not is_public_address("10.2.0.1")
    assert not is_public_address("127.0.0.2")


def test_allowed_networks_rejects_invalid_values_clearly(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "10.0.0.0/8,intranet")
    with pytest.raises(ValueError, match="'intranet', which is not a network in CIDR form"):
        allowed_networks()


def test_cloud_metadata_stays_refused_inside_an_allowed_network(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "169.254.0.0/16,fd00::/8")
    assert is_public_address("169.254.1.1")
    assert not is_public_address("169.254.169.254")
    assert not is_public_address("fd00:ec2::254")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f.1", "127.0.0.1"),  # hex, short form
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("127.1", "127.0.0.1"),
        ("10.0.5", "10.0.0.5"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("08.1.1.1", None),  # not octal: inet_aton refuses it, so it is a (bad) name
    ],
)
def test_parse_ip_host_understands_what_socket_libraries_would_connect_to(host, address):
    parsed = parse_ip_host(host)
    assert (str(parsed) if parsed else None) == address


def test_resolve_and_vet_refuses_a_private_answer_with_a_clear_message():
    resolver = ScriptedResolver({"example.test": [["10.0.0.5"]]})
    with pytest.raises(UnsafeAddressError) as refusal:
        asyncio.run(resolve_and_vet("example.test", 443, resolver=resolver))
    assert str(refusal.value) == (
        "example.test resolves to 10.0.0.5, a private address; VivaSEO only audits public websites."
    )
    assert refusal.value.address == "10.0.0.5"


def test_resolve_and_vet_refuses_a_site_local_ipv6_answer():
    resolver = ScriptedResolver({"old-intranet.test": [["fec0::10"]]})
    with pytest.raises(UnsafeAddressError, match="resolves to fec0::10, a site-local address"):
        asyncio.run(resolve_and_vet("old-intranet.test", 80, resolver=resolver))


def test_resolve_and_vet_returns_public_answers():
    resolver = ScriptedResolver({"example.test": [["93.184.216.34", "2606:2800:220:1::1"]]})
    addresses = asyncio.run(resolve_and_vet("example.test", 443, resolver=resolver))
    assert addresses == ["93.184.216.34", "2606:2800:220:1::1"]


def test_resolve_and_vet_drops_unsafe_answers_from_a_mixed_answer():
    resolver = ScriptedResolver({"mixed.test": [["127.0.0.1", "93.184.216.34", "10.0.0.1"]]})
    assert asyncio.run(resolve_and_vet("mixed.test", 80, resolver=resolver)) == ["93.184.216.34"]


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("localhost", "localhost is this server itself, not a website"),
        ("LOCALHOST.", "localhost is this server itself, not a website"),
        ("app.localhost", "app.localhost is this server itself, not a website"),
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        (
            "[::ffff:127.0.0.1]",
            "::ffff:127.0.0.1 is 127.0.0.1 written as IPv6, a loopback address",
        ),
        ("2130706433", "2130706433 means 127.0.0.1, a loopback address"),
        ("0x7f.1", "0x7f.1 means 127.0.0.1, a loopback address"),
        ("10.0.0.5", "10.0.0.5 is a private address"),
        ("[fec0::1]", "fec0::1 is a site-local address"),
        ("169.254.169.254", "169.254.169.254 is a cloud metadata service address"),
    ],
)
def test_resolve_and_vet_refuses_local_hosts_without_asking_dns(host, message):
    with pytest.raises(UnsafeAddressError, match="VivaSEO only audits public websites") as refusal:
        asyncio.run(resolve_and_vet(host, 80, resolver=NoDns()))
    assert str(refusal.value).startswith(message)


def test_resolve_and_vet_allows_localhost_inside_an_allowed_network(allow_loopback):
    assert asyncio.run(resolve_and_vet("localhost", 80, resolver=NoDns())) == [
        "127.0.0.1"
    ]  # ::1 is not in 127.0.0.0/8


def test_vetted_resolver_does_not_follow_a_dns_answer_that_turns_private():
    # DNS rebinding: the first answer is public, the next one (same name) is loopback.
    resolver = VettedResolver(
        resolver=ScriptedResolver({"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]})
    )

    async def lookups():
        first = await resolver.resolve("rebind.test", 80)
        with pytest.raises(UnsafeAddressError, match="rebind.test resolves to 127.0.0.1"):
            await resolver.resolve("rebind.test", 80)
        return first

    first = asyncio.run(lookups())
    assert [answer["host"] for answer in first] == ["93.184.216.34"]


def test_vetting_proxy_forwards_allowed_requests_and_refuses_the_rest(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "127.0.0.1/32")
    hits = []

    async def page(request):
        hits.append(request.host)
        return web.Response(text=f"hello from {request.path}")

    app = web.Application()
    app.router.add_get("/{name}", page)

    async def scenario():
        async with (
            serve(app) as base,
            serve(app, host="127.0.0.2", port=int(base.rsplit(":", 1)[1])) as private_base,
            VettingProxy() as proxy,
            aiohttp.ClientSession() as session,
        ):
            async with session.get(f"{base}/ok", proxy=proxy.url) as response:
                assert response.status == 200
                assert await response.text() == "hello from /ok"
            with pytest.raises(aiohttp.ClientError):
                async with session.get(f"{private_base}/secret", proxy=proxy.url) as response:
                    await response.read()
            failure = proxy.failure_for("127.0.0.2")
            assert failure is not None
            assert failure.error == "unsafe_address"
            assert failure.message.startswith("127.0.0.2 is a loopback address")

    asyncio.run(scenario())
    assert len(hits) == 1
