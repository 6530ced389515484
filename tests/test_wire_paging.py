"""Pages: RFC 8288's Link examples, Graph's @odata.nextLink, and bounded iteration."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from stubforge.runtime.paging import (
    Link,
    PaginationLoop,
    Paging,
    iter_items,
    iter_items_async,
    parse_link_header,
)

BASE = "http://example.com/TheBook/chapter3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (  # RFC 8288 §3.5, each example in turn
            '<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter"',
            [("http://example.com/TheBook/chapter2", ("previous",), "previous chapter")],
        ),
        (
            '</>; rel="http://example.net/foo"',
            [("http://example.com/", ("http://example.net/foo",), None)],
        ),
        (
            '</terms>; rel="copyright"; anchor="#foo"',
            [("http://example.com/terms", ("copyright",), None)],
        ),
        (
            "</TheBook/chapter2>; rel=\"previous\"; title*=UTF-8'de'letztes%20Kapitel, "
            "</TheBook/chapter4>; rel=\"next\"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel",
            [
                ("http://example.com/TheBook/chapter2", ("previous",), "letztes Kapitel"),
                ("http://example.com/TheBook/chapter4", ("next",), "nächstes Kapitel"),
            ],
        ),
        (
            '<http://example.org/>; rel="start http://example.net/relation/other"',
            [("http://example.org/", ("start", "http://example.net/relation/other"), None)],
        ),
        (
            '<https://example.org/>; rel="start", <https://example.org/index>; rel="index"',
            [
                ("https://example.org/", ("start",), None),
                ("https://example.org/index", ("index",), None),
            ],
        ),
        (  # commas inside quotes and <...> do not split; unquoted tokens and odd spacing are fine
            '<https://a.test/p?x=1,2>;rel=next ; title="a, \\"b\\"" ,<https://a.test/1>; REL="First"',
            [
                ("https://a.test/p?x=1,2", ("next",), 'a, "b"'),
                ("https://a.test/1", ("first",), None),
            ],
        ),
    ],
)
def test_rfc_8288_link_headers(
    value: str, expected: list[tuple[str, tuple[str, ...], str | None]]
) -> None:
    links = parse_link_header(value, BASE)
    assert [(link.target, link.rel, link.params.get("title")) for link in links] == expected


def test_the_anchor_and_first_rel_are_kept_as_sent() -> None:
    (link,) = parse_link_header('</terms>; rel="copyright"; rel="other"; anchor="#foo"')
    assert link == Link("/terms", ("copyright",), {"rel": "copyright", "anchor": "#foo"})
    assert parse_link_header("not a link") == []


def _graph_pages(pages: list[dict[str, Any]]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params.get("page", "0"))
        return httpx.Response(200, json=pages[index])

    return httpx.MockTransport(answer)


def _walk(
    transport: httpx.MockTransport, paging: Paging | None = None, **options: Any
) -> list[Any]:
    with httpx.Client(transport=transport) as http:
        return list(
            iter_items(
                lambda: http.get("https://graph.test/v1/users?$top=2"),
                http.get,
                lambda response: response.json(),
                lambda page: page["value"] if isinstance(page, dict) else page,
                paging or Paging(),
                **options,
            )
        )


def test_odata_next_links_are_followed_to_the_last_page() -> None:
    pages: list[dict[str, Any]] = [
        {"value": [1, 2], "@odata.nextLink": "https://graph.test/v1/users?page=1"},
        {"value": [3, 4], "@odata.nextLink": "/v1/users?page=2"},
        {"value": [5]},
    ]
    assert _walk(_graph_pages(pages)) == [1, 2, 3, 4, 5]
    assert _walk(_graph_pages(pages), max_pages=2) == [1, 2, 3, 4]


def test_x_ms_pageable_names_its_own_fields() -> None:
    pages: list[dict[str, Any]] = [
        {"items": ["a"], "next": "?page=1"},
        {"items": ["b"], "next": None},
    ]
    paging = Paging(next_link="next", items="items")
    with httpx.Client(transport=_graph_pages(pages)) as http:
        found = iter_items(
            lambda: http.get("https://svc.test/things"),
            http.get,
            lambda response: response.json(),
            lambda page: page[paging.items],
            paging,
        )
        assert list(found) == ["a", "b"]


def test_a_repeated_next_link_ends_with_an_error_not_a_loop() -> None:
    looping: list[dict[str, Any]] = [
        {"value": [1], "@odata.nextLink": "https://graph.test/v1/users?page=1"},
        {"value": [2], "@odata.nextLink": "https://graph.test/v1/users?page=1"},
    ]
    with pytest.raises(PaginationLoop, match="repeats"):
        _walk(_graph_pages(looping))
    elsewhere: list[dict[str, Any]] = [
        {"value": [1], "@odata.nextLink": "https://evil.test/steal?page=1"}
    ]
    with pytest.raises(PaginationLoop, match="origin"):
        _walk(_graph_pages(elsewhere))


def _link_pages(count: int) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        headers = {}
        if page < count:
            headers["link"] = (
                f'<https://api.test/repos?page={page + 1}>; rel="next", '
                f'<https://api.test/repos?page={count}>; rel="last"'
            )
        return httpx.Response(200, json=[page * 10, page * 10 + 1], headers=headers)

    return answer


def test_link_headers_are_followed_sync_and_async() -> None:
    with httpx.Client(transport=httpx.MockTransport(_link_pages(3))) as http:
        found = iter_items(
            lambda: http.get("https://api.test/repos"),
            http.get,
            lambda r: r.json(),
            lambda page: page,
            Paging(next_link="", items=""),
        )
        assert list(found) == [10, 11, 20, 21, 30, 31]

    async def run() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(_link_pages(2))) as http:
            return [
                item
                async for item in iter_items_async(
                    lambda: http.get("https://api.test/repos"),
                    http.get,
                    lambda r: r.json(),
                    lambda page: page,
                )
            ]

    assert asyncio.run(run()) == [10, 11, 20, 21]


def test_pages_are_fetched_only_as_iteration_reaches_them() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return _link_pages(5)(request)

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        found = iter_items(
            lambda: http.get("https://api.test/repos"), http.get, lambda r: r.json(), lambda p: p
        )
        assert [next(found), next(found), next(found)] == [10, 11, 20]
        assert len(seen) == 2
