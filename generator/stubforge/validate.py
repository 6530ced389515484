"""Check a loaded spec: the OpenAPI rules, its documented examples, then the rules this
generator relies on.

Violations of the OpenAPI specification and examples that do not match their schema are
warnings unless ``strict`` is set, because real specs break the rules in small ways whose
meaning is still clear. Two operations with one operationId are always an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import FormatChecker
from jsonschema.exceptions import best_match, relevance
from jsonschema_path import SchemaPath
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import (
    openapi_v30_schema_validator,
    openapi_v31_schema_validator,
    schema_v30,
    schema_v31,
)
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    OpenAPIValidationError,
)
from openapi_spec_validator.validation.keywords import (
    OpenAPIV30SchemaValidator,
    SchemaValidator,
)

from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.load import Spec
from stubforge.runtime.grammar import is_base64, is_date_time
from stubforge.spec import (
    HTTP_METHODS,
    REFERENCE_HINT,
    follow_refs,
    iter_operations,
    iter_references,
    pointer_of,
    reference_problem,
)

__all__ = ["HTTP_METHODS", "check_spec", "iter_operations", "openapi_version", "validate_spec"]

# The located messages below are built from jsonschema's errors; openapi-spec-validator switches
# to jsonschema-rs (other messages, no instance paths) whenever that is installed, as Schemathesis
# installs it.
os.environ["OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"] = "jsonschema"


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or is_date_time(value)


def _is_base64(value: object) -> bool:
    return not isinstance(value, str) or is_base64(value)


def _format_checker(base: FormatChecker) -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(base.checkers)
    checker.checks("date-time")(_is_date_time)
    checker.checks("byte")(_is_base64)
    checker.checks("base64url")(_is_base64)
    return checker


@cache
def _checkers() -> tuple[FormatChecker, FormatChecker]:
    """Format checkers for OpenAPI 3.0 and 3.1 that know Graph's date-times and base64url."""
    return _format_checker(oas30_format_checker), _format_checker(oas31_format_checker)


def openapi_version(spec: Spec) -> str:
    """The spec's OpenAPI version ('3.0' or '3.1'); anything else is refused."""
    document = spec.document
    if "swagger" in document:
        raise StubforgeError(
            Diagnostic(
                f"Swagger {document.get('swagger')} documents are not supported",
                spec.locate("/swagger"),
                hint="convert it to OpenAPI 3 first (for example with swagger2openapi), then generate from that",
            )
        )
    version = document.get("openapi")
    if version is None:
        raise StubforgeError(
            Diagnostic(
                "not an OpenAPI document: there is no 'openapi' field",
                Location(spec.path, 1, 1, ""),
                hint="start the file with 'openapi: 3.0.3' or 'openapi: 3.1.0'",
            )
        )
    if isinstance(version, str) and re.match(r"3\.[01]\.\d+", version):
        return version[:3]
    hint = "this generator reads OpenAPI 3.0.x and 3.1.x documents"
    if isinstance(version, int | float) and not isinstance(version, bool) and version >= 3:
        written = f"{version}.0" if isinstance(version, float) else f"{version}.0.0"
        hint = f'write the version as a string: openapi: "{written}" (YAML reads {version} as a number)'
    elif str(version).startswith(("1", "2")):
        hint = "OpenAPI 2 is Swagger 2: convert it to OpenAPI 3 first (for example with swagger2openapi)"
    raise StubforgeError(
        Diagnostic(f"unsupported OpenAPI version {version!r}", spec.locate("/openapi"), hint=hint)
    )


VIOLATION = "not valid OpenAPI"


def validate_spec(spec: Spec, *, strict: bool = False) -> list[Diagnostic]:
    """Return the warnings; raise ``StubforgeError`` with every error found."""
    version = openapi_version(spec)
    broken = sorted(_broken_refs(spec), key=_in_file_order)
    if broken:
        raise StubforgeError(broken)
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = list(spec.warnings)
    problems = [
        *_spec_violations(spec, version, strict=strict),
        *_examples_or_violations(spec, version, warnings),
    ]
    for problem in problems:
        if strict and problem.severity == "error":
            errors.append(problem)
        else:
            warnings.append(
                Diagnostic(problem.message, problem.location, problem.hint, severity="warning")
            )
    errors.extend(_duplicate_operation_ids(spec))
    if errors:
        raise StubforgeError(errors)
    return warnings


