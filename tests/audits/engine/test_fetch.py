"""The fetch layer against real servers on 127.0.0.x: statuses, redirects, limits, SSRF."""

import asyncio
import contextlib
import datetime
import gzip
import ssl
import subprocess
import sys
import tracemalloc
from pathlib import Path

import brotli
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from yarl import URL

from audits.engine.fetch import (
    FAILURE_RULES,
    BrowserFetcher,
    FetchError,
    HttpFetcher,
    RedirectHop,
    prepare_crawl4ai_env,
)
from audits.engine.safety import ALLOW_NETWORKS_ENV, UnsafeAddressError
from tests.audits.engine.servers import ScriptedResolver, serve

# 10 MB of zeros, compressed to about 10 KB: built once, outside the memory measurements.
GZIP_BOMB = gzip.compress(b"\0" * 10_000_000)
BROTLI_BOMB = brotli.compress(b"\0" * 10_000_000)

HTML = "<!doctype html><html><head><title>Hello</title></head><body><p>Hi</p></body></html>"


def site() -> web.Application:
    """A small site with every behaviour the tests need."""
    app = web.Application()

    async def page(request):
        return web.Response(
            text=HTML,
            content_type="text/html",
            headers={"X-Robots-Tag": "noindex"},
        )

    async def status(request):
        code = int(request.match_info["code"])
        return web.Response(
            status=code, text=f"<html><body>status {code}</body></html>", content_type="text/html"
        )

    async def redirect(request):
        code = int(request.match_info["code"])
        return web.Response(status=code, headers={"Location": request.query.get("to", "/page")})

    async def chain(request):
        hops_left = int(request.match_info["n"])
        location = "/page" if hops_left == 0 else f"/chain/{hops_left - 1}"
        return web.Response(status=301 if hops_left % 2 else 302, headers={"Location": location})

    async def loop_a(request):
        raise web.HTTPFound("/loop/b")

    async def loop_b(request):
        raise web.HTTPMovedPermanently("/loop/a#fragment")

    async def slow(request):
        await asyncio.sleep(3)
        return web.Response(text="too late")

    async def big(request):
        return web.Response(body=b"<p>" + b"x" * 3_000_000, content_type="text/html")

    async def bomb(request):
        encoding = request.match_info["encoding"]
        body = GZIP_BOMB if encoding == "gzip" else BROTLI_BOMB
        return web.Response(
            body=body, headers={"Content-Encoding": encoding, "Content-Type": "text/html"}
        )

    async def gzipped_page(request):
        return web.Response(
            body=gzip.compress(HTML.encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=UTF-8"},
        )

    async def links(request):
        response = web.Response(text=HTML, content_type="text/html")
        response.headers.add("Link", '<https://example.com/a>; rel="canonical"')
        response.headers.add("Link", '<https://example.com/style.css>; rel="preload"')
        response.headers.add("Set-Cookie", "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT")
        response.headers.add("Set-Cookie", "b=2")
        return response

    async def pdf(request):
        return web.Response(
            body=b"%PDF-1.4 fake",
            content_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="report.pdf"'},
        )

    async def image(request):
        return web.Response(body=b"\x89PNG\r\n\x1a\nfake", content_type="image/png")

    async def text(request):
        return web.Response(
            body="naïve".encode("latin-1"), headers={"Content-Type": "text/plain; charset=latin-1"}
        )

    app.router.add_get("/page", page)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/redirect/{code}", redirect)
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/loop/a", loop_a)
    app.router.add_get("/loop/b", loop_b)
    app.router.add_get("/slow", slow)
    app.router.add_get("/big", big)
    app.router.add_get("/bomb/{encoding}", bomb)
    app.router.add_get("/gzipped", gzipped_page)
    app.router.add_get("/links", links)
    app.router.add_get("/file.pdf", pdf)
    app.router.add_get("/image.png", image)
    app.router.add_get("/text", text)
    return app


def fetch_from_site(paths, **fetcher_options):
    """Serve ``site()`` and fetch each "/path" (or other URL) in turn; returns the results."""

    async def scenario():
        async with serve(site()) as base, HttpFetcher(**fetcher_options) as fetcher:
            return [
                await fetcher.fetch(base + path if path.startswith("/") else path) for path in paths
            ], base

    return asyncio.run(scenario())


@pytest.mark.parametrize("code", [200, 404, 410, 500, 503])
def test_fetch_keeps_the_status_headers_and_body_of_every_response(allow_loopback, code):
    [result], base = fetch_from_site([f"/status/{code}"])
    assert result.status_code == code
    assert result.error is None
    assert result.ok
    assert result.final_url == f"{base}/status/{code}"
    assert result.redirect_chain == []
    assert result.body == f"<html><body>status {code}</body></html>".encode()
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.bytes_downloaded == len(result.body)
    assert result.ttfb_ms is not None and result.elapsed_ms >= result.ttfb_ms
    assert not result.truncated


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_fetch_records_each_redirect_with_its_status(allow_loopback, code):
    [result], base = fetch_from_site([f"/redirect/{code}?to=/page"])
    assert result.status_code == 200
    assert result.final_url == f"{base}/page"
    assert result.redirect_chain == [RedirectHop(f"{base}/redirect/{code}?to=/page", code)]
    assert result.headers["x-robots-tag"] == "noindex"
    assert result.body == HTML.encode()


def test_fetch_records_a_long_redirect_chain_hop_by_hop(allow_loopback):
    [result], base = fetch_from_site(["/chain/4"])
    assert result.status_code == 200
    assert result.final_url == f"{base}/page"
    assert result.redirect_chain == [
        RedirectHop(f"{base}/chain/4", 302),
        RedirectHop(f"{base}/chain/3", 301),
        RedirectHop(f"{base}/chain/2", 302),
        RedirectHop(f"{base}/chain/1", 301),
        RedirectHop(f"{base}/chain/0", 302),
    ]


def test_fetch_stops_after_max_redirects(allow_loopback):
    [result], base = fetch_from_site(["/chain/6"], max_redirects=3)
    assert result.error == FetchError.TOO_MANY_REDIRECTS == "too_many_redirects"
    assert "more than 3 times" in result.error_detail
    assert len(result.redirect_chain) == 4
    assert result.status_code == 301  # the last response received: /chain/3
    assert result.final_url == f"{base}/chain/3"


def test_fetch_detects_redirect_loops(allow_loopback):
    [result], base = fetch_from_site(["/loop/a"])
    assert result.error == "redirect_loop"
    assert result.redirect_chain == [
        RedirectHop(f"{base}/loop/a", 302),
        RedirectHop(f"{base}/loop/b", 301),
    ]
    assert result.status_code == 301
    assert f"{base}/loop/a, which was already visited" in result.error_detail


def test_fetch_refuses_a_redirect_to_another_scheme(allow_loopback):
    [result], _ = fetch_from_site(["/redirect/302?to=ftp://example.com/file"])
    assert result.error == "invalid_redirect"
    assert result.status_code == 302


def test_fetch_reports_a_timeout(allow_loopback):
    [result], base = fetch_from_site(["/slow"], timeout=0.5)
    assert result.error == "timeout"
    assert result.status_code is None
    assert result.final_url == f"{base}/slow"
    assert "0.5 seconds" in result.error_detail
    assert 400 <= result.elapsed_ms < 2500


def test_fetch_cuts_a_body_that_is_too_large(allow_loopback):
    [result], _ = fetch_from_site(["/big"], max_response_bytes=100_000)
    assert result.status_code == 200
    assert result.truncated
    assert result.error == "too_large"
    assert len(result.body) == 100_000
    assert result.body.startswith(b"<p>xxx")


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_fetch_stops_a_decompression_bomb(allow_loopback, encoding):
    async def scenario():
        async with serve(site()) as base, HttpFetcher(max_response_bytes=1_000_000) as fetcher:
            tracemalloc.start()
            try:
                result = await fetcher.fetch(f"{base}/bomb/{encoding}")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            return result, peak

    result, peak = asyncio.run(scenario())
    assert result.truncated
    assert result.error == "too_large"
    assert len(result.body) == 1_000_000
    assert result.bytes_downloaded < 100_000  # compressed bytes read before stopping
    # The 10 MB of zeros never sat in memory: little more than the 1 MB kept was allocated.
    assert peak < 4_000_000


def test_fetch_decompresses_and_reports_wire_size(allow_loopback):
    [result], _ = fetch_from_site(["/gzipped"])
    assert result.body == HTML.encode()
    assert result.headers["content-encoding"] == "gzip"
    assert result.bytes_downloaded == len(gzip.compress(HTML.encode()))
    assert result.charset == "utf-8"


def test_fetch_keeps_every_link_header(allow_loopback):
    [result], _ = fetch_from_site(["/links"])
    assert result.headers["link"] == (
        '<https://example.com/a>; rel="canonical", <https://example.com/style.css>; rel="preload"'
    )
    assert result.headers["set-cookie"] == "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT\nb=2"


def test_fetch_returns_non_html_bytes_without_saving_files(allow_loopback, tmp_path):
    prepare_crawl4ai_env()
    results, _ = fetch_from_site(["/file.pdf", "/image.png", "/text"])
    pdf, image, text = results
    assert (pdf.status_code, pdf.content_type) == (200, "application/pdf")
    assert pdf.body == b"%PDF-1.4 fake"
    assert (image.content_type, image.body) == ("image/png", b"\x89PNG\r\n\x1a\nfake")
    assert (text.content_type, text.charset, text.body) == ("text/plain", "latin-1", b"na\xefve")
    assert not pdf.is_html and not text.is_html
    crawl4ai_home = Path(prepare_crawl4ai_env()) / ".crawl4ai"
    assert not (crawl4ai_home / "downloads").exists()
    assert not (Path.home() / ".crawl4ai" / "downloads" / "report.pdf").exists()


def test_fetch_reports_bad_urls_and_unreachable_servers(allow_loopback):
    resolver = ScriptedResolver({})  # every name is unknown
    results, _ = fetch_from_site(
        ["ftp://example.com/", "not a url", "http://unknown.test/", "http://127.0.0.1:1/"],
        resolver=resolver,
    )
    assert [result.error for result in results] == [
        "invalid_url",
        "invalid_url",
        "dns",
        "connection",
    ]
    assert "Could not find the server unknown.test" in results[2].error_detail
    assert all(result.status_code is None for result in results)


def test_strategy_crawl_keeps_error_statuses(allow_loopback):
    async def scenario():
        async with serve(site()) as base, HttpFetcher() as fetcher:
            return await fetcher.strategy.crawl(f"{base}/status/404")

    response = asyncio.run(scenario())
    assert response.status_code == 404
    assert response.html == "<html><body>status 404</body></html>"
    assert response.downloaded_files is None


def test_strategy_crawl_refuses_unsafe_addresses_and_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")

    async def scenario():
        async with HttpFetcher() as fetcher:
            with pytest.raises(UnsafeAddressError):
                await fetcher.strategy.crawl("http://127.0.0.1:1/")
            with pytest.raises(ValueError, match="file:// URLs are not fetched"):
                await fetcher.strategy.crawl(f"file://{secret}")

    asyncio.run(scenario())


def test_crawl4ai_is_imported_lazily_and_keeps_out_of_home(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    script = (
        "import asyncio, sys\n"
        "from audits.engine import fetch\n"
        "assert 'crawl4ai' not in sys.modules, 'importing the fetch layer imported crawl4ai'\n"
        "async def main():\n"
        "    async with fetch.HttpFetcher() as fetcher:\n"
        "        print((await fetcher.fetch('http://localhost/')).error)\n"
        "asyncio.run(main())\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env={"HOME": str(home), "VIVASEO_CRAWL_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "unsafe_address\n"  # no cloud banner or other chatter
    assert list(home.iterdir()) == []
    assert (cache / ".crawl4ai").is_dir()


def test_fetch_handles_many_concurrent_pages(allow_loopback):
    async def scenario():
        async with serve(site()) as base, HttpFetcher(max_connections=8) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(f"{base}/page") for _ in range(200)))

    results = asyncio.run(scenario())
    assert {(result.status_code, result.error) for result in results} == {(200, None)}


# --- SSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5/", "10.0.0.5 is a private address"),
        ("http://192.168.1.1:8080/admin", "192.168.1.1 is a private address"),
        ("http://localhost/", "localhost is this server itself"),
        ("http://LocalHost.:8000/", "localhost is this server itself"),
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is 127.0.0.1 written as IPv6"),
        ("http://2130706433/", "2130706433 means 127.0.0.1"),
        ("http://0x7f.1/", "0x7f.1 means 127.0.0.1"),
        ("http://0177.0.0.1/", "0177.0.0.1 means 127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata"),
        ("https://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata"),
    ],
)
def test_fetch_refuses_non_public_addresses(url, message):
    async def scenario():
        async with HttpFetcher(resolver=ScriptedResolver({})) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(scenario())
    assert result.error == "unsafe_address"
    assert result.status_code is None
    assert result.error_detail.startswith(message)
    assert result.error_detail.endswith("VivaSEO only audits public websites.")


