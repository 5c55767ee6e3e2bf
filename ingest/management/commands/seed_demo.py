"""Deterministic demo content: the project's own invented stories, with tags,
authors, sections, lead pictures and a featured lead.

The same --count always writes the same headlines, bodies, tags and statuses;
only the dates follow the clock, so the newest story is always recent. Large
counts (benchmarks) reuse a pool of processed stories, each with its tags, so each
distinct body is sanitized and summarized once and, on PostgreSQL, indexed for
search once (articles_search_vector(), articles/search_vector.sql); rows go in with the
importers' COPY. A million articles take minutes, not hours: the pictures are
drawn and resized once (ingest.demo_pictures) and shared by name.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.content import process
from articles.models import Article, Tag
from articles.models.author import Author
from articles.models.feature import Feature
from articles.search import tag_names_text
from editorial import announcements, history, imports
from ingest.bulk import LZ4_BODIES_SQL, insert_articles, insert_tag_links
from ingest.demo_pictures import ensure_pictures
from ingest.importers.authors import insert_author_links
from ingest.planner import refresh_statistics

SEED = 2026
POOL_SIZE = 5000
BATCH_SIZE = 5000

TAGS = {
    "Politics": "Parliament, councils and the people who run them.",
    "Economy": "Prices, jobs, trade and the money behind the headlines.",
    "Science": "Research, discovery and the people doing it.",
    "Climate": "Weather, energy and a warming world.",
    "Health": "Hospitals, medicine and public health.",
    "Technology": "Software, hardware and the companies behind them.",
    "Culture": "Books, film, music and the arts.",
    "Sport": "Results, fixtures and the stories behind the scores.",
    "Education": "Schools, universities and learning.",
    "Transport": "Rail, roads, ports and airports.",
    "Local": "News from the towns and villages we cover.",
    "World": "Stories from beyond our borders.",
}

# In the header's order.
SECTIONS = ["Politics", "Economy", "Climate", "Science", "Culture", "Sport", "Local", "World"]
# The newsroom's reporters: name, role, bio.
AUTHORS = [
    ("Amira Hassan", "Politics editor", "Amira has covered the council chamber for a decade."),
    ("Tom Whitlock", "Transport correspondent", "Tom rides every bus route he writes about."),
    ("Priya Raman", "Science reporter", "Priya studied ecology before turning to journalism."),
    ("Gareth Owen", "Economics writer", "Gareth follows prices, wages and the local budget."),
    ("Lena Novak", "Climate reporter", "Lena reports on weather, energy and the coast."),
    (
        "Samuel Adeyemi",
        "Local news reporter",
        "Samuel covers the towns and villages of the valley.",
    ),
    ("Clara Mendes", "Culture critic", "Clara reviews books, film and the city's stages."),
    ("Jonah Fitzgerald", "Sport reporter", "Jonah has not missed a cup final in twelve years."),
]
WIRE_BYLINE = "Newsroom Wire staff"

PLACES = [
    "Harbourside", "Millbrook", "the northern valleys", "Eastgate", "Kingsmere",
    "the coastal towns", "Ashford Vale", "Riverside", "the city centre", "Highmoor",
]  # fmt: skip
ACTORS = [
    "The regional council", "A group of nurses", "Local engineers", "The transport authority",
    "University researchers", "Independent traders", "The water board", "Volunteers",
    "A coalition of farmers", "The city's schools", "Health officials", "Fishing crews",
]  # fmt: skip
ACTIONS = [
    "unveil plan to rebuild", "vote to expand", "warn over delays to", "celebrate record year for",
    "call for review of", "launch trial of", "secure funding for", "raise concerns about",
    "agree deal on", "report progress on", "push back against cuts to", "open consultation on",
]  # fmt: skip
SUBJECTS = [
    "the old tram line", "flood defences", "night bus services", "the harbour wall",
    "rooftop solar panels", "the public library", "school meals", "the river footbridge",
    "rural broadband", "community clinics", "the market hall", "cycle lanes",
    "the town archive", "wildlife corridors", "affordable housing", "the coastal path",
]  # fmt: skip
SPEAKERS = [
    "Maria Ellison", "Dev Patel", "Ruth Okafor", "Iain Murray", "Sofia Lindqvist",
    "Kwame Mensah", "Hannah Byrne", "Oskar Nowak",
]  # fmt: skip
SOURCES = [
    ("Newsroom Wire", "https://wire.example.org/stories/"),
    ("Council Press Office", "https://council.example.gov/press/"),
    ("Regional Gazette", "https://gazette.example.com/news/"),
    ("", ""),
]
STANDFIRSTS = [
    "The decision could change how people in {place} get around for a generation.",
    "Supporters call it overdue; critics say the sums do not add up.",
    "A plan years in the making now faces its hardest test.",
    "What happens next depends on a vote expected within weeks.",
    "Residents have until the end of the month to have their say.",
]
OPENINGS = [
    "{actor} said on {day} that work on {subject} in {place} would begin within months.",
    "Residents of {place} have been told that {subject} will change sooner than expected.",
    "{actor} met in {place} on {day} to settle the future of {subject}.",
    "After two years of debate, {subject} in {place} is back on the agenda.",
]
MIDDLES = [
    "Officials put the cost at {money} million, spread over {years} years.",
    "About {people} people responded to the first round of questions, a record for the area.",
    "Critics argue that the timetable leaves little room for the surveys the law requires.",
    "Supporters say the change is overdue and point to similar schemes elsewhere.",
    "A spokesperson said the figures would be published in full next month.",
    "The proposal follows a report that found {percent} per cent of users were dissatisfied.",
    "Local businesses were consulted in the spring, and most backed the idea.",
    "Engineers expect the first phase to finish before winter.",
    "Opposition members asked for an independent review before any money is spent.",
    "The scheme would be paid for partly by a national grant and partly by local taxes.",
    "Campaigners, who gathered outside the meeting, welcomed the decision with caution.",
    "The last comparable project ran {years} months late and over budget.",
    "Council papers show the idea was first raised {years} years ago.",
    "A public meeting is planned for the town hall later this month.",
    "The authority said it had studied schemes in three other regions.",
    "Some residents said they had heard nothing about the plans until this week.",
    "Trade unions have asked to see the staffing figures before giving a view.",
    "An online petition against the change has gathered {people} signatures.",
    "Officials admitted the first estimate had been too low.",
    "The work would be carried out in stages to limit disruption.",
    "Environmental groups said the details would decide whether they supported it.",
    "A final decision is expected after the summer recess.",
    "Similar schemes elsewhere have cut costs by about {percent} per cent.",
    "The chair of the committee said the vote had been closer than expected.",
    "Shopkeepers on the high street were divided over the timing.",
    "Surveyors are due on site within weeks, according to the papers.",
    "The opposition group said it would table an amendment at the next meeting.",
    "Questions about long-term maintenance costs remain unanswered.",
    "Schools in the area have been asked how the change would affect pupils.",
    "The regional newspaper first reported the proposal in the spring.",
]
QUOTES = [
    "“We have listened, and this is what people asked for,” said {name}, who chairs the committee.",
    "“It is a good start, but the detail matters,” said {name}, a resident of {place}.",
    "“Nobody should pretend this will be easy,” {name} told reporters.",
    "“We will be watching every penny,” said {name}, who leads the residents' association.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class Command(BaseCommand):
    help = "Write deterministic demo articles with tags (for `make run` and benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60, help="How many articles (default 60).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has articles (used by `make run`).",
        )

    def handle(self, *args, count, if_empty, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if if_empty and Article.objects.exists():
            self.stdout.write("Articles already exist; demo content not added.")
            return
        tags = self.ensure_tags()
        authors = self.ensure_authors()
        pictures = ensure_pictures()
        start = Article.objects.count()
        rng = random.Random(SEED)
        pool = [self.invent(rng, n, pictures) for n in range(min(count, POOL_SIZE))]
        pool_authors = [self.choose_authors(rng, story, authors) for story in pool]
        pool_tags = [rng.sample(tags, rng.randint(1, 3)) for _ in pool]
        for story, story_tags in zip(pool, pool_tags, strict=True):
            story.tag_names = tag_names_text(tag.name for tag in story_tags)
        vectors = search_vectors(pool)
        now = timezone.now().replace(second=0, microsecond=0)
        written = 0
        while written < count:
            size = min(BATCH_SIZE, count - written)
            numbers = range(start + written, start + written + size)
            batch = [self.place(pool, n, count - (n - start), now) for n in numbers]
            self.save_batch(
                batch,
                [pool_tags[n % len(pool)] for n in numbers],
                [pool_authors[n % len(pool)] for n in numbers],
                vectors and [vectors[n % len(pool)] for n in numbers],
                now,
            )
            written += size
            if count > BATCH_SIZE:
                self.stdout.write(f"{written}/{count} articles")
        if vectors:
            with connection.cursor() as cursor:
                # Fold the batches' pending search entries into the index now,
                # rather than have the first searches read them one by one.
                cursor.execute("SELECT gin_clean_pending_list('article_search_vector_gin')")
        self.feature_stories()
        refresh_statistics()  # readers' queries are planned from these
        announcements.everything_changed()  # bulk inserts send no signals
        self.stdout.write(self.style.SUCCESS(f"Seeded {count} demo articles."))

    def ensure_tags(self):
        for name, description in TAGS.items():
            section = {"is_section": name in SECTIONS, "section_order": 0}
            if name in SECTIONS:
                section["section_order"] = SECTIONS.index(name) + 1
            Tag.objects.update_or_create(
                slug=slugify(name),
                defaults=section,
                create_defaults={"name": name, "description": description, **section},
            )
        return list(Tag.objects.filter(slug__in=[slugify(n) for n in TAGS]).order_by("name"))

    def ensure_authors(self) -> list[Author]:
        for name, role, bio in AUTHORS:
            Author.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "role": role, "bio": bio}
            )
        return list(Author.objects.filter(slug__in=[slugify(a[0]) for a in AUTHORS]))

    def choose_authors(self, rng, story, authors) -> list[Author]:
        """One reporter for most stories, two for some; wire copy keeps its byline."""
        if story.byline:
            return []
        return rng.sample(authors, 2 if rng.random() < 0.2 else 1)

    def feature_stories(self):
        """The newest pictured story leads and the next three are top stories, for a week."""
        if Feature.objects.exists():
            return  # the editors' choices stand
        pictured = Article.objects.published().exclude(lead_image="")
        newest = list(pictured.order_by("-published_at", "-pk")[:4])
        until = timezone.now() + timedelta(days=7)
        for position, article in enumerate(newest):
            slot = Feature.Slot.LEAD if position == 0 else Feature.Slot.TOP
            Feature.objects.create(article=article, slot=slot, expires_at=until)

    def invent(self, rng, n, pictures) -> Article:
        """One processed story: headline, standfirst, body, summary, picture, no
        sentence said twice."""
        words = {
            "actor": rng.choice(ACTORS),
            "place": rng.choice(PLACES),
            "subject": rng.choice(SUBJECTS),
            "day": rng.choice(DAYS),
            "name": rng.choice(SPEAKERS),
            "money": rng.randint(2, 90),
            "years": rng.randint(2, 12),
            "people": rng.randint(300, 9000),
            "percent": rng.randint(20, 70),
        }
        headline = f"{words['actor']} {rng.choice(ACTIONS)} {words['subject']} in {words['place']}"
        paragraphs = [rng.choice(OPENINGS).format(**words)]
        unsaid = rng.sample(MIDDLES, len(MIDDLES))  # each sentence at most once
        quotes = rng.sample(QUOTES, len(QUOTES))
        for _ in range(rng.randint(3, 7)):
            sentences = [unsaid.pop() for _ in range(rng.randint(2, 3))]
            if quotes and rng.random() < 0.3:
                sentences.append(quotes.pop())
            paragraphs.append(" ".join(s.format(**words) for s in sentences))
        article = Article(
            headline=headline[0].upper() + headline[1:],
            standfirst=rng.choice(STANDFIRSTS).format(**words) if n % 5 else "",
            body="".join(f"<p>{p}</p>" for p in paragraphs),
            # Every third story has an editor's summary; the rest are generated.
            summary=paragraphs[1].split(". ")[0].rstrip(".") + "." if n % 3 == 0 else "",
            byline=WIRE_BYLINE if n % 9 == 4 else "",
        )
        if n % 7:  # most stories have a picture
            picture = pictures[n % len(pictures)]
            article.lead_image = picture.name
            article.lead_image_renditions = picture.renditions
            article.lead_image_alt = picture.alt
            article.lead_image_caption = f"{picture.caption} Illustration."
            article.lead_image_credit = "Drawing: Newsroom demo"
        article.source_name, source_url = SOURCES[n % len(SOURCES)]
        article.source_url = f"{source_url}{n}" if source_url else ""
        article.slug = "unused"  # slugs are set per copy in place()
        process(article)
        return article

    def place(self, pool, number, remaining, now) -> Article:
        """A copy of a pooled story with its own slug, date and status."""
        story = pool[number % len(pool)]
        article = Article(
            **{
                field: getattr(story, field)
                for field in (
                    "headline",
                    "standfirst",
                    "summary",
                    "summary_generated",
                    "body",
                    "body_text",
                    "byline",
                    "source_name",
                    "source_url",
                    "tag_names",
                    "lead_image",
                    "lead_image_renditions",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                )
            }  # fmt: skip
        )
        article.slug = f"{slugify(story.headline)[:200]}-{number + 1}"
        # The newest articles come last, one every three hours going back in time.
        status, published_at = Article.Status.PUBLISHED, now - timedelta(hours=3 * remaining)
        if number % 17 == 5:
            status = Article.Status.DRAFT
        elif number % 23 == 7:
            published_at = now + timedelta(days=1 + number % 5)  # scheduled
        imports.give_state(article, status=status, published_at=published_at)
        return article

    @transaction.atomic
    def save_batch(self, batch, chosen, bylines, vectors, now):
        if vectors:
            bulk_load_settings()
        insert_articles(batch, now, search_vectors=vectors)
        insert_tag_links(
            [
                (article, tag.pk)
                for article, article_tags in zip(batch, chosen, strict=True)
                for tag in article_tags
            ]
        )
        history.record_stored(
            [article.pk for article in batch], source="seed_demo", comment="Demo content"
        )
        insert_author_links(
            [
                (article, author.pk, position)
                for article, authors in zip(batch, bylines, strict=True)
                for position, author in enumerate(authors)
            ]
        )


def bulk_load_settings():
    """PostgreSQL settings for this transaction that make a bulk load cheaper."""
    with connection.cursor() as cursor:
        # New search entries wait in the GIN index's pending list and go in
        # sorted, many at a time, instead of one row at a time.
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute(LZ4_BODIES_SQL)


def search_vectors(stories: list[Article]) -> list[str] | None:
    """Each story's search vector, computed once (PostgreSQL), else None."""
    if connection.vendor != "postgresql":
        return None
    fields = ["headline", "standfirst", "summary", "tag_names", "body_text"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT articles_search_vector(h, s, m, t, b)::text"
            " FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[])"
            " WITH ORDINALITY AS story(h, s, m, t, b, n) ORDER BY n",
            [[getattr(story, name) for story in stories] for name in fields],
        )
        return [vector for (vector,) in cursor.fetchall()]
