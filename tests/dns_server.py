"""A DNS server on 127.0.0.1 (UDP) for tests: real queries, answers we choose.

with DnsServer({"shop.example": ["10.0.0.5"]}) as dns:   # others get NXDOMAIN
    settings.VIVASEO_DNS_NAMESERVERS = [dns.address]

with DnsServer(silent=True) as dns:                      # reads queries, never answers
    ...
"""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsServer:
    def __init__(self, records: dict[str, list[str]] | None = None, *, silent: bool = False):
        self.records = {
            name.rstrip(".").lower(): addresses for name, addresses in (records or {}).items()
        }
        self.silent = silent
        self.queries: list[str] = []
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def address(self) -> str:
        """``127.0.0.1:<port>``, the form VIVASEO_DNS_NAMESERVERS takes."""
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def __enter__(self) -> DnsServer:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            self.queries.append(f"{name} {dns.rdatatype.to_text(question.rdtype)}")
            if self.silent:
                continue
            self._socket.sendto(self._answer(query, name, question.rdtype).to_wire(), client)

    def _answer(self, query: dns.message.Message, name: str, rdtype: int) -> dns.message.Message:
        response = dns.message.make_response(query)
        if name not in self.records:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        wanted = "AAAA" if rdtype == dns.rdatatype.AAAA else "A"
        addresses = [
            address
            for address in self.records[name]
            if (":" in address) == (wanted == "AAAA")
            and rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        ]
        if addresses:
            response.answer.append(
                dns.rrset.from_text_list(query.question[0].name, 60, "IN", wanted, addresses)
            )
        return response