def test_fetch_refuses_a_name_that_resolves_to_a_private_address():
    resolver = ScriptedResolver({"intranet.example.test": [["10.0.0.5"]]})

    async def scenario():
        async with HttpFetcher(resolver=resolver) as fetcher:
            return await fetcher.fetch("https://intranet.example.test/")

    result = asyncio.run(scenario())
    assert result.error == "unsafe_address"
    assert result.error_detail == (
        "intranet.example.test resolves to 10.0.0.5, a private address; "
        "VivaSEO only audits public websites."
    )


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://[::1]:8080/"],
)
def test_fetch_refuses_a_redirect_into_a_private_address(allow_loopback, target):
    [result], base = fetch_from_site([f"/redirect/302?to={target}"])
    assert result.error == "unsafe_address"
    assert result.status_code is None
    assert [hop.status_code for hop in result.redirect_chain] == [302]
    assert result.redirect_chain[0].url.startswith(f"{base}/redirect/302?to=")
    assert result.final_url == str(URL(target))


def test_fetch_connects_only_to_vetted_addresses_when_dns_changes(monkeypatch):
    # The name first resolves to an allowed address, then to a refused one (DNS rebinding).
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "127.0.0.2/32")
    served = {"good": 0, "trap": 0}

    def counting_app(name):
        async def handler(request):
            served[name] += 1
            response = web.Response(text=name, content_type="text/html")
            response.force_close()  # the next fetch must open (and resolve) a new connection
            return response

        app = web.Application()
        app.router.add_get("/", handler)
        return app

    resolver = ScriptedResolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})

    async def scenario():
        async with serve(counting_app("trap"), host="127.0.0.1") as trap_base:
            port = int(trap_base.rsplit(":", 1)[1])
            async with (
                serve(counting_app("good"), host="127.0.0.2", port=port),
                HttpFetcher(resolver=resolver, dns_cache_ttl=None) as fetcher,
            ):
                first = await fetcher.fetch(f"http://rebind.test:{port}/")
                return first, await fetcher.fetch(f"http://rebind.test:{port}/")

    first, second = asyncio.run(scenario())
    assert (first.status_code, first.body) == (200, b"good")
    assert second.error == "unsafe_address"
    assert second.error_detail.startswith("rebind.test resolves to 127.0.0.1")
    assert resolver.lookups == ["rebind.test", "rebind.test"]
    assert served == {"good": 1, "trap": 0}


