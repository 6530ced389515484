"""Parse and serialise the documented entity with Microsoft's Kiota SDK model.

Runs inside bench/.venv-peers (``python -m bench.kiota_codec BODY ROUNDS ROUND_S``) and prints its
figures as JSON; it imports nothing from the project but the stdlib-only ``bench.measure``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter
from msgraph_beta.generated.models.enterprise_code_signing_certificate import (
    EnterpriseCodeSigningCertificate,
)

from bench.measure import throughput

CONTENT_TYPE = "application/json"


def main(argv: list[str]) -> int:
    body = Path(argv[0]).read_bytes()
    rounds, round_s = int(argv[1]), float(argv[2])
    factory = JsonParseNodeFactory()

    def parse() -> object:
        node = factory.get_root_parse_node(CONTENT_TYPE, body)
        return node.get_object_value(EnterpriseCodeSigningCertificate)

    parsed = parse()

    def serialise() -> bytes:
        writer = JsonSerializationWriter()
        writer.write_object_value(None, parsed)
        content: bytes = writer.get_serialized_content()
        return content

    figures = {
        "parse": dataclasses.asdict(throughput(parse, rounds=rounds, round_s=round_s)),
        "serialise": dataclasses.asdict(throughput(serialise, rounds=rounds, round_s=round_s)),
        "timestamp_out": json.loads(serialise()).get("expirationDateTime", ""),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
