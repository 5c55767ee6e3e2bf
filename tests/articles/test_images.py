"""Lead images: accepted and refused uploads, metadata stripping, renditions."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.forms import modelform_factory
from PIL import ExifTags, Image

from articles.images import renditions, uploads
from articles.images.display import rendition_url
from articles.models import Article
from tests.image_factory import gps_exif, image_bytes, png_declaring, upload

pytestmark = pytest.mark.django_db

ArticleForm = modelform_factory(
    Article,
    fields=["headline", "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"],
)


def submit(file, alt="A lifeboat crew in the harbour"):
    form = ArticleForm(data={"headline": "Harbour rescue", "lead_image_alt": alt}, files=file)
    return form


def submit_upload(data, name="photo.jpg"):
    return submit({"lead_image": upload(data, name=name)})


def open_stored(name) -> Image.Image:
    with default_storage.open(name, "rb") as fp:
        image = Image.open(io.BytesIO(fp.read()))
        image.load()
    return image


@pytest.mark.parametrize(
    ("format", "name", "mode"),
    [
        ("JPEG", "a.jpg", "RGB"),
        ("PNG", "b.png", "RGBA"),
        ("WEBP", "c.webp", "RGB"),
        ("GIF", "d.gif", "P"),
    ],
)
def test_each_accepted_format_is_stored(format, name, mode):
    form = submit_upload(image_bytes(format, size=(400, 300), mode=mode), name=name)
    assert form.is_valid(), form.errors
    article = form.save()
    assert article.lead_image.name.startswith("lead-images/")
    assert open_stored(article.lead_image.name).format == format


def test_format_comes_from_decoding_not_the_name():
    """A PNG named .jpg is accepted as what it is, and stored with its true extension."""
    article = submit_upload(image_bytes("PNG", size=(200, 100)), name="holiday.jpg").save()
    assert article.lead_image.name.endswith(".png")
    assert open_stored(article.lead_image.name).format == "PNG"


def refusal(data, name="photo.jpg"):
    form = submit_upload(data, name=name)
    assert not form.is_valid()
    return " ".join(form.errors["lead_image"])


def test_text_renamed_as_jpeg_is_refused():
    message = refusal(b"Just some notes, not a picture at all.\n" * 20)
    assert "not an image we can read" in message


def test_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(800, 600))
    assert "not an image we can read" in refusal(data[: len(data) // 2])


def test_svg_is_refused_with_its_own_reason():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "SVG images are not accepted" in refusal(svg, name="logo.jpg")
    assert "SVG images are not accepted" in refusal(svg.split(b"?>", 1)[1], name="logo.svg")


def test_other_image_formats_are_refused():
    message = refusal(image_bytes("BMP", size=(50, 50)), name="scan.jpg")
    assert "BMP images are not accepted" in message


def test_pixel_bomb_header_is_refused_before_decoding():
    # 100,000 × 100,000 pixels declared in a file of a few hundred bytes.
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 1000
    assert "too many pixels" in refusal(bomb, name="bomb.png")


def test_pixel_limit_comes_from_settings(settings):
    settings.LEAD_IMAGE_MAX_PIXELS = 10_000
    message = refusal(image_bytes("PNG", size=(200, 100)), name="wide.png")
    assert "200×100 pixels; the limit is 0.01 megapixels" in message
    assert submit_upload(image_bytes("PNG", size=(100, 100)), name="ok.png").is_valid()


def test_oversized_file_is_refused(settings):
    data = image_bytes("PNG", size=(300, 300), mode="RGB", compress_level=0)
    settings.LEAD_IMAGE_MAX_BYTES = len(data) - 1
    assert "the limit is" in refusal(data, name="big.png")
    settings.LEAD_IMAGE_MAX_BYTES = len(data)
    assert submit_upload(data, name="big.png").is_valid()


def test_alt_text_is_required_with_an_image():
    form = submit({"lead_image": upload(image_bytes(size=(100, 100)))}, alt="  ")
    assert not form.is_valid()
    assert "Describe the lead image" in form.errors["lead_image_alt"][0]


def test_alt_text_is_required_with_an_external_image():
    article = Article(headline="Imported", lead_image_url="https://example.org/a.jpg")
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "lead_image_alt" in caught.value.message_dict


def test_no_image_needs_no_alt():
    form = submit({}, alt="")
    assert form.is_valid(), form.errors


def test_model_validator_refuses_unvalidated_uploads():
    article = Article(headline="Shell upload", lead_image_alt="x")
    article.lead_image = upload(b"<svg></svg>", name="x.png")
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert caught.value.error_dict["lead_image"][0].code == "svg"


@pytest.mark.parametrize("format", ["JPEG", "WEBP", "PNG"])
def test_exif_and_gps_are_stripped_and_orientation_applied(format):
    # Orientation 6: the camera was turned, so the stored picture must be portrait.
    data = image_bytes(format, size=(120, 80), exif=gps_exif(orientation=6))
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really has GPS
    article = submit_upload(data, name=f"phone.{format.lower()}").save()
    for name in [article.lead_image.name] + [r[2] for r in article.lead_image_renditions["webp"]]:
        stored = open_stored(name)
        assert not stored.getexif(), name
        assert "exif" not in stored.info and "xmp" not in stored.info
        with default_storage.open(name, "rb") as fp:
            raw = fp.read()
        assert b"PhoneMaker" not in raw
    assert open_stored(article.lead_image.name).size == (80, 120)


def test_renditions_in_each_width_never_upscaled():
    article = submit_upload(image_bytes("JPEG", size=(1500, 1000))).save()
    meta = article.lead_image_renditions
    assert (meta["width"], meta["height"], meta["fallback_type"]) == (1500, 1000, "image/jpeg")
    assert [r[:2] for r in meta["webp"]] == [[320, 213], [640, 427], [960, 640], [1280, 853]]
    assert [r[:2] for r in meta["fallback"]] == [r[:2] for r in meta["webp"]]
    for width, height, name, size in meta["webp"] + meta["fallback"]:
        stored = open_stored(name)
        assert stored.size == (width, height)
        assert stored.format == ("WEBP" if name.endswith(".webp") else "JPEG")
        assert default_storage.size(name) == size

    small = submit_upload(image_bytes("JPEG", size=(500, 300)), name="small.jpg").save()
    assert [r[:2] for r in small.lead_image_renditions["webp"]] == [[320, 192], [500, 300]]


def test_transparent_images_fall_back_to_png():
    article = submit_upload(image_bytes("WEBP", size=(400, 200), mode="RGBA"), "logo.webp").save()
    assert article.lead_image_renditions["fallback_type"] == "image/png"
    assert open_stored(article.lead_image_renditions["fallback"][0][2]).mode == "RGBA"


@pytest.fixture
def count_encodes(monkeypatch):
    calls = []
    real = uploads.encode

    def counting(image, format):
        calls.append(format)
        return real(image, format)

    # the clean copy and the renditions each encode through their own reference
    monkeypatch.setattr(uploads, "encode", counting)
    monkeypatch.setattr(renditions, "encode", counting)
    return calls


def test_renditions_are_made_once(count_encodes):
    article = submit_upload(image_bytes("JPEG", size=(1000, 500))).save()
    # one clean original, then 320, 640, 960 and its own 1000 in WebP and JPEG
    assert len(count_encodes) == 1 + 4 * 2
    count_encodes.clear()

    article.headline = "Edited headline"
    article.save()
    article = Article.objects.get(pk=article.pk)
    article.save()
    assert count_encodes == []

    # Even with the description lost, deterministic names find the stored files.
    article.lead_image_renditions = {}
    article.save()
    assert count_encodes == []
    assert len(article.lead_image_renditions["webp"]) == 4


def test_replacing_or_removing_the_image_updates_renditions():
    article = submit_upload(image_bytes("JPEG", size=(700, 500))).save()
    first = article.lead_image_renditions["source"]
    article.lead_image = upload(image_bytes("PNG", size=(330, 300)), name="other.png")
    article.save()
    assert article.lead_image_renditions["source"] != first
    assert article.lead_image_renditions["fallback_type"] == "image/png"
    article.lead_image = None
    article.save()
    assert article.lead_image_renditions == {}
    assert article.lead_picture is None


def test_social_image_is_absolute_and_external_urls_pass_through(settings):
    settings.SITE_URL = "https://news.example"
    article = submit_upload(image_bytes("JPEG", size=(1500, 1000))).save()
    image = Article.objects.get(pk=article.pk).social_image
    assert image.url.startswith("https://news.example/media/renditions/lead-images/")
    assert image.url.endswith("-1280w.jpg")
    assert (image.width, image.height, image.mime_type) == (1280, 853, "image/jpeg")
    assert image.alt == "A lifeboat crew in the harbour"
    assert image.size > 0

    imported = Article(
        headline="Imported",
        lead_image_url="https://old.example/wp-content/uploads/boat.png",
        lead_image_alt="Boat",
    )
    assert imported.social_image.url == "https://old.example/wp-content/uploads/boat.png"
    assert imported.social_image.mime_type == "image/png"
    assert imported.social_image.width is None
    assert Article(headline="No image").social_image is None


def test_cmyk_profile_is_not_kept_on_rgb_pixels():
    data = image_bytes("JPEG", size=(100, 100), mode="CMYK", icc_profile=b"not-a-real-profile")
    article = submit_upload(data, name="print.jpg").save()
    stored = open_stored(article.lead_image.name)
    assert stored.mode == "RGB"
    assert "icc_profile" not in stored.info


def test_missing_stored_file_does_not_block_saving(make_article):
    article = make_article(lead_image="lead-images/2020/01/gone.jpg", lead_image_alt="Gone")
    assert article.lead_image_renditions == {}
    assert article.lead_picture is None


@pytest.mark.parametrize(
    "name",
    [
        "renditions/lead-images/2026/harbour-640w.webp",
        "renditions/lead-images/2026/café crew #2?-320w.jpg",
        "/renditions/leading-slash-320w.jpg",
        "renditions/./odd/../harbour-320w.jpg",
        "renditions/a:b-320w.jpg",
    ],
)
@pytest.mark.parametrize("media_url", ["/media/", "https://cdn.example.org/media/", "media"])
def test_rendition_addresses_are_the_storages_own(name, media_url):
    storage = FileSystemStorage(base_url=media_url)
    assert rendition_url(storage)(name) == storage.url(name)