# --- TLS --------------------------------------------------------------------------------------


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A private CA and a certificate for 127.0.0.1 signed by it (ca, cert, key paths)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VivaSEO Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, "VivaSEO Test CA"),
        ]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30, hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (directory / name for name in ("ca.pem", "cert.pem", "key.pem"))
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


def test_fetch_reports_tls_certificate_facts(allow_loopback, tmp_path):
    ca_path, cert_path, key_path = make_certificates(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_path, key_path)
    trusting_context = ssl.create_default_context(cafile=str(ca_path))

    async def page(request):
        return web.Response(text=HTML, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)

    async def scenario():
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
        await site.start()
        url = f"https://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"
        try:
            async with HttpFetcher(ssl_context=trusting_context) as fetcher:
                trusted = await fetcher.fetch(url)
            async with HttpFetcher() as fetcher:
                untrusted = await fetcher.fetch(url)
        finally:
            await runner.cleanup()
        return trusted, untrusted

    trusted, untrusted = asyncio.run(scenario())
    assert trusted.status_code == 200 and trusted.error is None
    assert trusted.tls.valid
    assert trusted.tls.days_to_expiry == 30
    assert trusted.tls.issuer == "organizationName=VivaSEO Test, commonName=VivaSEO Test CA"
    assert untrusted.error == "tls"
    assert untrusted.status_code is None
    assert untrusted.tls.valid is False
    assert "not valid" in untrusted.error_detail


