"""Importing a generated client loads neither httpx nor pydantic; the first call does.

Each check that imports a generated package runs in a fresh interpreter, so that what this
one already imported (pytest loads pydantic and httpx) cannot hide an import.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

_FIRST_CALL = textwrap.dedent(
    """\
    import sys
    import split.client as client

    DEFERRED = ("httpx", "pydantic", "asyncio", "split._runtime.wire")
    print(sorted(m for m in DEFERRED if m in sys.modules))
    print(sorted(m for m in sys.modules if m.startswith("split.models.")))
    import httpx
    from split import models

    BODY = (
        b'{"id": "1", "status": "provisioned", "content": "Y29udGVudA==",'
        b' "expirationDateTime": "2016-12-31T23:57:57.2481234-08:00",'
        b' "uploadDateTime": "2016-12-31T23:58:46.5747426-08:00"}'
    )

    def answer(request):
        assert request.headers["authorization"] == "Bearer t"
        return httpx.Response(201, content=BODY, headers={"content-type": "application/json"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with client.Client("https://example.test", token="t", http_client=http) as api:
        sent = models.EnterpriseCodeSigningCertificate(
            content=b"content",
            status=models.CertificateStatus.provisioned,
            expiration_date_time="2016-12-31T23:57:57.2481234-08:00",
            upload_date_time="2016-12-31T23:58:46.5747426-08:00",
        )
        created = api.device_app_management.enterprise_code_signing_certificates.create(sent)
    print(type(created).__name__, created.expiration_date_time, created.content)
    import typing
    print(typing.get_type_hints(client.Client.__init__)["http_client"])
    """
)


def _run(code: str, cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_importing_a_split_client_defers_httpx_pydantic_and_every_model(tmp_path: Path) -> None:
    spec = str(ROOT / "spec" / "openapi.yaml")
    generate = [sys.executable, "-m", "stubforge", "generate", "--spec", spec, "--out", "split"]
    done = subprocess.run(
        [*generate, "--split-models-above", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    imported, models, called, annotation = _run(_FIRST_CALL, tmp_path)
    assert imported == "[]"
    assert models == "[]"
    assert called == (
        "EnterpriseCodeSigningCertificate 2016-12-31T23:57:57.2481234-08:00 b'content'"
    )
    # Annotations name the real httpx types at run time too (typing.get_type_hints).
    assert annotation == "httpx.Client | None"


def test_importing_a_client_with_one_models_module_defers_httpx() -> None:
    code = "import sys, generated.client\nprint('httpx' in sys.modules, 'pydantic' in sys.modules)"
    assert _run(code, ROOT) == ["False True"]


_STAND_IN = textwrap.dedent(
    """\
    import sys
    from generated._runtime.lazy import BaseModel, DeferredModule

    print(isinstance({}, BaseModel), issubclass(dict, BaseModel), "pydantic" in sys.modules)
    import pydantic

    class Model(pydantic.BaseModel):
        x: int = 0

    print(isinstance(Model(), BaseModel), isinstance(Model(), BaseModel | dict))
    print(issubclass(Model, BaseModel), isinstance(Model, BaseModel), isinstance(1, BaseModel))
    json = DeferredModule("json")
    print(repr(json).endswith("not loaded yet>"), json.dumps([1]), repr(json).endswith("loaded>"))
    missing = DeferredModule("no_such_module_anywhere")
    try:
        missing.anything
    except ModuleNotFoundError as error:
        print("refused:", error.name)
    """
)


def test_the_stand_ins_answer_as_the_real_module_and_class() -> None:
    assert _run(_STAND_IN, ROOT) == [
        "False False False",
        "True True",
        "True False False",
        "True [1] True",
        "refused: no_such_module_anywhere",
    ]
