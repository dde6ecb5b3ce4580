"""MoEngage's per-state rules, as data.

`LOCKS`: remote status -> fields a V1 PATCH may not change. `TRANSITIONS`: how a desired
`state:` is reached from a remote status through `POST /campaigns/status`, per delivery type.
`RETIREMENT`: how a campaign is taken out of service when it is replaced. Sources: the V1
"Update Campaigns" page, the V1 status-change schema and the vendor notes (sections 5.2, 5.3,
10); assumptions are marked next to the rule they shape.
"""

from __future__ import annotations

from syncer.plan.rules import EVERYTHING, Lock, LockTable

REPLACE = (
    "retire it and create a replacement (STOP for one-time, PAUSE for periodic and "
    "event-triggered campaigns, whichever MoEngage allows); `lifecycle.on_locked: replace` "
    "plans that for you"
)
NEW_CAMPAIGN = (
    "create a new campaign instead (`lifecycle.on_locked: replace` plans the creation; "
    "the old campaign keeps its state)"
)
PERIODIC_LIKE = frozenset({"PERIODIC", "EVENT_TRIGGERED"})
# Statuses no V1 call leaves: the campaign is done for good (a replacement is the way out).
FINISHED = frozenset({"STOPPED", "SENT", "ARCHIVED", "RETIRED"})

# channel and campaign_delivery_type are fixed at creation, in every state (brief, promise 2).
_IMMUTABLE = (
    Lock("channel", NEW_CAMPAIGN, "fixed at creation"),
    Lock("campaign_delivery_type", NEW_CAMPAIGN, "fixed at creation"),
)
_ACTIVE = (
    Lock("trigger_condition", REPLACE),
    Lock("segmentation_details", REPLACE),
    Lock("conversion_goal_details", REPLACE),
    Lock("scheduling_details.delivery_type", REPLACE),
    Lock("scheduling_details.start_time", REPLACE),
    *_IMMUTABLE,
)

LOCKS: LockTable = {
    "ACTIVE": _ACTIVE,
    # Assumption: PAUSED is undocumented. A paused campaign has already run, so it keeps the
    # ACTIVE restrictions (the safe reading; the seed page would allow more).
    "PAUSED": tuple(
        Lock(lock.path, lock.way_out, "assumption: PAUSED is undocumented; ACTIVE rules apply")
        if lock not in _IMMUTABLE
        else lock
        for lock in _ACTIVE
    ),
    "SCHEDULED": (Lock("scheduling_details.delivery_type", REPLACE), *_IMMUTABLE),
    # Assumption: SENT is undocumented; a one-time campaign that was sent is finished.
    "SENT": (Lock(EVERYTHING, NEW_CAMPAIGN, "assumption: SENT campaigns are finished"),),
    "STOPPED": (Lock(EVERYTHING, NEW_CAMPAIGN),),
    "ARCHIVED": (Lock(EVERYTHING, NEW_CAMPAIGN),),
    "RETIRED": (Lock(EVERYTHING, NEW_CAMPAIGN, "RETIRED campaigns cannot be reactivated"),),
}


def locks_for(state: str | None) -> LockTable:
    """The lock table, with any status V1 does not document locked entirely (the safe reading)."""
    if state is None or state.upper() in LOCKS:
        return LOCKS
    return {
        state.upper(): (
            Lock(
                EVERYTHING,
                "check the campaign in the dashboard",
                f"status {state!r} is not documented for the V1 API",
            ),
        )
    }


# (desired state, remote status, delivery type group) -> (action, refusal).
# group: "ONE_TIME" or "PERIODIC_LIKE" (periodic and event-triggered) or "OTHER".
Transition = tuple[str | None, str | None]


def _group(delivery_type: str | None) -> str:
    if delivery_type == "ONE_TIME":
        return "ONE_TIME"
    if delivery_type in PERIODIC_LIKE:
        return "PERIODIC_LIKE"
    return "OTHER"


_CANNOT_RESTART = (
    "MoEngage has no API to restart a {remote} campaign. Way out: "
    "`lifecycle.on_locked: replace` creates a replacement"
)

