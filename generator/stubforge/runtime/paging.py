"""Following pages: ``@odata.nextLink`` (and Graph's ``x-ms-pageable``) and RFC 8288 ``Link``.

A page's next URL comes from a body field (``nextLinkName``, ``@odata.nextLink`` by default)
or else from a ``Link: <...>; rel="next"`` header. Iteration is bounded: a next link already
visited ends it with ``PaginationLoop`` instead of looping forever, and a link to another
origin is refused, since following it would send the caller's credentials elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

if TYPE_CHECKING:
    import httpx
else:
    from .lazy import httpx

__all__ = [
    "Link",
    "PaginationLoop",
    "Paging",
    "iter_items",
    "iter_items_async",
    "next_url",
    "parse_link_header",
]

P = TypeVar("P")
T = TypeVar("T")


class PaginationLoop(Exception):
    """A next link pointed back to a page already read, or away from the service's origin."""


@dataclass(frozen=True)
class Link:
    """One link of a ``Link`` header: its target, relation types and other parameters."""

    target: str
    rel: tuple[str, ...]
    params: dict[str, str] = field(default_factory=dict)


_TOKEN: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED: Final = r'"(?:[^"\\]|\\.)*"'
_LINK_VALUE: Final = re.compile(r"\s*<([^>]*)>")
_PARAM: Final = re.compile(rf"\s*;\s*({_TOKEN}\*?)\s*(?:=\s*({_TOKEN}|{_QUOTED}))?")
_SEPARATOR: Final = re.compile(r"\s*(,|$)")


def _unquote_string(text: str) -> str:
    if len(text) >= 2 and text[0] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _ext_value(text: str) -> str:
    """An RFC 8187 ``charset'lang'value`` parameter value, decoded."""
    charset, _, rest = text.partition("'")
    _, _, value = rest.partition("'")
    try:
        return unquote(value, encoding=charset or "utf-8", errors="strict")
    except (LookupError, UnicodeDecodeError):
        return value


def parse_link_header(value: str, base: str = "") -> list[Link]:
    """The links of one ``Link`` field value (RFC 8288 §3), targets resolved against ``base``.

    Commas inside ``<...>`` and quoted strings do not split links. Parameter names are lower
    case; a starred (``title*``) parameter is decoded and also kept under its plain name. Only
    the first occurrence of a parameter counts (§3.3 for ``rel``). A malformed remainder ends
    parsing, keeping the links read so far.
    """
    links: list[Link] = []
    position = 0
    while position < len(value):
        target = _LINK_VALUE.match(value, position)
        if target is None:
            break
        position = target.end()
        params: dict[str, str] = {}
        while (param := _PARAM.match(value, position)) is not None:
            position = param.end()
            name = param.group(1).lower()
            raw = _unquote_string(param.group(2) or "")
            if name.endswith("*"):
                name = name[:-1]
                raw = _ext_value(raw)
                params[name] = raw
            else:
                params.setdefault(name, raw)
        separator = _SEPARATOR.match(value, position)
        if separator is None:
            break
        position = separator.end()
        rel = tuple(part.lower() for part in params.get("rel", "").split())
        links.append(Link(urljoin(base, target.group(1)) if base else target.group(1), rel, params))
        if not separator.group(1):
            break
    return links


@dataclass(frozen=True)
class Paging:
    """Where a page keeps its items and its next link.

    ``next_link`` names the body field holding the next URL (empty: only the ``Link`` header);
    ``items`` names the field holding the items (empty: the page is the list).
    """

    next_link: str = "@odata.nextLink"
    items: str = "value"
    link_header: bool = True


def next_url(response: httpx.Response, paging: Paging) -> str | None:
    """The absolute URL of the page after ``response``, or None on the last page."""
    base = str(response.request.url)
    if paging.next_link and "json" in response.headers.get("content-type", "json"):
        try:
            payload = json.loads(response.content) if response.content else None
        except ValueError:
            payload = None
        found = payload.get(paging.next_link) if isinstance(payload, dict) else None
        if isinstance(found, str) and found:
            return urljoin(base, found)
    if paging.link_header:
        for value in response.headers.get_list("link"):
            for link in parse_link_header(value, base):
                if "next" in link.rel:
                    return link.target
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class _Walk:
    """The bounds of one iteration: no page twice, no other origin, at most ``max_pages``."""

    def __init__(self, first: str, max_pages: int | None) -> None:
        self.seen = {first}
        self.origin = _origin(first)
        self.pages = 1
        self.max_pages = max_pages

    def admit(self, url: str | None) -> str | None:
        if url is None or (self.max_pages is not None and self.pages >= self.max_pages):
            return None
        if url in self.seen:
            raise PaginationLoop(f"the next link {url} repeats a page already read")
        if _origin(url) != self.origin:
            raise PaginationLoop(f"the next link {url} leaves the service's origin")
        self.seen.add(url)
        self.pages += 1
        return url


def iter_items(
    first: Callable[[], httpx.Response],
    follow: Callable[[str], httpx.Response],
    parse: Callable[[httpx.Response], P],
    items: Callable[[P], Iterable[T]],
    paging: Paging = Paging(),
    max_pages: int | None = None,
) -> Iterator[T]:
    """Every item of every page: ``first()`` sends the first request, ``follow(url)`` the rest.

    Pages are fetched as the iteration reaches them, never ahead.
    """
    response = first()
    walk = _Walk(str(response.request.url), max_pages)
    while True:
        yield from items(parse(response))
        url = walk.admit(next_url(response, paging))
        if url is None:
            return
        response = follow(url)


async def iter_items_async(
    first: Callable[[], Awaitable[httpx.Response]],
    follow: Callable[[str], Awaitable[httpx.Response]],
    parse: Callable[[httpx.Response], P],
    items: Callable[[P], Iterable[T]],
    paging: Paging = Paging(),
    max_pages: int | None = None,
) -> AsyncIterator[T]:
    """``iter_items`` for the async client."""
    response = await first()
    walk = _Walk(str(response.request.url), max_pages)
    while True:
        for item in items(parse(response)):
            yield item
        url = walk.admit(next_url(response, paging))
        if url is None:
            return
        response = await follow(url)
