"""Campaign bodies held compactly in memory: LZ4-compressed compact JSON, unpacked on access.

A plan of 10,000 campaigns with 20 KB of HTML each holds every definition and every remote
campaign at once: as Python objects that is over half a gigabyte, packed it is about a tenth
(issue 8). Packing is exact for JSON values (what validated campaign blocks and vendor responses
are), and every unpack returns a fresh copy, so a caller can never change a frozen model's data.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import lz4.frame
import orjson
from pydantic import BeforeValidator

# LZ4 rather than zlib: every campaign read is packed and every file's body unpacked once per
# plan, and zlib's fastest level cost 0.08 ms to pack a 20 KB body (a tenth of the CPU of
# planning an unchanged campaign), LZ4 0.013 ms; its bodies are about 40 % larger (4.5 KB
# instead of 3.2 KB for the benchmark's 20 KB of HTML), which 10,000 campaigns can afford.


def _compress(raw: bytes) -> bytes:
    compressed: bytes = lz4.frame.compress(raw)
    return compressed


def pack(value: Any) -> bytes:
    """Compressed compact JSON of `value` (dict key order kept)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return _compress(text.encode("utf-8"))


def pack_json(raw: bytes) -> bytes:
    """Pack a value that is already JSON text (a slice of a vendor response), unparsed."""
    return _compress(raw)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as `json.loads` skips it
# orjson reads every JSON text as `json.loads` does, or refuses it (NaN, Infinity, a lone
# surrogate, nesting beyond 1,024), except for one thing: an integer beyond 64 bits becomes a
# float instead of an int. Such a float is at least 2**63 in size: a value holding one is read
# again by `json` (so is a genuine float that large: it costs time, never a wrong value).
_BEYOND_64_BITS = 2.0**63


def _orjson(text: str | bytes) -> Any:
    """What `json.loads(text)` gives, read by orjson when it reads the same; else `_JSON`."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _JSON  # what orjson refuses, `json` may read (NaN): it decides
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif type(item) is float and abs(item) >= _BEYOND_64_BITS:
            return _JSON
    return value


_JSON = object()
"""`_orjson`'s answer when `json` must read the text."""


def _skip(text: str, position: int) -> int:
    found = _SPACE.match(text, position)
    return found.end() if found else position


def array_items(text: str) -> list[tuple[Any, bytes]] | None:
    """The elements of a JSON array, each with its own JSON (compact UTF-8); None when `text`
    is not a JSON array. A vendor's page of campaigns is parsed once, and each campaign is
    packed from its own JSON (`pack_json`) instead of being encoded again: a tenth of the CPU
    of a read. Parsed by orjson (a page of 15 campaigns of 20 KB: 0.2 ms instead of 0.9 ms)
    unless it could read the page differently than `json` would."""
    values = _orjson(text)
    if isinstance(values, list):
        try:
            return [(value, orjson.dumps(value)) for value in values]
        except orjson.JSONEncodeError:  # nested deeper than orjson writes: `json` decides
            pass
    return _exact_items(text)


def _exact_items(text: str) -> list[tuple[Any, bytes]] | None:
    """`array_items` by `json` alone: each element's JSON is its slice of `text`."""
    position = _skip(text, 0)
    if text[position : position + 1] != "[":
        return None
    items: list[tuple[Any, bytes]] = []
    position = _skip(text, position + 1)
    if text[position : position + 1] == "]":
        return items if _skip(text, position + 1) == len(text) else None
    try:
        while True:
            value, end = _DECODER.raw_decode(text, position)
            items.append((value, text[position:end].encode("utf-8")))
            position = _skip(text, end)
            separator = text[position : position + 1]
            if separator == "]":
                return items if _skip(text, position + 1) == len(text) else None
            if separator != ",":
                return None
            position = _skip(text, position + 1)
    except json.JSONDecodeError:
        return None


def unpack(blob: bytes) -> Any:
    raw = lz4.frame.decompress(blob)
    value = _orjson(raw)
    return json.loads(raw) if value is _JSON else value


EMPTY_OBJECT = pack({})


def _packed(value: Any) -> Any:
    return value if isinstance(value, bytes) else pack(value)


Packed = Annotated[bytes, BeforeValidator(_packed)]
"""A model field holding a packed body: built from a value (packed here) or from bytes that
are packed already (`pack_json`)."""
