"""Pictures for the demo content, drawn with Pillow: no files in the repository,
nothing fetched. Each is stored once and given its renditions by the same code
an editor's upload goes through (articles.images.renditions.make_renditions); demo articles
then share them by name, so a million articles cost a dozen pictures.
"""

import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, ImageDraw

from articles.images.renditions import make_renditions

WIDTH, HEIGHT = 1200, 800
DIRECTORY = "lead-images/demo"


@dataclass(frozen=True)
class DemoPicture:
    name: str  # the stored original, as Article.lead_image holds it
    renditions: dict  # as Article.lead_image_renditions holds it
    alt: str
    caption: str


# (scene, alt text, caption): what each drawn picture shows, in words.
SCENES = [
    ("harbour", "Boats moored in a harbour under a low orange sun", "The harbour at first light."),
    ("hills", "Green hills folding away under a pale sky", "Farmland north of the valley."),
    ("city", "A row of town buildings against an evening sky", "The city centre after dark."),
    ("rail", "A railway line running straight towards hills", "The old line, now being surveyed."),
    ("sea", "Waves breaking under a wide grey sky", "Storm surf along the coastal path."),
    ("fields", "Yellow fields under a bright blue sky", "Harvest on the edge of town."),
    ("bridge", "A footbridge arching over a calm river", "The river footbridge at dusk."),
    ("market", "Striped market stalls in a square", "Saturday in the market hall square."),
]
PALETTES = [
    ((252, 196, 120), (120, 150, 200), (40, 70, 100)),
    ((190, 220, 240), (110, 170, 110), (60, 110, 60)),
    ((60, 50, 110), (230, 130, 90), (35, 35, 50)),
    ((220, 230, 240), (150, 150, 140), (80, 80, 70)),
    ((150, 160, 170), (60, 100, 130), (30, 60, 80)),
    ((120, 180, 240), (235, 200, 90), (200, 150, 50)),
    ((250, 170, 120), (90, 110, 150), (40, 50, 70)),
    ((240, 235, 220), (200, 80, 70), (70, 90, 120)),
]


def draw(scene: str, palette, rng: random.Random) -> Image.Image:
    """A simple landscape or townscape: a graded sky, a sun, land and shapes."""
    sky, middle, ground = palette
    image = Image.new("RGB", (WIDTH, HEIGHT), sky)
    pen = ImageDraw.Draw(image)
    for y in range(HEIGHT // 2):  # the sky darkens towards the top
        shade = tuple(int(c * (0.75 + 0.25 * y / (HEIGHT / 2))) for c in sky)
        pen.line([(0, y), (WIDTH, y)], fill=shade)
    sun_x, sun_y = rng.randint(150, WIDTH - 150), rng.randint(90, 260)
    pen.ellipse([sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70], fill=(255, 236, 180))
    horizon = rng.randint(HEIGHT // 2, HEIGHT // 2 + 120)
    points = [(0, horizon)]
    for x in range(0, WIDTH + 100, 100):
        points.append((x, horizon - rng.randint(0, 140)))
    pen.polygon([*points, (WIDTH, HEIGHT), (0, HEIGHT)], fill=middle)
    pen.rectangle([0, horizon + 120, WIDTH, HEIGHT], fill=ground)
    if scene in ("city", "market", "harbour"):
        x = 0
        while x < WIDTH:
            width, height = rng.randint(60, 140), rng.randint(80, 300)
            pen.rectangle([x, horizon + 120 - height, x + width - 8, horizon + 120], fill=ground)
            for wy in range(horizon + 140 - height, horizon + 100, 36):
                for wx in range(x + 10, x + width - 20, 28):
                    if rng.random() < 0.5:
                        pen.rectangle([wx, wy, wx + 12, wy + 18], fill=(250, 220, 130))
            x += width
    elif scene in ("rail", "bridge"):
        pen.polygon(
            [
                (WIDTH // 2 - 20, horizon),
                (WIDTH // 2 + 20, horizon),
                (WIDTH - 200, HEIGHT),
                (200, HEIGHT),
            ],
            fill=(90, 80, 70),
        )
    return image


def ensure_pictures() -> list[DemoPicture]:
    """The demo pictures, stored with their renditions (found again on a second run)."""
    storage = storages["default"]
    pictures = []
    for number, (scene, alt, caption) in enumerate(SCENES):
        name = f"{DIRECTORY}/{scene}.jpg"
        if not storage.exists(name):
            out = io.BytesIO()
            draw(scene, PALETTES[number], random.Random(number)).save(out, "JPEG", quality=82)
            name = storage.save(name, ContentFile(out.getvalue()))
        pictures.append(DemoPicture(name, make_renditions(storage, name), alt, caption))
    return pictures
