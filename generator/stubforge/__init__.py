"""stubforge: spec-first code generation for OpenAPI and OData CSDL."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stubforge")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"
