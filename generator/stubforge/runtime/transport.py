"""The client's retry rule (429, 503 and 504, honouring ``Retry-After``) and its error check;
sending itself is ``session``'s."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .client_responses import ApiError

if TYPE_CHECKING:
    from email import utils as email_utils

    import httpx
else:
    from .lazy import email_utils, httpx

__all__ = ["ApiError", "RetryPolicy", "expect_success", "retry_after"]

RETRY_STATUSES: Final = frozenset({429, 503, 504})


def expect_success(response: httpx.Response) -> httpx.Response:
    """The response itself when its status is not an error; raises ``ApiError`` otherwise."""
    if response.status_code >= 400:
        raise ApiError(response)
    return response


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of throttled or unavailable answers (429, 503, 504), honouring Retry-After."""

    max_retries: int = 3
    backoff: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before the next try, or None when there is to be no next try."""
        if response.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
            return None
        after = retry_after(response.headers.get("retry-after"))
        if after is None:
            after = self.backoff * (2**attempt) * (1 + random.random() / 2)
        return min(max(after, 0.0), self.max_delay)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay seconds or an HTTP date), if it has any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email_utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()
