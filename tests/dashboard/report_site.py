"""A small shop the report tests audit with the real engine, with known defects.

Every product page has an image without alt text and a shared meta description; odd products
have no H1; /contact has no <title>; /old-offers redirects to /products; /missing answers 404;
/orphan is only in the sitemap; robots.txt has a misspelt directive and a relative sitemap URL.
"""

from __future__ import annotations

from tests.sites import Page, html, redirect

TEXT = "<p>" + "Hand-made garden furniture from sustainable teak, built to last. " * 40 + "</p>"
GOOD_HEAD = '<meta name="description" content="{}">'


def _head(description: str) -> str:
    return GOOD_HEAD.format(description)


DESCRIPTIONS = {
    "/": "Hand-made teak garden furniture from our Utrecht workshop, delivered to your door "
    "across the Netherlands.",
    "/contact": "Visit our workshop in Utrecht, call us during opening hours or send us a message "
    "at any time of the day.",
    "/products": "Every teak table, bench and chair we make by hand, with prices, sizes, wood care "
    "advice and delivery times.",
    "/orphan": "An old landing page that no page links to any more but that is still listed in "
    "the XML sitemap of the shop.",
    "product": "A solid teak garden table for years of summer dinners outside, oiled by hand and "
    "delivered fully assembled.",
}


def shop_site(base_url: str, *, products: int = 4) -> dict[str, Page]:
    nav = (
        '<nav><a href="/">Home</a> <a href="/products">Products</a> <a href="/about">About us</a>'
        ' <a href="/contact">Contact</a> <a href="/old-offers">Offers</a>'
        ' <a href="/missing">Our story</a></nav>'
    )
    product_links = "".join(
        f'<li><a href="/products/teak-{i}">Teak table {i}</a></li>' for i in range(products)
    )
    site = {
        "/": Page(
            html(
                "Teak & Co: garden furniture made to last",
                head=_head(DESCRIPTIONS["/"]),
                body=f"{nav}<h1>Garden furniture made to last</h1>{TEXT}",
            )
        ),
        "/about": Page(
            html(
                "About Teak & Co and our workshop",
                body=f"{nav}<h1>About us</h1><h2>Our workshop</h2>{TEXT}",
            )
        ),
        "/contact": Page(
            html(
                None,
                head=_head(DESCRIPTIONS["/contact"]),
                body=f"{nav}<h1>Contact</h1>{TEXT}",
            )
        ),
        "/products": Page(
            html(
                "All teak garden furniture from our workshop",
                head=_head(DESCRIPTIONS["/products"]),
                body=f"{nav}<h1>Products</h1><ul>{product_links}</ul>{TEXT}",
            )
        ),
        "/old-offers": redirect("/products"),
        "/orphan": Page(
            html(
                "A page nothing links to any more",
                head=_head(DESCRIPTIONS["/orphan"]),
                body=f"<h1>Orphan</h1>{TEXT}",
            )
        ),
        "/robots.txt": Page(
            "User-agent: *\nDisalow: /tmp\nAllow: /\nSitemap: /sitemap.xml\n",
            content_type="text/plain",
        ),
        "/sitemap.xml": Page(
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(
                f"<url><loc>{base_url}{path}</loc></url>"
                for path in ("/", "/about", "/products", "/orphan")
            )
            + "</urlset>",
            content_type="application/xml",
        ),
    }
    for i in range(products):
        heading = "" if i % 2 else f"<h1>Teak table {i}</h1>"
        site[f"/products/teak-{i}"] = Page(
            html(
                f"Teak table {i}, hand-made in Utrecht",
                head=_head(DESCRIPTIONS["product"]),
                body=f'{nav}{heading}<img src="/img/teak-{i}.jpg">{TEXT}',
            )
        )
    return site
