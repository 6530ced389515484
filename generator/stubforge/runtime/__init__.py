"""Fixed code of every generated package: lossless wire types, JSON on the wire, the client's
transport and the server's plumbing. Copied as it is into the package's ``_runtime`` folder, so
it imports only itself (relatively), the standard library, pydantic, httpx and (``serving``
alone) FastAPI.
"""

from .values import Base64Bytes, Base64UrlBytes, DateTimeOffset, decode_base64
from .wire import WireModel

__all__ = ["Base64Bytes", "Base64UrlBytes", "DateTimeOffset", "WireModel", "decode_base64"]
