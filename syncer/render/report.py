"""RENDER an apply report: text for people, JSON for pipelines."""

from __future__ import annotations

import json

from rich.text import Text

from syncer.model.report import ApplyReport

STYLES = {"applied": "green", "failed": "red", "not_attempted": "yellow", "unknown": "magenta"}


def render_report(report: ApplyReport) -> Text:
    out = Text()
    for note in report.reconciled:
        out.append(f"settled: {note}\n", style="bright_black")
    if report.calls:
        out.append("Apply:\n", style="bold")
    for call in report.calls:
        out.append(f"  {call.outcome:<13}", style=STYLES[call.outcome])
        out.append(f" {call.target}/{call.key}: {call.method} {call.path}")
        if call.summary:
            out.append(f"  {call.summary}", style="bright_black")
        if call.new_id:
            out.append(f"  -> id {call.new_id}", style="green")
        if call.attempts > 1:
            out.append(f"  ({call.attempts} attempts)", style="bright_black")
        out.append("\n")
        if call.message:
            # Applied calls may carry a note too ("landed on an earlier attempt").
            style = "bright_black" if call.outcome == "applied" else STYLES[call.outcome]
            out.append(f"      {call.message}\n", style=style)
    for key in report.forgotten:
        out.append(
            f"  forgotten     {key} (its file is gone; the remote campaign was left as is)\n",
            style="bright_black",
        )
    for key in report.blocked:
        out.append(f"  blocked       {key} (see the plan above: nothing was sent)\n", style="red")
    for item in report.verification:
        if not item.converged:
            out.append(
                f"  not converged {item.target}/{item.key}: still differs in "
                f"{', '.join(item.remaining) or 'its requests'}\n",
                style="red",
            )
    if report.retries:
        out.append(
            f"  {len(report.retried)} planned call(s) sent again after transient failures; "
            f"{len(report.retries)} retries in all, reads included\n",
            style="bright_black",
        )
    _pins(out, report)
    counts = report.counts
    line = (
        f"Apply: {counts['applied']} applied, {counts['failed']} failed, "
        f"{counts['not_attempted']} not attempted, {counts['unknown']} outcome unknown"
    )
    if report.verification:
        good = sum(1 for v in report.verification if v.converged)
        line += f"; verified {good}/{len(report.verification)} converged"
    out.append(line + ".\n", style="bold")
    if report.interrupted:
        out.append(
            "Interrupted: calls in flight finished; the rest were not attempted. "
            "Run apply again to continue.\n",
            style="bold yellow",
        )
    if counts["unknown"]:
        out.append(
            "Some outcomes are unknown: run apply again; it reads those campaigns first "
            "and never repeats a call that landed.\n",
            style="bold magenta",
        )
    return out


def _pins(out: Text, report: ApplyReport) -> None:
    """The files that now pin their new ids (to commit), and the ones that could not."""
    written = [p for p in report.pinned if p.written]
    if written:
        out.append(
            f"Pinned {len(written)} new id(s) into their files; commit them, so that every "
            "checkout and CI run knows these campaigns:\n",
            style="bold",
        )
        for pin in written:
            out.append(f"  {pin.file}  id: {pin.id}\n", style="green")
        out.append("  git add " + " ".join(sorted({p.file for p in written})) + "\n")
    for pin in report.pinned:
        if not pin.written:
            out.append(
                f"  not pinned    {pin.file}: {pin.problem}; the state store records id "
                f"{pin.id} for target {pin.target}. Add `id: {pin.id}` to the file yourself, "
                "or a fresh checkout is blocked by the campaign's name\n",
                style="yellow",
            )


def render_report_json(report: ApplyReport) -> str:
    data = report.model_dump(mode="json")
    data["summary"] = report.counts
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
