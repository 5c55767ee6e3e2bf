"""Lead images from imports: WordPress featured images and feed media, by URL only."""

import io
from datetime import UTC, datetime

import pytest

from articles.models import Article
from ingest.importers import feeds, wordpress
from ingest.importers.records import ImportedArticle, LeadImage, Skipped
from ingest.importers.saving import save_articles

WXR_HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Marsh Gazette</title><link>https://marsh.example.com</link>
<wp:base_blog_url>https://marsh.example.com</wp:base_blog_url>
"""


def wxr_post(post_id, title, thumbnail=None):
    meta = (
        f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        f"<wp:meta_value>{thumbnail}</wp:meta_value></wp:postmeta>"
        if thumbnail
        else ""
    )
    return f"""<item><title>{title}</title><content:encoded>Text of {title}.</content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2025-04-05 06:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>
{meta}</item>"""


def wxr_attachment(post_id, url, caption="", alt=""):
    alt_meta = (
        f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        f"<wp:meta_value>{alt}</wp:meta_value></wp:postmeta>"
        if alt
        else ""
    )
    return f"""<item><title>IMG_{post_id}</title><wp:post_id>{post_id}</wp:post_id>
<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{url}</wp:attachment_url>{alt_meta}</item>"""


def parse_wxr(*items):
    data = WXR_HEAD + "".join(items).encode() + b"</channel></rss>"
    records = list(wordpress.parse(io.BytesIO(data)))
    posts = {r.headline: r for r in records if isinstance(r, ImportedArticle)}
    skipped = [r for r in records if isinstance(r, Skipped)]
    return posts, skipped


def test_wordpress_featured_image_after_the_post():
    posts, skipped = parse_wxr(
        wxr_post(10, "Herons return", thumbnail=11),
        wxr_attachment(
            11,
            "https://marsh.example.com/wp-content/uploads/2025/04/heron.jpg",
            caption="A grey heron on the <em>north</em> pool.",
            alt="Heron standing in shallow water",
        ),
        wxr_post(12, "No picture"),
    )
    assert posts["Herons return"].lead_image == LeadImage(
        url="https://marsh.example.com/wp-content/uploads/2025/04/heron.jpg",
        alt="Heron standing in shallow water",
        caption="A grey heron on the north pool.",
    )
    assert posts["No picture"].lead_image is None
    assert [s.kind for s in skipped] == ["attachment"]  # still counted as skipped


def test_wordpress_featured_image_before_the_post_and_alt_from_caption():
    posts, _ = parse_wxr(
        wxr_attachment(5, "https://marsh.example.com/uploads/old.png", caption="The old pier"),
        wxr_post(20, "Pier story", thumbnail=5),
    )
    image = posts["Pier story"].lead_image
    assert image.url == "https://marsh.example.com/uploads/old.png"
    assert image.alt == image.caption == "The old pier"


def test_wordpress_post_whose_attachment_never_comes_still_imports():
    posts, _ = parse_wxr(wxr_post(30, "Orphan", thumbnail=999), wxr_post(31, "Next"))
    assert set(posts) == {"Orphan", "Next"}
    assert posts["Orphan"].lead_image is None


def test_wordpress_attachment_with_unusable_url_gives_no_image():
    posts, _ = parse_wxr(
        wxr_post(40, "Bad url", thumbnail=41), wxr_attachment(41, "javascript:alert(1)")
    )
    assert posts["Bad url"].lead_image is None


RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Wire</title>
<item><title>Media content</title><guid>m1</guid><description>The real story text.</description>
  <media:content url="https://cdn.example/small.jpg" medium="image" width="320"/>
  <media:content url="https://cdn.example/large.jpg" medium="image" width="1600">
    <media:description>Crowds at the harbour</media:description>
    <media:credit>Jo Lens / Wire</media:credit>
  </media:content>
  <media:content url="https://cdn.example/clip.mp4" medium="video" width="4000"/>
</item>
<item><title>Enclosure</title><guid>m2</guid><description>Text two.</description>
  <enclosure url="https://cdn.example/podcast.mp3" type="audio/mpeg" length="10"/>
  <enclosure url="https://cdn.example/photo.png" type="image/png" length="10"/>
</item>
<item><title>Thumbnail only</title><guid>m3</guid><description>Text three.</description>
  <media:thumbnail url="https://cdn.example/thumb.jpg"/>
</item>
<item><title>Audio only</title><guid>m4</guid><description>Text four.</description>
  <enclosure url="https://cdn.example/show.mp3" type="audio/mpeg" length="10"/>
</item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><id>urn:w</id>
<updated>2025-01-01T00:00:00Z</updated>
<entry><title>Atom picture</title><id>urn:a1</id><updated>2025-01-01T00:00:00Z</updated>
  <link rel="alternate" href="https://atom.example/a1"/>
  <link rel="enclosure" type="image/webp" href="https://atom.example/a1.webp" length="99"/>
  <content type="html">&lt;p&gt;Body.&lt;/p&gt;</content>
</entry></feed>"""