# --- Browser ----------------------------------------------------------------------------------

RENDERED_PAGE = """<!doctype html><html><head><title>JS</title></head><body><div id="app"></div>
<script>
document.getElementById("app").innerHTML = "<h1 id='title'>Inserted by JavaScript</h1>";
fetch("/data").then(r => r.text()).then(text => {
  const p = document.createElement("p"); p.id = "fetched"; p.textContent = text;
  document.body.appendChild(p);
});
fetch("http://127.0.0.2:PORT/steal").catch(() => {});
</script></body></html>"""


def rendered_site(trap_hits: list[str]) -> tuple[web.Application, web.Application]:
    app = web.Application()

    async def page(request):
        port = request.url.port
        return web.Response(
            text=RENDERED_PAGE.replace("PORT", str(port)),
            content_type="text/html",
            headers={"X-Robots-Tag": "all"},
        )

    async def data(request):
        return web.Response(text="Loaded with fetch()")

    async def moved(request):
        raise web.HTTPMovedPermanently("/app")

    async def missing(request):
        return web.Response(
            status=404, text="<html><body>Not here</body></html>", content_type="text/html"
        )

    async def to_metadata(request):
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    app.router.add_get("/app", page)
    app.router.add_get("/data", data)
    app.router.add_get("/moved", moved)
    app.router.add_get("/missing", missing)
    app.router.add_get("/to-metadata", to_metadata)

    trap = web.Application()

    async def steal(request):
        trap_hits.append(request.path)
        return web.Response(text="secret")

    trap.router.add_get("/{name}", steal)
    return app, trap


