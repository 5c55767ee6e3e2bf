"""Uploaded lead images across an export and an import.

An export names an uploaded image by its absolute URL (`SITE_URL` plus the
storage's URL), which any reader of the file can fetch. With `--media-dir DIR`,
`export_articles` also writes each file at `DIR/<storage name>`, and
`import_articles --media-dir DIR` takes it back under the same name (the longest
end of the URL's path that names a file in DIR), checked and cleaned like an
upload (articles/images.py); renditions are made again when the article is stored.

An image that is already this site's own stored file is used as it is (an export
imported into the database it came from). Without the file, the image is kept as
an external `lead_image_url` (unless the record has one), as a feed's image would
be, so the page still shows it and `fetch_lead_images` can download it later.
"""

import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from articles.images import absolute_url, clean_copy


def exported_url(article) -> str:
    """The uploaded image's absolute URL, or "" without one."""
    return absolute_url(article.lead_image.url) if article.lead_image else ""


def write_file(article, directory: Path) -> None:
    """Copy the article's stored image to `directory`/<its storage name>."""
    name = article.lead_image.name
    target = directory.joinpath(*name.split("/"))
    if target.exists() and target.resolve() == stored_path(article.lead_image):
        return  # DIR is the storage's own directory: copying a file onto itself empties it
    target.parent.mkdir(parents=True, exist_ok=True)
    with article.lead_image.storage.open(name, "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)


def stored_path(file) -> Path | None:
    try:
        return Path(file.path).resolve()
    except NotImplementedError:  # a remote storage has no local path
        return None


class MediaError(Exception):
    """A file beside the export is no image we accept."""


@dataclass
class MediaSource:
    """Where an import finds uploaded images: this site's storage, then `directory`.

    A dry run (`store=False`) checks the files but stores none.
    """

    directory: Path | None = None
    store: bool = True

    def resolve(self, url: str) -> str | None:
        """The storage name for the image at `url`, storing it from `directory` when
        needed; None when neither has it. Raises MediaError for a file we refuse."""
        own = own_name(url)
        if own is not None and default_storage.exists(own):
            return own
        found = self.find(url)
        if found is None:
            return None
        name, path = found
        return self.save(name, path)

    def find(self, url: str) -> tuple[str, Path] | None:
        """The longest end of the URL's path naming a file in `directory`."""
        if self.directory is None:
            return None
        parts = [part for part in unquote(urlsplit(url).path).split("/") if part]
        if any(part in (".", "..") for part in parts):
            return None
        for start in range(len(parts)):
            path = self.directory.joinpath(*parts[start:])
            if path.is_file():
                return "/".join(parts[start:]), path
        return None

    def save(self, name: str, path: Path) -> str:
        with path.open("rb") as fp:
            try:
                content, _ = clean_copy(fp)
            except ValidationError as error:
                raise MediaError(f"{path.name}: {' '.join(error.messages)}") from None
        # The extension of the format decoding found, whatever the file was called.
        name = posixpath.splitext(name)[0] + posixpath.splitext(content.name)[1]
        if stored_equal(name, content.read()) or not self.store:
            return name  # stored by an earlier run of the same file, or a dry run
        content.seek(0)
        return default_storage.save(name, content)


def own_name(url: str) -> str | None:
    """The storage name whose absolute URL is `url`, when `url` is this site's media."""
    marker = "__name__"
    prefix = absolute_url(default_storage.url(marker)).removesuffix(marker)
    if not url.startswith(prefix):
        return None
    name = unquote(url[len(prefix) :])
    return name if name and ".." not in name.split("/") else None


def stored_equal(name: str, data: bytes) -> bool:
    if not default_storage.exists(name) or default_storage.size(name) != len(data):
        return False
    with default_storage.open(name, "rb") as fp:
        return fp.read() == data