# V1 `CampaignStatusChangeRequest.action` (moengage-v1-campaigns-openapi.yml, "Change Campaign
# Status"): "STOP: Stop a scheduled One-time campaign ... After a One-time campaign moves to
# Active state, it cannot be stopped"; "PAUSE: Pause a running Periodic or Event-triggered
# campaign"; "RESUME: Resume a paused Periodic or Event-triggered campaign". Only V5 also lists
# SCHEDULED (PAUSE) and PAUSED (STOP) as sources: V1 is the API we call, so those are refused.
_PAUSE_RUNNING_ONLY = (
    'MoEngage V1 documents PAUSE for a running campaign only ("Pause a running Periodic or '
    'Event-triggered campaign"), and this one is SCHEDULED: a refused PAUSE would leave it '
    "scheduled to send. Way out: keep state: ACTIVE until it runs, then set state: PAUSED; or "
    "pause it in MoEngage's dashboard"
)
_STOP_SCHEDULED_ONLY = (
    'MoEngage V1 documents STOP for a scheduled one-time campaign only ("Stop a scheduled '
    "One-time campaign\"), and this one is PAUSED. Way out: stop it in MoEngage's dashboard"
)

TRANSITIONS: dict[tuple[str, str, str], Transition] = {
    # desired ACTIVE
    ("ACTIVE", "PAUSED", "PERIODIC_LIKE"): ("RESUME", None),
    ("ACTIVE", "PAUSED", "ONE_TIME"): (
        None,
        "RESUME exists only for periodic and event-triggered campaigns",
    ),
    ("ACTIVE", "PAUSED", "OTHER"): (None, "RESUME is not supported for this delivery type"),
    # desired PAUSED
    ("PAUSED", "ACTIVE", "PERIODIC_LIKE"): ("PAUSE", None),
    ("PAUSED", "SCHEDULED", "PERIODIC_LIKE"): (None, _PAUSE_RUNNING_ONLY),
    ("PAUSED", "ACTIVE", "ONE_TIME"): (
        None,
        "PAUSE exists only for periodic and event-triggered campaigns; a one-time campaign "
        "can only be STOPPED before it becomes ACTIVE",
    ),
    ("PAUSED", "SCHEDULED", "ONE_TIME"): (
        None,
        "PAUSE exists only for periodic and event-triggered campaigns: use state: STOPPED "
        "for a one-time campaign",
    ),
    ("PAUSED", "ACTIVE", "OTHER"): (None, "PAUSE is not supported for this delivery type"),
    ("PAUSED", "SCHEDULED", "OTHER"): (None, "PAUSE is not supported for this delivery type"),
    # desired STOPPED: STOP is for scheduled one-time campaigns (V1 status docs).
    ("STOPPED", "SCHEDULED", "ONE_TIME"): ("STOP", None),
    ("STOPPED", "PAUSED", "ONE_TIME"): (None, _STOP_SCHEDULED_ONLY),
    ("STOPPED", "ACTIVE", "ONE_TIME"): (
        None,
        "a one-time campaign cannot be stopped once it is ACTIVE (V1)",
    ),
    ("STOPPED", "ACTIVE", "PERIODIC_LIKE"): (
        None,
        "STOP exists only for one-time campaigns: use state: PAUSED",
    ),
    ("STOPPED", "SCHEDULED", "PERIODIC_LIKE"): (
        None,
        "STOP exists only for one-time campaigns: use state: PAUSED",
    ),
    ("STOPPED", "PAUSED", "PERIODIC_LIKE"): (
        None,
        "STOP exists only for one-time campaigns; the campaign is already paused",
    ),
}

# Remote statuses that already satisfy a desired state (no call needed).
SATISFIES: dict[str, frozenset[str]] = {
    "ACTIVE": frozenset({"ACTIVE", "SCHEDULED", "SENT"}),
    "PAUSED": frozenset({"PAUSED"}),
    "STOPPED": frozenset({"STOPPED", "SENT", "ARCHIVED", "RETIRED"}),
}


def transition(desired: str | None, remote: str | None, delivery_type: str | None) -> Transition:
    """The status action that turns `remote` into `desired`, or why none exists."""
    if desired is None or remote is None or remote in SATISFIES.get(desired, frozenset()):
        return None, None
    found = TRANSITIONS.get((desired, remote, _group(delivery_type)))
    if found is not None:
        return found
    if remote in FINISHED:
        return None, _CANNOT_RESTART.format(remote=remote)
    return None, f"no MoEngage status action turns a {remote} campaign into {desired}"


