"""The documented examples are the contract: client, server and models reproduce them exactly.

The checks of every documented exchange are the product's own: the contract tests that
``stubforge generate`` writes into generated/test_contract.py (``contract_tests = true``), run
here against the example-backed implementation and against reference/app.py. What follows them
checks the seed's contract independently, over a real socket: 201, ``Location``, exact values.
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
from generated.test_contract import SUITE, test_documented_exchange
from stubforge.verify.steps import TOKEN as VERIFY_TOKEN
from tests.conftest import (
    ExampleCase,
    LiveServer,
    client_method,
    documented_examples,
    request_model,
)

CASES = documented_examples()
TOKEN = "secret-token"

__all__ = ["test_documented_exchange"]


@pytest.fixture(params=["documented examples", "reference implementation"])
def contract_implementation(request: pytest.FixtureRequest) -> Any:
    """The generated contract tests run against each implementation in turn (this fixture
    replaces theirs, which would take a single ``stubforge_impl``)."""
    if request.param == "reference implementation":
        from reference.app import InMemoryCertificates

        return InMemoryCertificates(token=VERIFY_TOKEN)
    return None


def test_the_contract_tests_cover_every_documented_exchange() -> None:
    found = {(str(e), e.status) for e in SUITE.exchanges}
    assert found == {(str(c), str(c.status)) for c in CASES}


def test_the_spec_documents_at_least_one_exchange() -> None:
    assert CASES, "spec/openapi.yaml must carry documented request/response examples"
    seed = [
        c
        for c in CASES
        if c.operation_id == "deviceAppManagement.CreateEnterpriseCodeSigningCertificates"
    ]
    assert seed and seed[0].status == 201


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


def test_seed_values_survive_exactly() -> None:
    """The values every peer loses: the 7th fractional digit, the binary content, the offset."""
    (case,) = [c for c in CASES if c.status == 201]
    created = models.EnterpriseCodeSigningCertificate.model_validate_json(json.dumps(case.response))
    expiration = created.expiration_date_time
    assert isinstance(expiration, datetime)
    assert str(expiration) == case.response["expirationDateTime"]
    assert expiration.utcoffset() == timedelta(hours=-8)
    assert created.content == b"content"
    assert isinstance(created.status, models.CertificateStatus)
    assert created.status.value == case.response["status"]
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
