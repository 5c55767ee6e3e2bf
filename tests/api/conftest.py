"""Helpers for the content API's tests: get JSON, follow `next`, check the schema."""

from urllib.parse import urlsplit

import pytest

from api import schemas


def local(url: str) -> str:
    """An absolute API address (on SITE_URL) as the test client requests it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def api_get(client):
    """GET an API address; the response, with its JSON checked against `schema`
    (a schemas class) when given and the answer is a 200."""

    def get(url, schema=None, **headers):
        response = client.get(local(url), headers=headers)
        if schema is not None and response.status_code == 200:
            schema.model_validate(response.json())
        return response

    return get


@pytest.fixture
def walk(api_get):
    """Every item of a paged list, following `next` to the end; also the pages."""

    def follow(url, schema=schemas.ArticlePage, key="results"):
        items, pages = [], 0
        while url:
            response = api_get(url, schema)
            assert response.status_code == 200, response.content
            body = response.json()
            items += body[key]
            url = body["next"]
            pages += 1
            assert pages < 1000, "the list never ends"
        return items, pages

    return follow


@pytest.fixture
def refused():
    """Assert a 400 in JSON naming `parameter`, never stored by a cache."""

    def check(response, parameter: str):
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "no-store"
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert body["error"] == "bad_parameter"
        assert body["parameter"] == parameter
        assert body["detail"]
        schemas.Error.model_validate(body)

    return check
