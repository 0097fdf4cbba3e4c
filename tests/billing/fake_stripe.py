"""A small Stripe API on 127.0.0.1 for the tests, speaking Stripe's wire format.

stripe-python (ours and dj-stripe's calls alike) is pointed at it through ``stripe.api_base``:
requests arrive form-encoded (``line_items[0][price]=...``), answers are JSON objects with an
``"object"`` field, lists are ``{"object": "list", "data": [...]}``, unknown ids answer 404
with Stripe's error body. It keeps its objects in memory, records every request, and has a
few helpers a test uses to play Stripe's part: complete a Checkout, change a subscription,
build an event and sign it the way Stripe signs webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-05-27.dahlia"
DAY = 24 * 3600


@dataclass
class Request:
    method: str
    path: str
    params: dict


def _assign(target: dict, keys: list[str], value: str) -> None:
    """Put ``value`` at ``keys`` (from ``a[b][0][c]``) in nested dicts; numeric keys and the
    empty key (``expand[]``) make lists."""
    key = keys[0]
    if len(keys) == 1:
        if key == "":
            raise ValueError("append handled by caller")
        target[key] = value
        return
    following = keys[1]
    if following == "" and len(keys) == 2:
        target.setdefault(key, []).append(value)
        return
    child = target.setdefault(key, {})
    _assign(child, keys[1:], value)


def _listify(value):
    """Dicts whose keys are all digits were arrays: turn them into lists."""
    if isinstance(value, dict):
        if value and all(key.isdigit() for key in value):
            return [_listify(value[key]) for key in sorted(value, key=int)]
        return {key: _listify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_listify(item) for item in value]
    return value


def form_decode(body: str) -> dict:
    params: dict = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = name.partition("[")
        keys = [head] + ([part.rstrip("]") for part in ("[" + rest).split("[")[1:]] if rest else [])
        _assign(params, keys, value)
    return _listify(params)


def stripe_signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: t=<time>,v1=HMAC-SHA256(secret, "t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class FakeStripe:
    """The objects and behaviour of the fake API; `serve()` puts it on a port."""

    def __init__(self):
        self.objects: dict[str, dict] = {}
        self.requests: list[Request] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.url = ""
        self._server: ThreadingHTTPServer | None = None
        # (method, path) -> gate: such requests wait until the test opens it (see hold()).
        self.holds: dict[tuple[str, str], threading.Event] = {}
        self.arrived: list[tuple[str, str]] = []
        self.objects["acct_fake"] = {
            "id": "acct_fake",
            "object": "account",
            "type": "standard",
            "country": "NL",
            "default_currency": "eur",
            "email": "owner@vivaseo.test",
            "charges_enabled": True,
            "payouts_enabled": True,
            "details_submitted": True,
            "settings": {"dashboard": {"display_name": "VivaSEO test"}},
            "business_profile": {"name": "VivaSEO"},
            "metadata": {},
            "created": int(time.time()) - 100 * DAY,
        }

    # --- the server -------------------------------------------------------------------------

    def serve(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = form_decode(split.query if method in ("GET", "DELETE") else body)
                gate = fake.holds.get((method, split.path))
                if gate is not None:
                    with fake._lock:
                        fake.arrived.append((method, split.path))
                    gate.wait(60)
                with fake._lock:
                    fake.requests.append(Request(method, split.path, params))
                    status, answer = fake.route(method, split.path, params)
                self._answer(status, answer)

            def _page(self, method: str) -> bool:
                """Stripe's hosted pages, played for a browser: Checkout and the Portal."""
                split = urlsplit(self.path)
                kind, _, object_id = split.path.strip("/").partition("/")
                if kind not in ("pay", "portal"):
                    return False
                if method == "GET":
                    button = "Pay" if kind == "pay" else "Cancel plan"
                    body = (
                        f"<!DOCTYPE html><title>Fake Stripe</title><h1>Fake Stripe</h1>"
                        f'<form method="post"><button type="submit">{button}</button></form>'
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return True
                # Not under the lock: the webhook it sends makes our site call back in here.
                target = fake.hosted_page_submit(kind, object_id)
                self.send_response(303)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True

            def do_GET(self):
                if not self._page("GET"):
                    self._handle("GET")

            def do_POST(self):
                if not self._page("POST"):
                    self._handle("POST")

            def do_DELETE(self):
                self._handle("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def hold(self, method: str, path: str) -> threading.Event:
        """Hold every ``method`` request to ``path`` until the returned gate is set (a race
        test keeps one caller inside its call to Stripe); `arrivals` counts the held ones."""
        gate = threading.Event()
        self.holds[(method, path)] = gate
        return gate

    def arrivals(self, method: str, path: str) -> int:
        with self._lock:
            return self.arrived.count((method, path))

    def stop(self) -> None:
        for gate in self.holds.values():
            gate.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- routing ----------------------------------------------------------------------------

    COLLECTIONS = {
        "customers": ("cus", "customer"),
        "products": ("prod", "product"),
        "prices": ("price", "price"),
        "subscriptions": ("sub", "subscription"),
        "invoices": ("in", "invoice"),
        "checkout/sessions": ("cs", "checkout.session"),
        "billing_portal/sessions": ("bps", "billing_portal.session"),
    }

    def route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        path = path.removeprefix("/v1/").strip("/")
        if path == "account":
            return 200, self.objects["acct_fake"]
        for collection, (prefix, kind) in self.COLLECTIONS.items():
            if path == collection:
                if method == "POST":
                    return 200, self.create(kind, prefix, params)
                return 200, self.listing(kind, params, f"/v1/{collection}")
            if path.startswith(collection + "/"):
                object_id = path[len(collection) + 1 :]
                if collection == "products" and object_id.endswith("/features"):
                    return 200, self.listing("product_feature", {}, f"/v1/{path}")
                if kind == "checkout.session" and object_id.endswith("/expire"):
                    return self.checkout_expire(object_id.removesuffix("/expire"))
                found = self.objects.get(object_id)
                if found is None or found["object"] != kind:
                    return 404, self.missing(object_id)
                if method == "POST":
                    found.update(params)
                return 200, found
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({method}: /v1/{path}).",
            }
        }

    @staticmethod
    def missing(object_id: str) -> dict:
        return {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "param": "id",
                "message": f"No such object: '{object_id}'",
            }
        }

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):04d}"

    def _base(self, kind: str, object_id: str) -> dict:
        return {
            "id": object_id,
            "object": kind,
            "livemode": False,
            "created": int(time.time()),
            "metadata": {},
        }

    def create(self, kind: str, prefix: str, params: dict) -> dict:
        params = dict(params)
        params.pop("expand", None)
        object_id = params.pop("id", None) or self.new_id(prefix)
        obj = self._base(kind, object_id)
        obj.update(getattr(self, f"_defaults_{prefix}", lambda p: {})(params))
        obj.update(params)
        if kind == "checkout.session":
            obj["url"] = f"{self.url}/pay/{object_id}"
        self.objects[object_id] = obj
        return obj

    def _defaults_cus(self, params):
        return {
            "email": params.get("email"),
            "name": params.get("name"),
            "balance": 0,
            "currency": None,
            "delinquent": False,
            "invoice_settings": {"default_payment_method": None},
            "default_source": None,
            "sources": {"object": "list", "data": [], "has_more": False, "url": "/v1/sources"},
        }

    def _defaults_prod(self, params):
        return {"active": True, "type": "service", "description": None}

    def _defaults_price(self, params):
        recurring = params.get("recurring") or {}
        params["unit_amount"] = int(params.get("unit_amount") or 0)
        return {
            "active": True,
            "type": "recurring",
            "billing_scheme": "per_unit",
            "nickname": None,
            "lookup_key": None,
            "recurring": {
                "interval": recurring.get("interval", "month"),
                "interval_count": 1,
                "usage_type": "licensed",
            },
            "tiers_mode": None,
        }

    def _defaults_cs(self, params):
        return {
            "status": "open",
            "expires_at": int(time.time()) + DAY,
            "payment_status": "unpaid",
            "subscription": None,
            "payment_intent": None,
            "setup_intent": None,
        }

    def _defaults_bps(self, params):
        return {"url": f"{self.url}/portal/{params.get('customer')}"}

    def listing(self, kind: str, params: dict, url: str) -> dict:
        found = [obj for obj in self.objects.values() if obj["object"] == kind]
        if "customer" in params:
            found = [obj for obj in found if obj.get("customer") == params["customer"]]
        if kind == "subscription" and params.get("status", "all") != "all":
            found = [obj for obj in found if obj["status"] == params["status"]]
        if "lookup_keys" in params:
            found = [obj for obj in found if obj.get("lookup_key") in params["lookup_keys"]]
        return {"object": "list", "data": found, "has_more": False, "url": url}

    # --- playing Stripe's part in a test --------------------------------------------------------

    def checkout_expire(self, session_id: str) -> tuple[int, dict]:
        """POST /v1/checkout/sessions/<id>/expire: only an open session can be expired."""
        session = self.objects.get(session_id)
        if session is None or session["object"] != "checkout.session":
            return 404, self.missing(session_id)
        if session["status"] != "open":
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "Only Checkout Sessions with a status of open can be expired.",
                }
            }
        session.update(status="expired", url=None)
        return 200, session

    def checkout_complete(self, session_id: str, *, status: str | None = None) -> dict:
        """The customer paid: the session completes and its subscription exists (trialing
        when the session asked for a trial). Only an open session can be paid."""
        session = self.objects[session_id]
        if session["status"] != "open":
            raise ValueError(f"Checkout session {session_id} is {session['status']}")
        line = session["line_items"][0]
        price = self.objects[line["price"]]
        subscription_data = session.get("subscription_data") or {}
        trial_days = int(subscription_data.get("trial_period_days") or 0)
        now = int(time.time())
        yearly = (price.get("recurring") or {}).get("interval") == "year"
        period_end = now + (trial_days * DAY if trial_days else (365 if yearly else 30) * DAY)
        subscription_id = self.new_id("sub")
        subscription = {
            **self._base("subscription", subscription_id),
            "customer": session["customer"],
            "status": status or ("trialing" if trial_days else "active"),
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "start_date": now,
            "trial_start": now if trial_days else None,
            "trial_end": period_end if trial_days else None,
            "collection_method": "charge_automatically",
            "default_tax_rates": [],
            "metadata": subscription_data.get("metadata") or {},
            "items": {
                "object": "list",
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={subscription_id}",
                "data": [
                    {
                        **self._base("subscription_item", self.new_id("si")),
                        "price": price,
                        "quantity": 1,
                        "subscription": subscription_id,
                        "current_period_start": now,
                        "current_period_end": period_end,
                        "tax_rates": [],
                    }
                ],
            },
        }
        self.objects[subscription_id] = subscription
        session.update(status="complete", payment_status="paid", subscription=subscription_id)
        return subscription

    def subscription_change(self, subscription_id: str, **changes) -> dict:
        subscription = self.objects[subscription_id]
        subscription.update(changes)
        if changes.get("status") == "canceled":
            subscription.setdefault("canceled_at", int(time.time()))
            subscription["ended_at"] = int(time.time())
        return subscription

    def invoice_create(self, subscription_id: str, *, status: str, billing_reason: str) -> dict:
        subscription = self.objects[subscription_id]
        price = subscription["items"]["data"][0]["price"]
        invoice = self.create(
            "invoice",
            "in",
            {
                "customer": subscription["customer"],
                "subscription": subscription_id,
                "status": status,
                "billing_reason": billing_reason,
                "currency": price["currency"],
                "amount_due": price["unit_amount"],
                "amount_paid": price["unit_amount"] if status == "paid" else 0,
                "total": price["unit_amount"],
                "subtotal": price["unit_amount"],
                "attempt_count": 1,
                "paid": status == "paid",
                "hosted_invoice_url": f"{self.url}/invoice/hosted",
                "invoice_pdf": f"{self.url}/invoice/pdf",
                "default_payment_method": None,
                "discounts": [],
                "lines": {"object": "list", "data": [], "has_more": False, "url": "/v1/lines"},
            },
        )
        return invoice

    def event(self, event_type: str, obj: dict) -> dict:
        """An event as Stripe posts it, carrying a copy of ``obj`` as it is now."""
        event_id = self.new_id("evt")
        event = {
            "id": event_id,
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self.objects[event_id] = event
        return event

    # --- webhooks ---------------------------------------------------------------------------

    webhook_url = ""
    webhook_secret = ""

    def webhook_send(self, event: dict) -> int:
        """POST ``event`` to the configured endpoint, signed; returns the HTTP status."""
        payload = json.dumps(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": stripe_signature(payload, self.webhook_secret),
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    def hosted_page_submit(self, kind: str, object_id: str) -> str:
        """The customer pressed the button on a hosted page: do what Stripe does, send the
        webhook, and return where Stripe sends the browser back to."""
        if kind == "pay":
            session = self.objects[object_id]
            self.checkout_complete(object_id)
            self.webhook_send(self.event("checkout.session.completed", session))
            return session["success_url"]
        portal = next(
            o
            for o in self.objects.values()
            if o["object"] == "billing_portal.session" and o["customer"] == object_id
        )
        for subscription in self.objects.copy().values():
            if subscription["object"] == "subscription" and subscription["customer"] == object_id:
                changed = self.subscription_change(subscription["id"], cancel_at_period_end=True)
                self.webhook_send(self.event("customer.subscription.updated", changed))
        return portal["return_url"]

    def requests_to(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]
