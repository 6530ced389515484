"""The package generated from tests/fixtures/wire/openapi.yaml, client against server over a real
127.0.0.1 socket: every parameter style, security scheme, body kind, paging and error shape of
the spec arrives as the spec says, sync and async."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import subprocess
import sys
import tracemalloc
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.responses import JSONResponse

from tests.conftest import LiveServer, generate_package

SPEC = Path(__file__).parent / "fixtures" / "wire" / "openapi.yaml"
KEY, USER, PASSWORD, JWT = "key-1", "ann", "s3cret \u00e9", "jwt-1"
PAYLOAD = os.urandom(200_000)
UNBOUNDED = 1000  # the attachment id whose upload the implementation streams through
EXPIRES = "2016-12-31T23:57:57.2481234-08:00"  # seven fractional digits, as Graph writes them


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    module: ModuleType = generate_package(
        tmp_path_factory.mktemp("wire"), SPEC.read_text("utf-8"), "wirepkg"
    )
    return module


def _impl(pkg: ModuleType) -> Any:
    models, server, headers = pkg.models, pkg.server, pkg.headers

    class Wire(server.NotImplementedApi):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            self.items = {
                n: models.Item(id=n, name=f"item {n}", tags=["a", "b"]) for n in range(1, 6)
            }
            self.seen: dict[str, Any] = {}
            self.attachments: dict[int, bytes] = {}
            self.tokens: list[str] = []

        async def check_credential(self, credential: Any, scopes: Sequence[str]) -> bool:
            if credential.scheme == "api_key":
                return bool(credential.value == KEY)
            if credential.scheme == "basic":
                return bool((credential.username, credential.password) == (USER, PASSWORD))
            if credential.scheme == "bearer":
                return bool(credential.value == JWT)
            return credential.value in self.tokens and "reports.read" in scopes

        async def list_items(self, **found: Any) -> Any:
            self.seen = found
            skip, top = found["skip"] or 0, found["top"] or 2
            page = list(self.items.values())[skip : skip + top]
            more = skip + top < len(self.items)
            link = {"@odata.nextLink": f"/items?$top={top}&$skip={skip + top}"} if more else {}
            body = models.ItemPage.model_validate({"value": page, **link})
            return server.Reply(body, headers={"X-Total-Count": len(self.items)})

        async def create_item(self, body: Any) -> Any:
            if body.name == "taken":
                raise server.HttpError(409, models.Problem(title="taken", status=409))
            for item in self.items.values():
                if item.name == body.name:
                    found = headers.CreateItemHeaders200(etag=f'"{item.id}"', x_rate_limit=7)
                    return server.Reply(item, 200, headers=found)
            item = models.Item(id=len(self.items) + 1, name=body.name, labels=body.labels)
            self.items[item.id] = item
            return server.Reply(item, 201, headers={"X-Expires-After": EXPIRES})

        async def get_item(self, *, id: int) -> Any:
            if id not in self.items:
                raise server.HttpError(
                    404,
                    models.NotFound(missingId=id, title="no such item"),
                    headers.GetItemHeaders404(x_rate_limit=98),
                )
            if self.items[id].name == "no rate limit":
                return server.Reply(self.items[id], headers={"ETag": f'"{id}"'})
            if self.items[id].name == "bad rate limit":
                return server.Reply(self.items[id], headers={"ETag": "x", "X-Rate-Limit": "lots"})
            documented = headers.GetItemHeaders(
                etag=f'"{id}"',
                x_rate_limit=99,
                x_expires_after=pkg.DateTimeOffset(EXPIRES),
                x_item_tags=self.items[id].tags,
                x_quota=models.Quota(used=id, limit=10),
            )
            return server.Reply(self.items[id], headers=documented)

        async def match_tags(self, *, id: int, tags: list[str]) -> list[str]:
            return [tag for tag in tags if tag in (self.items[id].tags or [])]

        async def upload_attachment(self, body: Any, *, id: int) -> Any:
            if id == UNBOUNDED:  # hashed as it arrives, never held whole
                digest, chunks, largest = hashlib.sha256(), 0, 0
                async for chunk in body:
                    digest.update(chunk)
                    chunks, largest = chunks + 1, max(largest, len(chunk))
                self.seen = {"chunks": chunks, "largest": largest, "length": body.content_length}
                return server.Reply(None, headers={"X-Checksum": digest.hexdigest()})
            self.attachments[id] = data = await body.read(limit=len(PAYLOAD))
            return server.Reply(None, headers={"X-Checksum": hashlib.sha256(data).hexdigest()})

        async def download_attachment(self, *, id: int) -> Any:
            data = self.attachments[id]

            async def chunks() -> AsyncIterator[bytes]:
                for start in range(0, len(data), 65536):
                    yield data[start : start + 65536]

            return chunks()

        async def add_photo(self, body: Any, *, id: int) -> Any:
            return models.PhotoMeta(caption=f"{body.meta.caption} #{id}", size=len(body.photo))

        async def list_reports(self, *, page: int | None) -> Any:
            number = page or 1
            reports = [models.Report(id=f"r{number}-{i}") for i in range(2)]
            if number < 3:
                return server.Reply(
                    reports, headers={"Link": f'</reports?page={number + 1}>; rel="next"'}
                )
            return reports

        async def ping(self) -> str:
            return "pong"

        async def echo_text(self, body: str) -> str:
            return body.upper()

    return Wire()


@pytest.fixture(scope="module")
def served(pkg: ModuleType) -> Iterator[tuple[LiveServer, Any]]:
    impl = _impl(pkg)
    app = pkg.server.create_app(impl)

    async def token(request: Request) -> JSONResponse:
        form = (await request.body()).decode()
        assert "grant_type=client_credentials" in form
        assert (
            request.headers["authorization"] == "Basic " + base64.b64encode(b"app:secret").decode()
        )
        impl.tokens.append(f"oauth-{len(impl.tokens) + 1}")
        return JSONResponse(
            {"access_token": impl.tokens[-1], "token_type": "Bearer", "expires_in": 3600}
        )

    app.add_api_route("/oauth/token", token, methods=["POST"])
    with LiveServer(app) as server:
        yield server, impl


def _client(
    pkg: ModuleType, url: str, seen: list[httpx.Request] | None = None, **options: Any
) -> Any:
    hooks = {"request": [seen.append]} if seen is not None else {}
    return pkg.client.Client(url, http_client=httpx.Client(event_hooks=hooks), **options)


def test_every_parameter_style_arrives_typed(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, impl = served
    seen: list[httpx.Request] = []
    with _client(pkg, server.url, seen, credentials={"api_key": KEY}) as client:
        page = client.list_items(
            filter=pkg.models.Filter(tag="a", min=2),
            ids=[1, 2],
            words=["x", "y"],
            sort=["name", "-id"],
            q="a/b?c",
            where={"k": "v"},
            x_trace=["t1", "t2"],
            prefs=["p", "q"],
        )
    assert [item.id for item in page.value] == [1, 2]
    sent = seen[0]
    assert sent.url.query.decode() == (
        "filter[tag]=a&filter[min]=2&ids=1|2&words=x%20y&sort=name,-id&q=a/b?c"
        "&where=%7B%22k%22%3A%22v%22%7D"
    )
    assert (sent.headers["x-api-key"], sent.headers["x-trace"], sent.headers["cookie"]) == (
        KEY,
        "t1,t2",
        "prefs=p,q",
    )
    assert "authorization" not in sent.headers
    assert impl.seen["filter"] == pkg.models.Filter(tag="a", min=2)
    assert impl.seen["ids"] == [1, 2] and impl.seen["where"] == {"k": "v"}
    assert (impl.seen["x_trace"], impl.seen["prefs"], impl.seen["q"]) == (
        ["t1", "t2"],
        ["p", "q"],
        "a/b?c",
    )


def test_label_and_matrix_path_parameters(pkg: ModuleType, served: tuple[LiveServer, Any]) -> None:
    server, _ = served
    seen: list[httpx.Request] = []
    with _client(pkg, server.url, seen, credentials={"api_key": KEY}) as client:
        assert client.match_tags(id=3, tags=["b", "z"]) == ["b"]
        assert client.items.by_id(3).tags.by_tags(["a"]).get() == ["a"]
    assert seen[0].url.raw_path == b"/items/.3/tags/;tags=b;tags=z"


def test_credentials_follow_each_operations_requirements(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, _ = served
    ApiError = pkg.client.ApiError
    with _client(pkg, server.url) as anonymous:
        assert anonymous.ping() == "pong"
        assert anonymous.echo_text("hi") == "HI"
        with pytest.raises(ApiError) as refused:
            anonymous.get_item(id=1)
    assert refused.value.status_code == 401
    assert (
        refused.value.headers["www-authenticate"]
        == 'ApiKey realm="WireAPI", in="header", name="X-API-Key"'
    )
    wrong = _client(pkg, server.url, credentials={"basic": (USER, "wrong")})
    with wrong, pytest.raises(ApiError) as bad_password:
        wrong.create_item(pkg.models.NewItem(name="n"))
    assert (
        bad_password.value.headers["www-authenticate"] == 'Basic realm="WireAPI", charset="UTF-8"'
    )
    seen: list[httpx.Request] = []
    with _client(
        pkg, server.url, seen, credentials={"basic": lambda: (USER, PASSWORD), "api_key": KEY}
    ) as client:
        created = client.create_item_with_response(pkg.models.NewItem(name="fresh"))
    assert created.status_code == 201 and created.headers["location"].endswith(
        f"/items/{created.body.id}"
    )
    assert (
        seen[0].headers["authorization"].startswith("Basic ") and "x-api-key" not in seen[0].headers
    )


def test_several_success_statuses_and_response_headers(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, _ = served
    with _client(
        pkg, server.url, credentials={"basic": (USER, PASSWORD), "api_key": KEY}
    ) as client:
        again = client.create_item_with_response(pkg.models.NewItem(name="item 1"))
        assert (again.status_code, again.body.id) == (200, 1)
        found = client.get_item_with_response(id=2)
        assert (found.body.name, found.headers["etag"]) == ("item 2", '"2"')
        assert client.list_items_with_response().headers["x-total-count"] == str(
            len(served[1].items)
        )


def test_documented_response_headers_arrive_typed(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, _ = served
    headers = pkg.headers
    with _client(
        pkg, server.url, credentials={"basic": (USER, PASSWORD), "api_key": KEY}
    ) as client:
        found = client.get_item_with_response(id=2)
        created = client.create_item_with_response(pkg.models.NewItem(name="headed"))
        again = client.create_item_with_response(pkg.models.NewItem(name="item 3"))
        with pytest.raises(pkg.client.ApiError) as missing:
            client.get_item(id=99)
    # On the wire, as the OpenAPI style table writes header values (simple style).
    assert (found.headers["x-item-tags"], found.headers["x-quota"]) == ("a,b", "used=2,limit=10")
    assert (found.headers["x-rate-limit"], found.headers["x-expires-after"]) == ("99", EXPIRES)
    typed = found.parsed_headers
    assert isinstance(typed, headers.GetItemHeaders)
    assert (typed.etag, typed.x_rate_limit, typed.x_item_tags) == ('"2"', 99, ["a", "b"])
    assert typed.x_quota == pkg.models.Quota(used=2, limit=10)
    assert isinstance(typed.x_expires_after, pkg.DateTimeOffset)
    assert str(typed.x_expires_after) == EXPIRES  # every digit and the offset as sent
    # Two success statuses, each with its own documented headers.
    assert created.status_code == 201
    assert isinstance(created.parsed_headers, headers.CreateItemHeaders201)
    assert created.parsed_headers.location.endswith(f"/items/{created.body.id}")
    assert str(created.parsed_headers.x_expires_after) == EXPIRES
    assert again.status_code == 200
    assert again.parsed_headers == headers.CreateItemHeaders200(etag='"3"', x_rate_limit=7)
    # A documented error's headers, typed too.
    assert missing.value.parsed_headers == headers.GetItemHeaders404(x_rate_limit=98)
    with _client(
        pkg, server.url, credentials={"oauth": pkg.client.ClientCredentials("app", "secret")}
    ) as client:
        page = client.list_reports_with_response()
    assert page.parsed_headers == headers.ListReportsHeaders(link='</reports?page=2>; rel="next"')


def test_a_missing_or_unreadable_documented_header_is_a_clear_error(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, impl = served
    impl.items[41] = pkg.models.Item(id=41, name="no rate limit")
    impl.items[42] = pkg.models.Item(id=42, name="bad rate limit")
    HeaderError = pkg.client.HeaderError
    try:
        with _client(pkg, server.url, credentials={"api_key": KEY}) as client:
            assert client.get_item(id=41).name == "no rate limit"  # the body alone still reads
            unsent = client.get_item_with_response(id=41)
            unreadable = client.get_item_with_response(id=42)
    finally:
        del impl.items[41], impl.items[42]
    with pytest.raises(HeaderError, match="getItem: response 200: header X-Rate-Limit: required"):
        _ = unsent.parsed_headers
    with pytest.raises(HeaderError, match="getItem: response 200: header X-Rate-Limit: 'lots'"):
        _ = unreadable.parsed_headers
    assert unreadable.headers["x-rate-limit"] == "lots"  # the raw headers stay readable


def test_documented_errors_carry_their_typed_models(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, _ = served
    ApiError, models = pkg.client.ApiError, pkg.models
    with _client(
        pkg, server.url, credentials={"basic": (USER, PASSWORD), "api_key": KEY}
    ) as client:
        with pytest.raises(ApiError) as missing:
            client.get_item(id=99)
        assert (
            isinstance(missing.value.error, models.NotFound)
            and missing.value.error.missing_id == 99
        )
        assert missing.value.headers["content-type"] == "application/problem+json"
        assert missing.value.request_id
        with pytest.raises(ApiError) as taken:
            client.create_item(models.NewItem(name="taken"))
        assert isinstance(taken.value.error, models.Problem) and taken.value.error.status == 409
        with pytest.raises(ApiError) as invalid:
            client.create_item({"labels": {"a": "b"}})  # no name: the server's own 400
        assert (
            isinstance(invalid.value.error, models.Error)
            and invalid.value.error.code == "BadRequest"
        )


def test_the_caller_chooses_the_request_media_type(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, impl = served
    seen: list[httpx.Request] = []
    with _client(pkg, server.url, seen, credentials={"basic": (USER, PASSWORD)}) as client:
        body = pkg.models.NewItem(name="by form", labels={"colour": "red"})
        created = client.create_item(body, media_type="application/x-www-form-urlencoded")
    assert seen[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen[0].content == b"name=by%20form&labels[colour]=red"
    assert impl.items[created.id].labels == {"colour": "red"}


def test_pages_are_followed_by_next_link_and_by_link_header(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, impl = served
    with _client(pkg, server.url, credentials={"api_key": KEY}) as client:
        names = [item.name for item in client.iter_list_items(top=2)]
    assert names == [item.name for item in impl.items.values()]
    grant = pkg.client.ClientCredentials("app", "secret")
    fetched = len(impl.tokens)
    with _client(pkg, server.url, credentials={"oauth": grant}) as client:
        reports = [report.id for report in client.iter_list_reports()]
    assert reports == ["r1-0", "r1-1", "r2-0", "r2-1", "r3-0", "r3-1"]
    assert len(impl.tokens) == fetched + 1  # fetched once, reused for every page


def test_streams_and_files_both_ways(
    pkg: ModuleType, served: tuple[LiveServer, Any], tmp_path: Path
) -> None:
    server, _ = served
    source = tmp_path / "upload.bin"
    source.write_bytes(PAYLOAD)
    with _client(pkg, server.url, credentials={"bearer": JWT, "api_key": KEY}) as client:
        stored = client.upload_attachment_with_response(source, id=1)
        assert stored.status_code == 204
        assert stored.headers["x-checksum"] == hashlib.sha256(PAYLOAD).hexdigest()
        client.upload_attachment(iter([PAYLOAD[:1000], PAYLOAD[1000:]]), id=2)
        with client.download_attachment_stream(id=1) as download:
            assert download.save(tmp_path / "back.bin") == len(PAYLOAD)
        assert (tmp_path / "back.bin").read_bytes() == PAYLOAD
        assert client.download_attachment(id=2) == PAYLOAD
    with _client(
        pkg, server.url, credentials={"api_key": KEY, "basic": (USER, PASSWORD)}
    ) as client:
        photo = pkg.client.File(source, content_type="image/png")
        meta = client.add_photo({"meta": pkg.models.PhotoMeta(caption="cat"), "photo": photo}, id=7)
    assert (meta.caption, meta.size) == ("cat #7", len(PAYLOAD))


def test_a_binary_upload_larger_than_the_body_limit_streams_through(
    pkg: ModuleType, served: tuple[LiveServer, Any]
) -> None:
    server, impl = served
    size, piece = 12 * 1024 * 1024, 256 * 1024
    assert size > pkg.server.MAX_BODY_BYTES
    expected = hashlib.sha256()

    def made_on_the_fly() -> Iterator[bytes]:
        for index in range(size // piece):
            chunk = hashlib.sha256(str(index).encode()).digest() * (piece // 32)
            expected.update(chunk)
            yield chunk

    with _client(pkg, server.url, credentials={"bearer": JWT}) as client:
        tracemalloc.start()  # the server runs in this process: its memory is counted too
        try:
            stored = client.upload_attachment_with_response(made_on_the_fly(), id=UNBOUNDED)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert stored.status_code == 204
    assert peak < size // 4, f"{peak} bytes held at once for a {size}-byte upload"
    assert stored.parsed_headers.x_checksum == expected.hexdigest()
    # Handed over as the connection delivered it: many chunks, none near the whole body.
    assert impl.seen["chunks"] > 1 and impl.seen["largest"] <= size // 4
    assert impl.seen["length"] is None  # sent chunked, with no declared length
    client = _client(pkg, server.url, credentials={"bearer": JWT})
    with client, pytest.raises(pkg.client.ApiError) as refused:
        client.upload_attachment(PAYLOAD + b"!", id=1)  # read() past the method's limit
    assert refused.value.status_code == 413


def test_the_async_client_does_the_same(pkg: ModuleType, served: tuple[LiveServer, Any]) -> None:
    server, impl = served

    async def token() -> str:
        return JWT

    async def run() -> tuple[list[int], bytes, Any, Any]:
        async with pkg.client.AsyncClient(
            server.url, credentials={"api_key": KEY, "bearer": token}
        ) as client:
            ids = [item.id async for item in client.iter_list_items(top=3)]

            async def chunks() -> AsyncIterator[bytes]:
                yield PAYLOAD[:10]
                yield PAYLOAD[10:]

            await client.upload_attachment(chunks(), id=3)
            back = await (await client.download_attachment_stream(id=3)).read()
            with pytest.raises(pkg.client.ApiError) as missing:
                await client.get_item(id=404)
            found = await client.get_item_with_response(id=1)
            return ids, back, missing.value, found.parsed_headers

    ids, back, error, found = asyncio.run(run())
    assert ids == list(impl.items)
    assert back == PAYLOAD
    assert isinstance(error.error, pkg.models.NotFound)
    assert error.parsed_headers == pkg.headers.GetItemHeaders404(x_rate_limit=98)
    assert (found.etag, found.x_rate_limit, str(found.x_expires_after)) == ('"1"', 99, EXPIRES)


def test_the_generated_package_passes_mypy_strict(pkg: ModuleType) -> None:
    folder = Path(str(pkg.__file__)).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", folder.name],
        cwd=folder.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
