"""Icons: one sprite (dashboard/includes/icons.svg), inlined once per dashboard page; each icon
points into it with <use href="#icon-NAME">, or carries its shapes where it must stand alone
(WeasyPrint, which renders the PDF, looks for a <use> target only inside the same <svg>)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from PIL import Image

from audits.services import pdf

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SPRITE = TEMPLATES / "dashboard" / "includes" / "icons.svg"


def sprite_ids() -> list[str]:
    return re.findall(r'<symbol id="icon-([\w-]+)"', SPRITE.read_text(encoding="utf-8"))


def test_every_icon_a_template_names_is_in_the_sprite():
    named = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r'icon\.html" with name="([\w-]+)"', text))
    ids = sprite_ids()
    assert len(ids) == len(set(ids))
    assert len(named) > 20
    assert named <= set(ids), sorted(named - set(ids))


def test_a_dashboard_page_inlines_the_sprite_once_and_its_icons_point_into_it(customer_client):
    page = customer_client.get("/en/app/").content.decode()

    assert page.count('class="icon-sprite"') == 1
    used = re.findall(r'<use href="#icon-([\w-]+)"/>', page)
    assert len(used) >= 5
    defined = set(re.findall(r'<symbol id="icon-([\w-]+)"', page))
    assert set(used) <= defined


def test_a_standalone_icon_carries_its_shapes_and_draws_in_the_pdf_renderer(tmp_path):
    from weasyprint import HTML

    icon = Template(
        '{% include "dashboard/includes/icon.html" with name="check" size=96 standalone=True %}'
    ).render(Context())
    assert "<use" not in icon and 'd="m5 12.5 4.5 4.5L19 7.5"' in icon

    html = f"<html><body>{icon}</body></html>"
    document = HTML(string=html, url_fetcher=pdf._url_fetcher()).write_pdf()
    source = tmp_path / "icon.pdf"
    source.write_bytes(document)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(source), str(tmp_path / "icon")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "icon.png") as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    inked = sum(count for count, rgb in colours if rgb != (255, 255, 255))
    assert inked > 200  # the tick: nothing else is on the page
