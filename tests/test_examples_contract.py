"""The documented examples are the contract: client, server and models reproduce them exactly.

Every case comes from the examples in spec/openapi.yaml; nothing here copies an example.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from generated import models
from generated.client import AsyncClient, Client
from tests.conftest import (
    ExampleCase,
    LiveServer,
    client_method,
    documented_examples,
    request_model,
)

CASES = documented_examples()
TOKEN = "secret-token"


def test_the_spec_documents_at_least_one_exchange() -> None:
    assert CASES, "spec/openapi.yaml must carry documented request/response examples"
    seed = [
        c
        for c in CASES
        if c.operation_id == "deviceAppManagement.CreateEnterpriseCodeSigningCertificates"
    ]
    assert seed and seed[0].status == 201


@pytest.mark.parametrize("case", CASES, ids=str)
def test_client_puts_the_documented_request_on_the_wire(case: ExampleCase) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(case.status, json=case.response)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Client("https://graph.example.test/beta", token=TOKEN, http_client=http) as client:
        body = request_model(case.operation_id).model_validate(case.request)
        client_method(client, case.operation_id)(body)
    (request,) = sent
    assert request.method == case.method.upper()
    assert request.url.path == "/beta" + case.path
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == case.request


@pytest.mark.parametrize("case", CASES, ids=str)
def test_server_answers_the_documented_response(
    case: ExampleCase, live_server: LiveServer, reference_impl: Any
) -> None:
    response = httpx.request(
        case.method.upper(),
        live_server.url + case.path,
        content=json.dumps(case.request).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == case.status, response.text
    answer = response.json()
    assigned = answer.pop("id")
    expected = dict(case.response)
    expected.pop("id")
    assert answer == expected
    assert isinstance(assigned, str) and assigned
    assert response.headers["location"] == f"{live_server.url}{case.path}/{assigned}"
    assert assigned in reference_impl.certificates


@pytest.mark.parametrize("case", CASES, ids=str)
def test_documented_response_parses_to_typed_values_and_dumps_back_exactly(
    case: ExampleCase,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(case.status, json=case.response)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Client("https://graph.example.test/beta", token=TOKEN, http_client=http) as client:
        created = client_method(client, case.operation_id)(
            request_model(case.operation_id).model_validate(case.request)
        )
    assert json.loads(created.model_dump_json()) == case.response
    for wire_name, value in case.response.items():
        field = getattr(created, _python_name(created, wire_name))
        if wire_name.endswith("DateTime"):
            assert isinstance(field, datetime) and field.utcoffset() is not None
            assert str(field) == value
        elif wire_name == "content":
            assert isinstance(field, bytes)
        elif wire_name == "status":
            assert isinstance(field, models.CertificateStatus)
            assert field.value == value


def _python_name(model: Any, wire_name: str) -> str:
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == wire_name:
            return str(name)
    raise KeyError(wire_name)


def test_seed_values_survive_exactly() -> None:
    """The values every peer loses: the 7th fractional digit, the binary content, the offset."""
    (case,) = [c for c in CASES if c.status == 201]
    created = models.EnterpriseCodeSigningCertificate.model_validate_json(json.dumps(case.response))
    expiration = created.expiration_date_time
    assert isinstance(expiration, datetime)
    assert str(expiration) == case.response["expirationDateTime"]
    assert expiration.utcoffset() == timedelta(hours=-8)
    assert created.content == b"content"
    assert (
        json.loads(created.model_dump_json())["expirationDateTime"]
        == case.response["expirationDateTime"]
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_generated_client_and_server_agree_over_http(
    case: ExampleCase, live_server: LiveServer
) -> None:
    with Client(live_server.url, token=TOKEN) as client:
        created = client_method(client, case.operation_id)(
            request_model(case.operation_id).model_validate(case.request)
        )
    answer = json.loads(created.model_dump_json())
    assert answer.pop("id")
    assert answer == {k: v for k, v in case.response.items() if k != "id"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_async_client_agrees_with_the_server(case: ExampleCase, live_server: LiveServer) -> None:
    async def call() -> Any:
        async with AsyncClient(live_server.url, token=TOKEN) as client:
            method = client_method(client, case.operation_id)
            return await method(request_model(case.operation_id).model_validate(case.request))

    created = asyncio.run(call())
    answer = json.loads(created.model_dump_json())
    assert answer.pop("id")
    assert answer == {k: v for k, v in case.response.items() if k != "id"}