# How a replaced campaign is retired: (remote status, group) -> (action or None, refusal).
# None with no refusal means nothing to do (it no longer sends).
RETIREMENT: dict[tuple[str, str], Transition] = {
    ("SCHEDULED", "ONE_TIME"): ("STOP", None),
    ("PAUSED", "ONE_TIME"): (None, _STOP_SCHEDULED_ONLY),
    ("ACTIVE", "ONE_TIME"): (
        None,
        "a one-time campaign cannot be stopped once ACTIVE, so it cannot be retired (V1)",
    ),
    ("ACTIVE", "PERIODIC_LIKE"): ("PAUSE", None),
    ("SCHEDULED", "PERIODIC_LIKE"): (None, _PAUSE_RUNNING_ONLY),
    ("PAUSED", "PERIODIC_LIKE"): (None, None),
    ("ACTIVE", "OTHER"): (None, "MoEngage offers no way to stop or pause this delivery type"),
    ("SCHEDULED", "OTHER"): (None, "MoEngage offers no way to stop or pause this delivery type"),
}


# The desired `state:` that describes a remote status, for files written by `syncer import`
# and `syncer pull`. SENT has none: it satisfies ACTIVE and STOPPED alike, so a pulled file
# keeps what it says and an imported one leaves the lifecycle unmanaged.
DESCRIBED_BY: dict[str, str] = {
    "ACTIVE": "ACTIVE",
    "SCHEDULED": "ACTIVE",
    "PAUSED": "PAUSED",
    "STOPPED": "STOPPED",
    "ARCHIVED": "STOPPED",
    "RETIRED": "STOPPED",
}

# MoEngage V1 "can update only campaigns created through the API" (vendor notes, section 2 and
# 10.13), and neither search nor meta says how a campaign was created.
API_ORIGIN_UNKNOWN = (
    "MoEngage V1 updates only campaigns created through its API, and a read does not show "
    "how this one was created"
)


def retirement(remote: str | None, delivery_type: str | None) -> Transition:
    if remote is None or remote in FINISHED:
        return None, None
    return RETIREMENT.get(
        (remote, _group(delivery_type)), (None, f"no way to retire a {remote} campaign")
    )


# What users may notice when a campaign is replaced (retired first, then the replacement is
# created), by the old campaign's status and delivery type. Each entry answers: can a message
# be missed (gap), can someone get both (double send)? Key None: any delivery type.
_NO_LONGER_SENDS = (
    "the old campaign no longer sends: no gap; users it already reached may receive the "
    "replacement too"
)
REPLACEMENT_RISKS: dict[tuple[str, str | None], str] = {
    ("SCHEDULED", None): "nothing was sent yet: no gap and no double send",
    ("ACTIVE", "PERIODIC"): (
        "a run due in the seconds between PAUSE and the creation is skipped (gap); the "
        "replacement then runs on its own schedule (runs already sent stay sent). A start time "
        "in the past may make MoEngage send at once: declare a future "
        "scheduling_details.start_time to rule out a double send"
    ),
    ("ACTIVE", "EVENT_TRIGGERED"): (
        "events in the seconds between PAUSE and the creation trigger nothing, and messages "
        "the old campaign was still delaying are not sent (gap); no user gets both"
    ),
    ("PAUSED", "ONE_TIME"): (
        "users who received the old campaign before it was paused receive the replacement "
        "too (double send)"
    ),
    ("PAUSED", None): "the old campaign was already paused: no new gap and no double send",
    ("SENT", None): (
        "the old campaign was sent: everyone it reached receives the replacement too (double send)"
    ),
    ("STOPPED", None): _NO_LONGER_SENDS,
    ("ARCHIVED", None): _NO_LONGER_SENDS,
    ("RETIRED", None): _NO_LONGER_SENDS,
}


def replacement_risk(remote: str | None, delivery_type: str | None) -> str:
    """Gap or double send: what replacing a campaign in this status may do to its users."""
    state = (remote or "").upper()
    found = REPLACEMENT_RISKS.get((state, delivery_type)) or REPLACEMENT_RISKS.get((state, None))
    return found or f"status {remote} is undocumented: a gap or a double send cannot be ruled out"
