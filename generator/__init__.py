"""stubforge: spec-first code generation for OpenAPI and OData CSDL."""

__version__ = "0.1.0"
