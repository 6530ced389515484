"""Operation shapes from public specs, generated and sent to a real 127.0.0.1 server that
records the raw bytes: Twilio's form bodies with arrays, enums, booleans and dates; DigitalOcean's
list-valued query parameters whose items are root models; a defaulted request model sent with
only what the caller set (the documented request example in is the body out)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import LiveServer, generate_package

SPEC = Path(__file__).parent / "fixtures" / "wire-shapes" / "openapi.yaml"


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    module: ModuleType = generate_package(
        tmp_path_factory.mktemp("shapes"), SPEC.read_text("utf-8"), "shapespkg"
    )
    return module


class Recorder:
    """What the server received, byte for byte."""

    def __init__(self) -> None:
        self.query = b""
        self.body = b""
        self.content_type = ""

    async def record(self, request: Request) -> Response:
        self.query = request.scope["query_string"]
        self.body = await request.body()
        self.content_type = request.headers.get("content-type", "")
        return Response(status_code=202 if request.method == "POST" else 200)


@pytest.fixture(scope="module")
def recorder() -> Iterator[tuple[Recorder, str]]:
    seen = Recorder()
    app = Starlette(routes=[Route("/{path:path}", seen.record, methods=["GET", "POST"])])
    with LiveServer(app) as server:
        yield seen, server.url


def _example(path: str, method: str, media_type: str) -> Any:
    document = yaml.safe_load(SPEC.read_text("utf-8"))
    examples = document["paths"][path][method]["requestBody"]["content"][media_type]["examples"]
    return next(iter(examples.values()))["value"]


def test_form_arrays_enums_booleans_and_dates_follow_the_encoding_defaults(
    pkg: ModuleType, recorder: tuple[Recorder, str]
) -> None:
    seen, url = recorder
    models = pkg.models
    body = models.CreateWebhookRequest(
        friendly_name="name",
        event_types=["factor.deleted", "factor.verified"],
        webhook_url="https://owlbank.twilio.com",
        status=models.WebhookEnumStatus.disabled,
        channels=[models.WebhookEnumStatus.enabled, models.WebhookEnumStatus.disabled],
        enabled=False,
        ttl=300,
        expiration_date="2015-07-30T20:00:00.1234567Z",
        details_fields=['{"label": "Action"}'],
    )
    with pkg.client.Client(url, token="t") as client:
        client.create_webhook(body, service_sid="VA1")
    assert seen.content_type == "application/x-www-form-urlencoded"
    assert seen.body == (
        b"FriendlyName=name&EventTypes=factor.deleted&EventTypes=factor.verified"
        b"&WebhookUrl=https%3A%2F%2Fowlbank.twilio.com&Status=disabled"
        b"&Channels=enabled&Channels=disabled&Enabled=false&Ttl=300"
        b"&ExpirationDate=2015-07-30T20%3A00%3A00.1234567Z"
        b"&Details.Fields=%7B%22label%22%3A%20%22Action%22%7D"
    )


def test_the_documented_form_example_is_the_body_sent(
    pkg: ModuleType, recorder: tuple[Recorder, str]
) -> None:
    seen, url = recorder
    example = _example(
        "/v2/Services/{ServiceSid}/Webhooks", "post", "application/x-www-form-urlencoded"
    )
    with pkg.client.Client(url, token="t") as client:
        client.create_webhook(
            pkg.models.CreateWebhookRequest.model_validate(example), service_sid="VA1"
        )
        typed = seen.body
        client.create_webhook(example, service_sid="VA1")
    expected = (
        b"FriendlyName=name&EventTypes=factor.deleted&EventTypes=factor.verified"
        b"&WebhookUrl=https%3A%2F%2Fowlbank.twilio.com&Version=v2"
    )
    assert typed == expected
    assert seen.body == expected


def test_query_list_items_are_raw_text_whatever_their_type(
    pkg: ModuleType, recorder: tuple[Recorder, str]
) -> None:
    seen, url = recorder
    models = pkg.models
    with pkg.client.Client(url, token="t") as client:
        client.apps_list_job_invocations(
            app_id="a1",
            job_names=[models.Schema("component1"), models.Schema("component 2")],
            tag_name=models.Schema("x"),
            statuses=[models.WebhookEnumStatus.enabled, models.WebhookEnumStatus.disabled],
            with_projects=True,
            since="2016-12-31T23:57:57.2481234-08:00",
            page=2,
        )
    assert seen.query == (
        b"job_names=component1&job_names=component%202&tag_name=x"
        b"&statuses=enabled&statuses=disabled&with_projects=true"
        b"&since=2016-12-31T23%3A57%3A57.2481234-08%3A00&page=2"
    )


@pytest.mark.parametrize("client_class", ["Client", "AsyncClient"])
def test_the_documented_request_example_is_the_json_body_sent(
    pkg: ModuleType, recorder: tuple[Recorder, str], client_class: str
) -> None:
    seen, url = recorder
    example = _example("/v2/droplets", "post", "application/json")
    body = pkg.models.DropletCreate.model_validate(example)
    if client_class == "Client":
        with pkg.client.Client(url, token="t") as client:
            client.droplets_create(body)
    else:
        import asyncio

        async def send() -> None:
            async with pkg.client.AsyncClient(url, token="t") as client:
                await client.droplets_create(body)

        asyncio.run(send())
    assert json.loads(seen.body) == example  # no defaults the example left out
    assert list(json.loads(seen.body)) == list(example)


def test_a_property_set_to_its_default_is_sent_and_an_unset_one_is_not(
    pkg: ModuleType, recorder: tuple[Recorder, str]
) -> None:
    seen, url = recorder
    body = pkg.models.DropletCreate(name="n", size="s", image="i", monitoring=False)
    body.tags = []
    with pkg.client.Client(url, token="t") as client:
        client.droplets_create(body)
    assert json.loads(seen.body) == {
        "name": "n",
        "size": "s",
        "image": "i",
        "monitoring": False,
        "tags": [],
    }


def test_a_type_tag_is_sent_though_the_caller_left_it_at_its_default() -> None:
    from generated import models
    from generated._runtime.wire import encode_json

    certificate = models.EnterpriseCodeSigningCertificate(
        status=models.CertificateStatus.provisioned
    )
    assert json.loads(encode_json(models.EnterpriseCodeSigningCertificate, certificate)) == {
        "status": "provisioned",
        "@odata.type": "#microsoft.graph.enterpriseCodeSigningCertificate",
    }
    listed = json.loads(encode_json(list[models.Entity], [certificate]))
    assert listed[0]["@odata.type"] == "#microsoft.graph.enterpriseCodeSigningCertificate"
