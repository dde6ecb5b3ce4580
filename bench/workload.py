"""The benchmark's workload: N email campaigns with large HTML, as files and as remote campaigns.

Takes N, the HTML size and which campaigns differ; writes `campaigns/*.yaml` (each pinning its
remote id) and returns the bodies to seed. A changed campaign has a different subject in its
file, so planning it gives one PATCH of `campaign_content`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SUBDIR_SIZE = 1000  # files per directory, as a large project would organise them


def html(index: int, size: int) -> str:
    """About `size` bytes of HTML, different for every campaign (no sharing between them)."""
    rnd = random.Random(index)
    parts = ["<html><body>\n", f"<h1>Campaign {index}</h1>\n"]
    length = sum(len(p) for p in parts)
    paragraph = 0
    while length < size:
        line = (
            f'<p class="c{rnd.randint(0, 99)}">Paragraph {paragraph} of campaign {index}: '
            f"lorem ipsum dolor sit amet, consectetur {rnd.random():.8f}.</p>\n"
        )
        parts.append(line)
        length += len(line)
        paragraph += 1
    parts.append("</body></html>\n")
    return "".join(parts)


def body(index: int, html_size: int, subject: str | None = None) -> dict[str, Any]:
    """A valid EVENT_TRIGGERED email campaign (request shape), as a file declares it."""
    return {
        "channel": "EMAIL",
        "campaign_delivery_type": "EVENT_TRIGGERED",
        "basic_details": {
            "name": f"Bench campaign {index:05d}",
            "content_type": "TRANSACTIONAL",
            "user_attribute_identifier": "MOE_EMAIL_ID",
            "tags": ["bench"],
        },
        "connector": {"connector_type": "SENDGRID", "connector_name": "default"},
        "campaign_content": {
            "content": {
                "email": {
                    "subject": subject or f"Your update #{index}",
                    "sender_name": "Acme",
                    "from_address": "hello@acme.example",
                    "reply_to_address": "support@acme.example",
                    "html_content": html(index, html_size),
                }
            }
        },
        "trigger_condition": {
            "included_filters": {
                "filter_operator": "and",
                "filters": [
                    {"filter_type": "actions", "action_name": f"Event {index}", "executed": True}
                ],
            },
            "trigger_delay_type": "ASAP",
        },
        "segmentation_details": {"is_all_user_campaign": True},
        "utm_params": {"utm_source": "moengage", "utm_medium": "email"},
    }


def remote_bodies(n: int, html_size: int) -> Iterator[dict[str, Any]]:
    """What the sandbox is seeded with: every campaign as its unchanged file declares it."""
    for index in range(n):
        yield body(index, html_size)


def changed(n: int, k: int) -> set[int]:
    """Which K of the N campaigns differ in their files (spread evenly, deterministic)."""
    if k <= 0:
        return set()
    step = max(1, n // k)
    return {i * step for i in range(min(k, n))}


def file_key(index: int) -> str:
    return f"c{index // SUBDIR_SIZE:03d}/campaign-{index:05d}.yaml"


def write_campaigns(campaigns: Path, ids: list[str], html_size: int, changed_set: set[int]) -> None:
    """One file per id; the changed ones get a new subject."""
    for index, campaign_id in enumerate(ids):
        subject = f"Your update #{index}, revised" if index in changed_set else None
        document = {
            "provider": "moengage",
            "id": campaign_id,
            "campaign": body(index, html_size, subject),
        }
        path = campaigns / file_key(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(document), encoding="utf-8")


def to_yaml(value: dict[str, Any]) -> str:
    """Block-style YAML for plain data (fast enough for 10,000 files of 20 KB each)."""
    return "".join(_mapping(value, 0))


def _mapping(value: dict[str, Any], indent: int) -> Iterator[str]:
    pad = " " * indent
    for key, item in value.items():
        if isinstance(item, dict) and item:
            yield f"{pad}{key}:\n"
            yield from _mapping(item, indent + 2)
        elif isinstance(item, list) and item:
            yield f"{pad}{key}:\n"
            yield from _sequence(item, indent + 2)
        else:
            yield f"{pad}{key}: {_scalar(item, indent + 2)}"


def _sequence(value: list[Any], indent: int) -> Iterator[str]:
    pad = " " * indent
    for item in value:
        if isinstance(item, dict) and item:
            lines = "".join(_mapping(item, indent + 2))
            yield f"{pad}- {lines[indent + 2 :]}"
        else:
            yield f"{pad}- {_scalar(item, indent + 2)}"


def _scalar(value: Any, indent: int) -> str:
    if isinstance(value, str) and "\n" in value.rstrip("\n") and value.endswith("\n"):
        pad = " " * indent
        lines = value[:-1].split("\n")
        return "|\n" + "".join(f"{pad}{line}\n" for line in lines)
    return json.dumps(value, ensure_ascii=False) + "\n"
