"""Open311 answers as JSON or XML, as the GeoReport v2 specification writes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from starlette.responses import JSONResponse, Response

FORMATS = ("json", "xml")
# the XML element of each item in a list, by the list's root element
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "keywords": "keyword",
    "attributes": "attribute",
}


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(ElementTree.SubElement(element, str(key)), inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _fill(ElementTree.SubElement(element, _ITEM.get(element.tag, "item")), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, value: Mapping[str, Any] | Sequence[Any]) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, value)
    written: bytes = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return written


def answer(
    fmt: str, root: str, value: Mapping[str, Any] | Sequence[Any], status: int = 200
) -> Response:
    """`root` names the XML root element ("services", "service_requests", …)."""
    if fmt == "xml":
        return Response(to_xml(root, value), status, media_type="text/xml; charset=utf-8")
    return JSONResponse(value, status)


def error(fmt: str, status: int, description: str) -> Response:
    return answer(fmt, "errors", [{"code": status, "description": description}], status)
