"""Which web pages may talk to the chat API: the configured sites and the server itself."""

from __future__ import annotations

from starlette.requests import Request

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, Authorization, Last-Event-ID"


def parse_origins(setting: str) -> frozenset[str]:
    """ "https://a.example, https://b.example/" → the origins as browsers send them."""
    return frozenset(
        origin.strip().rstrip("/").lower() for origin in setting.split(",") if origin.strip()
    )


def own_origin(request: Request) -> str:
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}".lower()


def origin_allowed(request: Request, allowed: frozenset[str]) -> bool:
    """No Origin header: not a browser page (a tool, a server), nothing to protect against."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    origin = origin.lower()
    return origin in allowed or origin == own_origin(request)


def cors_headers(request: Request) -> dict[str, str]:
    """Headers that let the requesting page read the answer; call after `origin_allowed`."""
    origin = request.headers.get("origin")
    headers = {"Vary": "Origin"}
    if origin is not None:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def preflight_headers(request: Request) -> dict[str, str]:
    return {
        **cors_headers(request),
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": "600",
    }