def _examples_or_violations(
    spec: Spec, version: str, warnings: list[Diagnostic]
) -> list[Diagnostic]:
    try:
        return list(_example_mismatches(spec, version))
    except Exception as error:
        raise cannot_generate(warnings, error) from error


def cannot_generate(warnings: list[Diagnostic], error: Exception) -> Exception:
    """What to raise when a step fails on a spec that breaks OpenAPI: the violations, as errors.

    Violations are warnings because most leave the meaning clear; when one does not (a
    parameter that is a number, ``paths`` that is a list), a later step fails on it, and the
    violation is the message to show, not the failure. With no violation, it is a bug.
    """
    violations = [w for w in warnings if w.message.startswith(VIOLATION)]
    if not violations:
        return error
    return StubforgeError(
        [Diagnostic(v.message, v.location, "fix the spec here") for v in violations]
        + [
            Diagnostic(
                f"cannot generate from this spec: {len(violations)} violation(s) of OpenAPI above "
                f"leave it without a clear meaning ({type(error).__name__}: {_first_line(error)})",
                Location(violations[0].location.file),
                hint="fix the errors above; `stubforge validate --strict` lists them all",
            )
        ]
    )


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else ""


def _in_file_order(diagnostic: Diagnostic) -> tuple[str, int, int]:
    where = diagnostic.location
    return (str(where.file), where.line or 0, where.column or 0)


def _broken_refs(spec: Spec) -> Iterator[Diagnostic]:
    """References in the document that point to nothing (the validator would stop on them)."""
    for at, ref in iter_references(spec.document):
        if not ref.startswith("#"):
            continue
        problem = reference_problem(spec.document, ref)
        if problem:
            yield Diagnostic(
                f"reference {ref!r} {problem}",
                spec.locate(pointer_of(*at, "$ref")),
                hint=REFERENCE_HINT,
            )


_PLACE = "_stubforge_place"


class _MetaSchemaCheck:
    """The check of the whole document against the OpenAPI meta-schema, answered first by
    jsonschema-rs, which says whether the document is valid some twenty times faster than
    jsonschema walks it. Only a document it rejects, or one it cannot read (YAML dates,
    numeric keys), is walked again by jsonschema, whose errors carry the paths and messages the
    diagnostics are built from: the findings are the same either way."""

    def __init__(self, meta_schema: Any, located: Any) -> None:
        self._meta_schema = meta_schema
        self._located = located
        self._fast: Any = None

    def _valid(self, instance: Any) -> bool:
        try:
            if self._fast is None:
                import jsonschema_rs

                # jsonschema validates no formats here either.
                self._fast = jsonschema_rs.validator_for(
                    dict(self._meta_schema), validate_formats=False
                )
            return bool(self._fast.is_valid(instance))
        except Exception:  # a value JSON has no type for, or no jsonschema-rs: ask jsonschema
            return False

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        if not self._valid(instance):
            yield from self._located.iter_errors(instance)


@cache
def _draft4_check() -> Any:
    """jsonschema-rs compiled with what openapi-schema-validator checks an OpenAPI 3.0 schema
    against: the draft 4 meta-schema, with its own test of ``pattern`` regexes."""
    import jsonschema_rs

    (is_regex, _) = OAS30Validator.FORMAT_CHECKER.checkers["regex"]
    return jsonschema_rs.Draft4Validator(
        OAS30Validator.META_SCHEMA, formats={"regex": is_regex}, validate_formats=True
    )


