"""The demo blog's pictures, drawn at runtime with Pillow and stored as Wagtail images: a
cover per post (a flat illustration of its subject) and the author's avatar. Nothing is
downloaded, so bootstrap_demo works offline and the repository holds no binary files."""

import io
import math

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Collection

COVER_SIZE = (1200, 630)  # the ratio social networks and the blog's cards use
AVATAR_SIZE = (192, 192)
INK = "#ffffff"


def _collection_root() -> Collection:
    # Wagtail's migrations create the root collection; a test database built without
    # migrations has none, and an image needs one.
    root = Collection.get_first_root_node()
    return root if root is not None else Collection.add_root(name="Root")


def _png(picture: PillowImage.Image) -> io.BytesIO:
    data = io.BytesIO()
    picture.save(data, format="PNG", optimize=True)
    return data


def _dots(draw: ImageDraw.ImageDraw, background: str, accent: str) -> None:
    """A faint grid of dots behind every motif."""
    for x in range(40, COVER_SIZE[0], 60):
        for y in range(40, COVER_SIZE[1], 60):
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=_mix(background, accent, 0.25))


def _mix(first: str, second: str, share: float) -> str:
    """``share`` of ``second`` mixed into ``first`` (two "#rrggbb" colours)."""
    a = [int(first[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def _crawl(draw, accent, background):
    """A site as a tree of pages, level by level."""
    levels = [[(600, 150)], [(380, 315), (820, 315)], [(250, 480), (500, 480), (700, 480)]]
    levels[2].append((950, 480))
    for parents, children in zip(levels, levels[1:], strict=False):
        for child in children:
            parent = min(parents, key=lambda point: abs(point[0] - child[0]))
            draw.line((parent, child), fill=accent, width=8)
    for depth, points in enumerate(levels):
        for x, y in points:
            radius = 52 - depth * 10
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=INK)
            draw.ellipse(
                (x - radius + 14, y - radius + 14, x + radius - 14, y + radius - 14), fill=accent
            )


def _blocks(draw, accent, background):
    """Pages as blocks, a few of them crossed out (blocked)."""
    blocked = {(1, 2), (2, 4), (0, 5)}
    for row in range(3):
        for column in range(6):
            x, y = 165 + column * 150, 140 + row * 130
            box = (x, y, x + 120, y + 100)
            if (row, column) in blocked:
                draw.rounded_rectangle(box, radius=14, outline=accent, width=6)
                draw.line((x + 30, y + 25, x + 90, y + 75), fill=accent, width=8)
                draw.line((x + 90, y + 25, x + 30, y + 75), fill=accent, width=8)
            else:
                draw.rounded_rectangle(box, radius=14, fill=INK)


def _lines(draw, accent, background):
    """A search result: a bold title line, an address, a description."""
    draw.rounded_rectangle((170, 130, 1030, 500), radius=28, fill=INK)
    draw.rounded_rectangle((230, 190, 560, 210), radius=10, fill=_mix(INK, accent, 0.7))
    draw.rounded_rectangle((230, 240, 900, 285), radius=16, fill=accent)
    for index, end in enumerate((970, 940, 720)):
        y = 325 + index * 50
        draw.rounded_rectangle((230, y, end, y + 22), radius=11, fill="#d7dde5")


def _links(draw, accent, background):
    """Two chain links, the second one broken through."""
    draw.rounded_rectangle((250, 245, 590, 385), radius=70, outline=INK, width=30)
    draw.rounded_rectangle((500, 245, 840, 385), radius=70, outline=INK, width=30)
    draw.polygon(((712, 215), (752, 215), (728, 415), (688, 415)), fill=background)
    for start, end in (
        ((720, 150), (720, 200)),
        ((660, 170), (690, 210)),
        ((780, 170), (750, 210)),
    ):
        draw.line((start, end), fill=accent, width=10)
    for start, end in (
        ((718, 430), (714, 480)),
        ((672, 425), (650, 465)),
        ((762, 425), (784, 465)),
    ):
        draw.line((start, end), fill=accent, width=10)


def _canonical(draw, accent, background):
    """Three addresses pointing at one page."""
    draw.rounded_rectangle((760, 170, 1000, 460), radius=20, fill=INK)
    for index in range(4):
        y = 220 + index * 50
        draw.rounded_rectangle((800, y, 960 - index * 20, y + 20), radius=10, fill=accent)
    for y in (190, 315, 440):
        draw.rounded_rectangle((180, y - 30, 420, y + 30), radius=30, fill=_mix(INK, accent, 0.5))
        draw.line((440, y, 730, 315), fill=INK, width=10)
        tip = (730, 315)
        angle = math.atan2(315 - y, 730 - 440)
        left = (tip[0] - 34 * math.cos(angle - 0.45), tip[1] - 34 * math.sin(angle - 0.45))
        right = (tip[0] - 34 * math.cos(angle + 0.45), tip[1] - 34 * math.sin(angle + 0.45))
        draw.polygon((tip, left, right), fill=INK)


def _report(draw, accent, background):
    """A report: a round score beside bars per category."""
    draw.rounded_rectangle((170, 110, 1030, 520), radius=28, fill=INK)
    draw.ellipse((240, 195, 480, 435), outline="#d7dde5", width=30)
    draw.arc((240, 195, 480, 435), start=-90, end=200, fill=accent, width=30)
    for index, length in enumerate((380, 300, 420, 240)):
        y = 200 + index * 62
        draw.rounded_rectangle((560, y, 960, y + 28), radius=14, fill="#e6eaf0")
        draw.rounded_rectangle((560, y, 560 + length, y + 28), radius=14, fill=accent)


MOTIFS = {
    "crawl": _crawl,
    "blocks": _blocks,
    "lines": _lines,
    "links": _links,
    "canonical": _canonical,
    "report": _report,
}


def cover_image_create(*, title: str, motif: str, background: str, accent: str) -> Image:
    """A cover image (COVER_SIZE) drawing ``motif`` (a MOTIFS key) on ``background``."""
    picture = PillowImage.new("RGB", COVER_SIZE, background)
    draw = ImageDraw.Draw(picture)
    _dots(draw, background, accent)
    MOTIFS[motif](draw, accent, background)
    return Image.objects.create(
        title=title,
        collection=_collection_root(),
        file=ImageFile(_png(picture), name=f"blog-cover-{motif}.png"),
    )


def avatar_image_create(*, title: str, background: str, accent: str) -> Image:
    """A round avatar: the product's tick on ``background``."""
    picture = PillowImage.new("RGB", AVATAR_SIZE, background)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((36, 36, 156, 156), fill=accent)
    draw.line(((66, 98), (88, 120), (128, 76)), fill=background, width=14, joint="curve")
    return Image.objects.create(
        title=title,
        collection=_collection_root(),
        file=ImageFile(_png(picture), name="blog-author.png"),
    )