@pytest.mark.browser
def test_browser_fetcher_renders_javascript_and_keeps_the_main_document_facts(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "127.0.0.1/32")  # 127.0.0.2 (the trap) stays refused
    trap_hits: list[str] = []
    app, trap = rendered_site(trap_hits)

    async def scenario():
        async with serve(app) as base:
            port = int(base.rsplit(":", 1)[1])
            async with serve(trap, host="127.0.0.2", port=port):
                fetcher = BrowserFetcher(timeout=20)
                async with fetcher:
                    chromium = fetcher._process
                    profile_dir = Path(fetcher._work_dir)
                    results = [
                        await fetcher.fetch(f"{base}/{path}")
                        for path in ("moved", "missing", "to-metadata")
                    ]
                    results.append(await fetcher.fetch("http://10.0.0.5/"))
                return base, results, chromium, profile_dir

    base, results, chromium, profile_dir = asyncio.run(scenario())
    rendered, missing, to_metadata, private = results

    assert rendered.rendered
    assert rendered.error is None, rendered.error_detail
    assert rendered.status_code == 200
    assert rendered.final_url == f"{base}/app"
    assert rendered.redirect_chain == [RedirectHop(f"{base}/moved", 301)]
    assert rendered.headers["x-robots-tag"] == "all"
    assert rendered.content_type == "text/html"
    assert b'<h1 id="title">Inserted by JavaScript</h1>' in rendered.body
    assert b"Loaded with fetch()" in rendered.body
    assert trap_hits == []  # the page's request to a refused address never left the proxy

    assert missing.status_code == 404
    assert b"Not here" in missing.body

    assert to_metadata.error == "unsafe_address"
    assert to_metadata.status_code is None
    assert to_metadata.error_detail.startswith("169.254.169.254 is a cloud metadata")
    assert to_metadata.redirect_chain == [RedirectHop(f"{base}/to-metadata", 302)]

    assert private.error == "unsafe_address"
    assert private.error_detail.startswith("10.0.0.5 is a private address")

    assert chromium.poll() is not None, "Chromium is still running after close()"
    assert not profile_dir.exists()


