"""The vendor tables: MoEngage campaigns (plus create request_ids) and Batch orchestrations.

Takes and returns records (`records.py`). Search filters and paging run in SQL so that a
workspace of thousands of campaigns stays fast enough to benchmark against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from syncer.sandbox.records import BatchOrchestration, MoeCampaign
from syncer.sandbox.store.db import Database, marks

_MOE_COLUMNS = (
    "workspace, id, body, status, created_via_api, created_by, created_at, updated_by, "
    "updated_at, request_id, start_at, sent_at, name, channel, delivery_type, tags"
)
_BATCH_COLUMNS = "project, id, campaign, status, type, source, created_at, updated_at, start_at"


@dataclass(frozen=True)
class MoeQuery:
    """The filters of a MoEngage search, already normalised (upper-case enums) by the caller."""

    id: str | None = None
    name: str | None = None
    statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    delivery_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    created_by: tuple[str, ...] = ()
    created_from: float | None = None
    created_before: float | None = None
    include_archived: bool = False
    loose_name: bool = False
    """Match `name` as a case-insensitive substring and answer newest first (the sandbox's
    `moengage_name_search = "loose"`)."""


class MoeCampaigns:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, c: MoeCampaign) -> None:
        tags = c.body.get("basic_details", {}).get("tags") or []
        self._db.run(
            f"INSERT OR REPLACE INTO moe_campaigns ({_MOE_COLUMNS}) VALUES ({marks(16)})",
            (
                c.workspace,
                c.id,
                json.dumps(c.body),
                c.status,
                int(c.created_via_api),
                c.created_by,
                c.created_at,
                c.updated_by,
                c.updated_at,
                c.request_id,
                c.start_at,
                c.sent_at,
                c.name,
                str(c.body.get("channel", "")),
                c.delivery_type,
                json.dumps(tags),
            ),
        )

    def get(self, workspace: str, campaign_id: str) -> MoeCampaign | None:
        found = self._db.rows(
            f"SELECT {_MOE_COLUMNS} FROM moe_campaigns WHERE workspace = ? AND id = ?",
            (workspace, campaign_id),
        )
        return _moe(found[0]) if found else None

    def all(self) -> list[MoeCampaign]:
        found = self._db.rows(
            f"SELECT {_MOE_COLUMNS} FROM moe_campaigns ORDER BY workspace, created_at, id"
        )
        return [_moe(row) for row in found]

    def search(self, workspace: str, q: MoeQuery, limit: int, offset: int) -> list[MoeCampaign]:
        """One page of matching campaigns, in (created_at, id) order (newest first if loose)."""
        where = ["workspace = ?"]
        params: list[Any] = [workspace]
        if q.id is not None:
            where.append("id = ?")
            params.append(q.id)
        if q.name is not None and q.loose_name:
            escaped = q.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("name LIKE ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        elif q.name is not None:
            where.append("name = ?")
            params.append(q.name)
        for column, values in (
            ("status", q.statuses),
            ("channel", q.channels),
            ("delivery_type", q.delivery_types),
            ("created_by", q.created_by),
        ):
            if values:
                where.append(f"{column} IN ({marks(len(values))})")
                params.extend(values)
        if q.tags:
            # A campaign matches when it carries any of the requested tags.
            inner = f"SELECT 1 FROM json_each(tags) WHERE value IN ({marks(len(q.tags))})"
            where.append(f"EXISTS ({inner})")
            params.extend(q.tags)
        if q.created_from is not None:
            where.append("created_at >= ?")
            params.append(q.created_from)
        if q.created_before is not None:
            where.append("created_at < ?")
            params.append(q.created_before)
        if not q.include_archived:
            where.append("status != 'ARCHIVED'")
        # The page's ids first, from the covering index `moe_listing`: skipping `offset` rows
        # there never touches their bodies (20 KB each in a benchmark), then those rows.
        ids = [
            row[0]
            for row in self._db.rows(
                f"SELECT id FROM moe_campaigns WHERE {' AND '.join(where)} "
                f"ORDER BY {'created_at DESC, id DESC' if q.loose_name else 'created_at, id'} "
                "LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
        ]
        if not ids:
            return []
        found = self._db.rows(
            f"SELECT {_MOE_COLUMNS} FROM moe_campaigns "
            f"WHERE workspace = ? AND id IN ({marks(len(ids))})",
            (workspace, *ids),
        )
        by_id = {row[1]: row for row in found}
        return [_moe(by_id[campaign_id]) for campaign_id in ids]

    def promote_scheduled(self, workspace: str | None, now: float) -> None:
        """SCHEDULED campaigns whose start time has passed become ACTIVE (None: every workspace)."""
        self._db.run(
            "UPDATE moe_campaigns SET status = 'ACTIVE' WHERE (? IS NULL OR workspace = ?) "
            "AND status = 'SCHEDULED' AND start_at IS NOT NULL AND start_at <= ?",
            (workspace, workspace, now),
        )

    def request_id_used(self, workspace: str, request_id: str, since: float) -> bool:
        found = self._db.rows(
            "SELECT 1 FROM moe_request_ids WHERE workspace = ? AND request_id = ? AND used_at > ?",
            (workspace, request_id, since),
        )
        return bool(found)

    def record_request_id(self, workspace: str, request_id: str, at: float) -> None:
        self._db.run(
            "INSERT OR REPLACE INTO moe_request_ids VALUES (?, ?, ?)", (workspace, request_id, at)
        )


class BatchOrchestrations:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, o: BatchOrchestration) -> None:
        self._db.run(
            f"INSERT OR REPLACE INTO batch_orchestrations ({_BATCH_COLUMNS}) VALUES ({marks(9)})",
            (
                o.project,
                o.id,
                json.dumps(o.campaign),
                o.status,
                o.type,
                o.source,
                o.created_at,
                o.updated_at,
                o.start_at,
            ),
        )

    def get(self, project: str, orchestration_id: str) -> BatchOrchestration | None:
        found = self._db.rows(
            f"SELECT {_BATCH_COLUMNS} FROM batch_orchestrations WHERE project = ? AND id = ?",
            (project, orchestration_id),
        )
        return _batch(found[0]) if found else None

    def delete(self, project: str, orchestration_id: str) -> bool:
        changed = self._db.run(
            "DELETE FROM batch_orchestrations WHERE project = ? AND id = ?",
            (project, orchestration_id),
        )
        return changed > 0

    def page(
        self, project: str, after: tuple[float, str] | None, limit: int
    ) -> list[BatchOrchestration]:
        """Up to `limit` orchestrations in (created_at, id) order, strictly after `after`."""
        start = after or (float("-inf"), "")
        found = self._db.rows(
            f"SELECT {_BATCH_COLUMNS} FROM batch_orchestrations WHERE project = ? "
            "AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?",
            (project, start[0], start[1], limit),
        )
        return [_batch(row) for row in found]

    def count(self, project: str) -> int:
        rows = self._db.rows(
            "SELECT COUNT(*) FROM batch_orchestrations WHERE project = ?", (project,)
        )
        return int(rows[0][0])

    def all(self) -> list[BatchOrchestration]:
        found = self._db.rows(
            f"SELECT {_BATCH_COLUMNS} FROM batch_orchestrations ORDER BY project, created_at, id"
        )
        return [_batch(row) for row in found]

    def complete_due(self, project: str | None, started_before: float) -> None:
        """Running one-shot campaigns started by the instant become completed (None: all)."""
        self._db.run(
            "UPDATE batch_orchestrations SET status = 'completed' WHERE (? IS NULL OR "
            "project = ?) AND status = 'running' AND type != 'recurring' "
            "AND start_at IS NOT NULL AND start_at <= ?",
            (project, project, started_before),
        )


def _moe(row: tuple[Any, ...]) -> MoeCampaign:
    return MoeCampaign(
        workspace=row[0],
        id=row[1],
        body=json.loads(row[2]),
        status=row[3],
        created_via_api=bool(row[4]),
        created_by=row[5],
        created_at=row[6],
        updated_by=row[7],
        updated_at=row[8],
        request_id=row[9],
        start_at=row[10],
        sent_at=row[11],
    )


def _batch(row: tuple[Any, ...]) -> BatchOrchestration:
    return BatchOrchestration(
        project=row[0],
        id=row[1],
        campaign=json.loads(row[2]),
        status=row[3],
        type=row[4],
        source=row[5],
        created_at=row[6],
        updated_at=row[7],
        start_at=row[8],
    )
