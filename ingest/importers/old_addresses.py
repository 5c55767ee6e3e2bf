"""`import_articles --redirects-only`: old addresses for an archive imported earlier.

An archive imported before imports kept old addresses gets them without any
article changing: each record's old addresses (what an import would record now:
a WordPress permalink and `?p=<id>`, a Ghost post's `/<slug>/`, a feed item's
link; see articles.models.redirect) are added to the article an import made of it,
found by its `import_ref`. As in an import, an address another article already
holds stays with that article, and an address equal to the article's own needs
no row. A record whose article is not here is counted, never created.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from articles.models import Article, OldAddress
from ingest.importers.records import (
    NATIVE_PREFIX,
    ImportedArticle,
    Rejection,
    Skipped,
    slug_from_ref,
)
from ingest.importers.related import own_address


@dataclass
class AddressResult:
    added: int = 0  # addresses stored
    articles: int = 0  # articles that got at least one
    held: int = 0  # addresses another article holds already: left with it
    unmatched: int = 0  # records with addresses but no article here
    rejected: int = 0  # records the parser could not read


def add_old_addresses(
    items: Iterable[ImportedArticle | Rejection | Skipped],
    *,
    batch_size: int,
    result: AddressResult,
) -> AddressResult:
    batch: list[ImportedArticle] = []
    for item in items:
        if isinstance(item, Rejection):
            result.rejected += 1
        elif isinstance(item, ImportedArticle) and item.old_addresses and item.import_ref:
            batch.append(item)
            if len(batch) >= batch_size:
                add_batch(batch, result)
                batch = []
    if batch:
        add_batch(batch, result)
    return result


def add_batch(items: list[ImportedArticle], result: AddressResult) -> None:
    refs = {item.import_ref for item in items}
    slugs = [slug for ref in refs if (slug := slug_from_ref(ref))]
    query = Q(import_ref__in=refs) | (Q(import_ref="") & Q(slug__in=slugs))
    articles = {
        article.import_ref or NATIVE_PREFIX + article.slug: article
        for article in Article.objects.filter(query).only("pk", "slug", "import_ref")
    }
    wanted: dict[str, Article] = {}
    for item in items:
        article = articles.get(item.import_ref)
        if article is None:
            result.unmatched += 1
            continue
        for address in item.old_addresses:
            if address != own_address(article):
                wanted.setdefault(address, article)
    held = dict(OldAddress.objects.filter(address__in=wanted).values_list("address", "article_id"))
    rows = []
    for address, article in wanted.items():
        if address not in held:
            rows.append(OldAddress(address=address, article_id=article.pk))
        elif held[address] != article.pk:
            result.held += 1
    OldAddress.objects.bulk_create(rows, ignore_conflicts=True)
    result.added += len(rows)
    result.articles += len({row.article_id for row in rows})