@pytest.mark.browser
def test_browser_fetcher_refuses_localhost_when_nothing_is_allowed():
    async def scenario():
        async with serve(web.Application()) as base, BrowserFetcher() as fetcher:
            return await fetcher.fetch(base.replace("127.0.0.1", "localhost"))

    result = asyncio.run(scenario())
    assert result.error == "unsafe_address"
    assert result.error_detail.startswith("localhost is this server itself")


# --- Broken servers: each failure through the one error table --------------------------------


BROKEN_ANSWERS = {
    # Headers promise 100 KB, 5 bytes come, then the server hangs up.
    "/cut": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\nhello",
    "/garbage": b"THIS IS NOT HTTP\r\n\r\n",
    "/silent": b"",  # accepts the connection, answers nothing, closes it
}


async def _broken_http_server(reader, writer):
    request_line = await reader.readline()
    path = request_line.split()[1].decode() if len(request_line.split()) > 1 else "/"
    with contextlib.suppress(ConnectionError):
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        writer.write(BROKEN_ANSWERS.get(path, b""))
        await writer.drain()
    writer.close()


def test_broken_responses_map_to_one_code_each_and_keep_what_arrived(allow_loopback):
    async def scenario():
        server = await asyncio.start_server(_broken_http_server, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with server, HttpFetcher() as fetcher:
            return [await fetcher.fetch(f"{base}{path}") for path in BROKEN_ANSWERS]

    cut, garbage, silent = asyncio.run(scenario())

    # A response that started arriving is kept (status, headers, the bytes that came).
    assert (cut.error, cut.status_code, cut.body, cut.truncated) == (
        "protocol",
        200,
        b"hello",
        True,
    )
    assert cut.error_detail.startswith("127.0.0.1 sent a broken HTTP response: ")
    assert (garbage.error, garbage.status_code, garbage.body) == ("protocol", None, b"")
    assert (silent.error, silent.status_code) == ("connection", None)
    assert silent.error_detail.startswith("The connection to 127.0.0.1 failed: ")


def test_no_failure_rule_is_hidden_behind_an_earlier_one():
    # The HTTP fetcher takes the first rule whose exceptions match: a rule listed after a rule
    # for one of its base classes would never be used.
    earlier: list[type[BaseException]] = []
    for rule in FAILURE_RULES:
        for exception in rule.exceptions:
            hidden_by = [base for base in earlier if issubclass(exception, base)]
            assert not hidden_by, f"{exception.__name__} ({rule.code}) is caught by {hidden_by}"
        earlier.extend(rule.exceptions)
    assert {rule.code for rule in FAILURE_RULES} >= set(FetchError) - {
        FetchError.REDIRECT_LOOP,  # found by the redirect loop itself, not from an exception
        FetchError.INVALID_REDIRECT,
        FetchError.TOO_LARGE,
        FetchError.BROWSER,  # what is left when no rule matches a Chromium failure
    }