class _Seen(list[int]):
    """The ids of the schemas a keyword validator has visited, as the list it keeps them in,
    answering ``in`` from a set: over a list, visiting n schemas costs n squared."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[int] = set()

    def append(self, schema_id: int) -> None:
        super().append(schema_id)
        self._ids.add(schema_id)

    def __contains__(self, schema_id: object) -> bool:
        return schema_id in self._ids


def _faster_schema_keyword(cls: Any) -> Any:
    """The schema keyword validator, with its visited schemas in ``_Seen`` and, for OpenAPI
    3.0, each schema checked against draft 4 first by jsonschema-rs (see ``_MetaSchemaCheck``):
    only a schema it rejects is checked again, for the message."""

    def init(self: Any, registry: Any) -> None:
        cls.__init__(self, registry)
        self.visited_schema_ids = _Seen()
        self.meta_checked_schema_ids = _Seen()

    def check(self: Any, schema: Any, schema_value: Any) -> Any:
        try:
            if _draft4_check().is_valid(schema_value):
                return None
        except Exception:  # a value JSON has no type for, or no jsonschema-rs
            pass
        return cls._validate_schema_meta(self, schema, schema_value)

    members: dict[str, Any] = {"__init__": init}
    if issubclass(cls, OpenAPIV30SchemaValidator):
        members["_validate_schema_meta"] = check
    return type(cls.__name__, (cls,), members)


def _with_places(validator_class: Any, meta_schema: Any, located: Any) -> Any:
    """The spec validator, with each finding's place in the whole document recorded.

    openapi-spec-validator checks each schema, default and parameter list with a validator
    that sees only that part, so those findings carry paths relative to the part. Each of its
    keyword validators is wrapped to record where its part is, the first (innermost) time a
    finding passes through.
    """

    def wrap(cls: Any, suffix: tuple[str, ...]) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            place = next((a.parts for a in args if isinstance(a, SchemaPath)), None)
            for error in cls.__call__(self, *args, **kwargs):
                if place is not None and not hasattr(error, _PLACE):
                    # The validator rewraps any other kind of error, losing the attribute.
                    if not isinstance(error, OpenAPIValidationError):
                        error = OpenAPIValidationError.create_from(error)
                    setattr(error, _PLACE, (*place, *suffix))
                yield error

        return type(cls.__name__, (cls,), {"__call__": call})

    keywords = {
        key: wrap(
            _faster_schema_keyword(cls) if issubclass(cls, SchemaValidator) else cls,
            ("default",) if key == "default" else (),
        )
        for key, cls in validator_class.keyword_validators.items()
    }
    members = {
        "keyword_validators": keywords,
        "schema_validator": _MetaSchemaCheck(meta_schema, located),
    }
    return type(validator_class.__name__, (validator_class,), members)


def _relevance(error: Any) -> tuple[bool, ...]:
    """jsonschema's relevance, except that "'$ref' is a required property" comes last: it
    is the other branch of every "a schema or a reference", and never what went wrong."""
    is_reference_branch = error.validator == "required" and error.validator_value == ["$ref"]
    return (is_reference_branch, *relevance(error))


_VALIDATORS = {
    "3.0": _with_places(OpenAPIV30SpecValidator, schema_v30, openapi_v30_schema_validator),
    "3.1": _with_places(OpenAPIV31SpecValidator, schema_v31, openapi_v31_schema_validator),
}


def _spec_violations(spec: Spec, version: str, *, strict: bool) -> Iterator[Diagnostic]:
    seen: set[str | None] = set()
    found = iter(_VALIDATORS[version](spec.document).iter_errors())
    hint = (
        "fix the spec here"
        if strict
        else "fix the spec here; run with --strict to make this an error"
    )
    while True:
        try:
            error = next(found)
        except StopIteration:
            return
        except Exception as crash:  # the library assumes a document it can walk; say so
            yield Diagnostic(
                f"the OpenAPI validator stopped early ({type(crash).__name__}: {_first_line(crash)}); "
                "the checks after that point were skipped",
                Location(spec.path),
                hint="the spec has a shape the validator cannot read; look for the warnings above",
                severity="warning",
            )
            return
        if isinstance(error, DuplicateOperationIDError):
            continue  # reported as an error of its own, with both places
        place = getattr(error, _PLACE, ())
        if error.context:
            error = best_match([error], key=_relevance)
        location = spec.locate(pointer_of(*place, *error.absolute_path))
        if location.pointer in seen:
            continue  # one message per place: the first is the most specific
        seen.add(location.pointer)
        yield Diagnostic(f"{VIOLATION} {version}: {_message(error)}", location, hint=hint)


def _message(error: Any) -> str:
    """The validator's message, without the full text of a large offending value."""
    text = str(error.message)
    shown = repr(error.instance)
    if len(shown) > 60 and text.startswith(shown):
        if isinstance(error.instance, dict | list):
            kind = "this object" if isinstance(error.instance, dict) else "this list"
        else:
            kind = shown[:57] + "..."
        text = kind + text[len(shown) :]
    head, each, _ = text.partition(" is valid under each of ")
    if each:
        text = head + " matches more than one of the forms allowed here"
    return text if len(text) < 300 else text[:297] + "..."