def parse_feed(data):
    return {r.headline: r for r in feeds.parse(io.BytesIO(data))}


def test_feed_media_content_picks_the_widest_image_with_caption_and_credit():
    entry = parse_feed(RSS)["Media content"]
    assert entry.lead_image == LeadImage(
        url="https://cdn.example/large.jpg",
        alt="Crowds at the harbour",
        caption="Crowds at the harbour",
        credit="Jo Lens / Wire",
    )


def test_media_description_is_not_taken_for_the_body():
    entry = parse_feed(RSS)["Media content"]
    assert "The real story text." in entry.body
    assert "Crowds at the harbour" not in entry.body


def test_feed_image_enclosures_and_thumbnails():
    entries = parse_feed(RSS)
    assert entries["Enclosure"].lead_image.url == "https://cdn.example/photo.png"
    assert entries["Thumbnail only"].lead_image.url == "https://cdn.example/thumb.jpg"
    assert entries["Audio only"].lead_image is None


def test_atom_enclosure_link_with_image_type():
    entry = parse_feed(ATOM)["Atom picture"]
    assert entry.lead_image.url == "https://atom.example/a1.webp"


def test_feed_images_read_from_feedparser_when_the_xml_is_loose():
    # An undeclared entity: too loose for the XML parser, fine for feedparser.
    loose = RSS.replace(b"<title>Wire</title>", b"<title>Wire &nbsp; desk</title>")
    entries = parse_feed(loose)
    assert entries["Media content"].lead_image.url == "https://cdn.example/large.jpg"
    assert entries["Media content"].lead_image.credit == "Jo Lens / Wire"


def record(**fields):
    return ImportedArticle(
        record=1,
        import_ref="wire:1",
        headline="Harbour crowds",
        body="<p>Body.</p>",
        published_at=datetime(2025, 1, 5, tzinfo=UTC),
        **fields,
    )


@pytest.mark.django_db
def test_saved_by_url_without_downloading(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the import must not fetch anything")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    image = LeadImage("https://cdn.example/large.jpg", "Crowds", "Crowds at noon", "Jo Lens")
    result = save_articles([record(lead_image=image)])
    assert result.created == 1
    article = Article.objects.get()
    assert (
        article.lead_image_url,
        article.lead_image_alt,
        article.lead_image_caption,
        article.lead_image_credit,
    ) == ("https://cdn.example/large.jpg", "Crowds", "Crowds at noon", "Jo Lens")
    assert not article.lead_image
    assert article.social_image.url == "https://cdn.example/large.jpg"

    # Same again: unchanged. A new image: updated. No image in the source: kept.
    assert save_articles([record(lead_image=image)]).unchanged == 1
    moved = LeadImage("https://cdn.example/moved.jpg", "Crowds")
    assert save_articles([record(lead_image=moved)]).updated == 1
    assert Article.objects.get().lead_image_url == "https://cdn.example/moved.jpg"
    assert save_articles([record()]).unchanged == 1
    assert Article.objects.get().lead_image_url == "https://cdn.example/moved.jpg"
