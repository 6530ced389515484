"""Python names for spec names: decided here, once, for models, fields, operations and resources."""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")

# Only keywords are escaped: a parameter or attribute may shadow a builtin (``id``, ``type``),
# and keeping such names readable matters more than a lint rule about shadowing.
RESERVED = frozenset(keyword.kwlist)
# Class names may not shadow builtins: generated modules use ``Exception``, ``dict`` and so on.
_BUILTIN_NAMES = frozenset(dir(builtins))


# A large spec names the same few thousand things over and over (every reference to a schema,
# every parameter of a path): the names are made once per text.
_NAMES_KEPT = 1 << 16


@functools.lru_cache(maxsize=_NAMES_KEPT)
def _words(text: str) -> tuple[str, ...]:
    """Split any spec name into ASCII words: camelCase, dots, dashes, spaces, accents."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    spaced = _WORD_BOUNDARY.sub(" ", ascii_text)
    return tuple(w for w in _NOT_WORD.split(spaced) if w)


@functools.lru_cache(maxsize=_NAMES_KEPT)
def snake_case(text: str, *, fallback: str = "value") -> str:
    """``enterpriseCodeSigningCertificates`` -> ``enterprise_code_signing_certificates``."""
    name = "_".join(w.lower() for w in _words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in RESERVED:
        name += "_"
    return name


@functools.lru_cache(maxsize=_NAMES_KEPT)
def pascal_case(text: str, *, fallback: str = "Model") -> str:
    """``microsoft.graph.certificateStatus`` words -> ``MicrosoftGraphCertificateStatus``."""
    name = "".join(w[:1].upper() + w[1:] for w in _words(text)) or fallback
    if name[0].isdigit():
        name = fallback + name
    if name in RESERVED or name in _BUILTIN_NAMES:
        # Not a trailing underscore: the model renderer strips it from class names, which
        # would leave ``None`` (a syntax error) or shadow a builtin such as ``Exception``.
        name += fallback
    return name


class Namespace:
    """Hands out distinct names in one scope; a taken name gets a numeric suffix."""

    def __init__(self, reserved: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken: set[str] = set(reserved)

    def claim(self, base: str, *, separator: str = "_") -> str:
        name, counter = base, 2
        while name in self._taken:
            name = f"{base.rstrip('_')}{separator}{counter}"
            counter += 1
        self._taken.add(name)
        return name

    def __contains__(self, name: object) -> bool:
        return name in self._taken


def model_names(schema_names: list[str], reserved: frozenset[str]) -> dict[str, str]:
    """Class names for component schemas: the last dotted segment when that is unique.

    Graph's ``microsoft.graph.enterpriseCodeSigningCertificate`` becomes
    ``EnterpriseCodeSigningCertificate``; where two namespaces share a last segment, the whole
    name is used for each, so the result never depends on which schema came first.
    """
    short = {name: pascal_case(name.rsplit(".", 1)[-1]) for name in schema_names}
    counts: dict[str, int] = {}
    for candidate in short.values():
        counts[candidate.lower()] = counts.get(candidate.lower(), 0) + 1
    namespace = Namespace(set(reserved))
    result: dict[str, str] = {}
    for name in sorted(schema_names):
        candidate = short[name]
        if counts[candidate.lower()] > 1 or candidate in reserved:
            candidate = pascal_case(name)
        if candidate in reserved:
            candidate += "Model"
        result[name] = namespace.claim(candidate, separator="")
    return result