def _duplicate_operation_ids(spec: Spec) -> Iterator[Diagnostic]:
    # Located only when repeated: the first ``locate`` parses the whole file's positions.
    first: dict[str, str] = {}
    for path, method, operation in iter_operations(spec.document):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        pointer = pointer_of("paths", path, method, "operationId")
        if operation_id in first:
            yield Diagnostic(
                f"operationId {operation_id!r} is used twice "
                f"(first at {spec.locate(first[operation_id])})",
                spec.locate(pointer),
                hint="operationIds must be unique: rename one of them",
            )
        else:
            first[operation_id] = pointer


def _resolve(document: dict[str, Any], node: Any) -> Any:
    try:
        return follow_refs(document, node)
    except KeyError:  # reported by _broken_refs
        return node


def _example_mismatches(spec: Spec, version: str) -> Iterator[Diagnostic]:
    document = spec.document
    components = document.get("components") or {}
    for path, method, operation in iter_operations(document):
        base = ("paths", path, method)
        body = _resolve(document, operation.get("requestBody"))
        if isinstance(body, dict):
            yield from _media_examples(
                spec, components, version, body.get("content"), (*base, "requestBody"), write=True
            )
        responses = operation.get("responses")
        if isinstance(responses, dict):
            for status, response in responses.items():
                response = _resolve(document, response)
                if isinstance(response, dict):
                    yield from _media_examples(
                        spec,
                        components,
                        version,
                        response.get("content"),
                        (*base, "responses", str(status)),
                        write=False,
                    )


def _media_examples(
    spec: Spec,
    components: dict[str, Any],
    version: str,
    content: Any,
    base: tuple[str, ...],
    *,
    write: bool,
) -> Iterator[Diagnostic]:
    if not isinstance(content, dict):
        return
    for media_type, media in content.items():
        if not isinstance(media, dict) or not isinstance(media.get("schema"), dict):
            continue
        if "json" not in media_type:
            continue
        examples: list[tuple[tuple[str, ...], Any]] = []
        if "example" in media:
            examples.append(((*base, "content", media_type, "example"), media["example"]))
        for name, example in (media.get("examples") or {}).items():
            example = _resolve(spec.document, example)
            if isinstance(example, dict) and "value" in example:
                examples.append(
                    ((*base, "content", media_type, "examples", name, "value"), example["value"])
                )
        if not examples:
            continue
        checker_30, checker_31 = _checkers()
        schema = {**media["schema"], "components": components}
        if version == "3.1":
            validator: Any = OAS31Validator(schema, format_checker=checker_31)
        elif write:
            validator = OAS30WriteValidator(schema, format_checker=checker_30)
        else:
            validator = OAS30ReadValidator(schema, format_checker=checker_30)
        for tokens, value in examples:
            for error in validator.iter_errors(value):
                inner = pointer_of(*tokens, *error.absolute_path)
                yield Diagnostic(
                    f"documented example does not match its schema: {error.message}",
                    spec.locate(inner),
                    hint="fix the example or the schema so that they agree; --strict makes this an error",
                )


def check_spec(spec: Spec, *, strict: bool = False) -> list[Diagnostic]:
    """Every check ``generate`` runs before it renders, with the same messages: the OpenAPI
    rules and examples, then what building the IR refuses (a pattern the models cannot
    compile, a parameter HTTP cannot carry). ``validate`` and ``generate`` give one verdict."""
    from stubforge.build import build

    warnings = validate_spec(spec, strict=strict)
    try:
        plan = build(spec, package="package", spec_name=spec.path.name)
    except StubforgeError:
        raise
    except Exception as error:
        raise cannot_generate(warnings, error) from error
    return warnings + plan.warnings
