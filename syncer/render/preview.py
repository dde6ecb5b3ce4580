"""RENDER previews (pure): a campaign's remote and desired objects -> HTML pages that show its
email before and after, side by side, and an index of them.

Takes `Preview` values (built by `workflows.preview` from the plan, the files and what was
read); returns documents as strings keyed by their path under the preview directory. Every
page works offline and never fetches anything: a Content-Security-Policy allows only inline
styles and `data:` images, and remote images are replaced by a placeholder naming them, so a
preview never calls a tracking pixel. Personalization tokens (`{{UserAttribute['First
Name']}}`) are shown as written, unless a sample profile fills them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from syncer.model.plan import CampaignPlan
from syncer.render.content import emails_of

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "form-action 'none'; base-uri 'none'"
)
"""For email documents: nothing loads but the document itself and its `data:` images."""
PAGE_CSP = (
    "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
    "frame-src 'self' file:; form-action 'none'; base-uri 'none'"
)
"""For the side-by-side pages: their own screenshots and framed email documents too."""
WIDTHS = (600, 375)
"""Screenshot widths: a desktop email client's reading pane, a phone."""
PREVIEWED = ("create", "update", "replace")

_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
# What a Content-Security-Policy does not stop: a meta refresh navigates away (and fetches),
# and link hints (dns-prefetch, preconnect) may resolve or connect. Both are dropped.
_NAVIGATORS = re.compile(
    r"""<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*>|<link\b[^>]*>""", re.IGNORECASE
)
_SRCSET = re.compile(r"""\s(?:srcset|data-src)\s*=\s*(["']).*?\1""", re.IGNORECASE | re.DOTALL)
_TOKEN = re.compile(
    r"\{\{\s*UserAttribute\[['\"]([^'\"]+)['\"]\]\s*"
    r"(?:\|\s*default\(\s*['\"]([^'\"]*)['\"]\s*\)\s*)?\}\}"
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Email:
    """One email as a reader gets it: its header lines and its HTML (None: not known)."""

    facts: tuple[tuple[str, str], ...] = ()
    html: str | None = None
    note: str = ""
    """Why there is nothing to show (a new campaign, content Batch cannot show)."""


@dataclass(frozen=True)
class Pair:
    """Before and after of one email of a campaign (per locale and A/B variation)."""

    label: str
    before: Email
    after: Email


@dataclass(frozen=True)
class Preview:
    campaign: CampaignPlan
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class Documents:
    """What a preview directory holds: HTML documents and the screenshots to take."""

    files: dict[str, str] = field(default_factory=dict)
    shots: list[tuple[str, str, int]] = field(default_factory=list)
    """(email document, PNG path, width) under the directory."""


def previewed(campaign: CampaignPlan) -> bool:
    """Does `syncer preview` write a page for this campaign (and the Markdown link to it)?"""
    return campaign.action in PREVIEWED


def page_path(campaign: CampaignPlan) -> str:
    """The campaign's page under the preview directory: `<target>/<key without .yaml>.html`."""
    stem = campaign.key.removesuffix(".yaml")
    parts = [_UNSAFE.sub("_", p) for p in stem.split("/") if p not in ("", ".", "..")]
    return "/".join([_UNSAFE.sub("_", campaign.target), *parts]) + ".html"


def page_url(base: str | None, campaign: CampaignPlan) -> str | None:
    """Where the campaign's page is published, given `--preview-url`.

    A URL ending in `/` is the preview directory: the page's path is appended. `{page}` in a
    URL is replaced by the page's path. Any other URL (a GitHub artifact, which downloads as
    one zip) is the same link for every campaign; the comment then names the page to open.
    """
    if not base or not previewed(campaign):
        return None
    page = quote(page_path(campaign))
    if "{page}" in base:
        return base.replace("{page}", page)
    return base + page if base.endswith("/") else base


def pairs_of(
    provider: str, before: dict[str, Any] | None, after: dict[str, Any], before_note: str
) -> tuple[Pair, ...]:
    """The emails (or push messages) of a campaign's remote and desired objects, paired by
    locale and variation; `before_note` says why there is no `before` when there is none."""
    old = dict(emails_of(provider, before)) if before is not None else {}
    new = dict(emails_of(provider, after))
    pairs = []
    for label in [*new, *(k for k in old if k not in new)]:
        gone = Email(note="not in the file: this email is no longer sent")
        missing = Email(note=before_note if not old else "not in the remote campaign")
        pairs.append(Pair(label, _email(old.get(label), missing), _email(new.get(label), gone)))
    return tuple(pairs)


def _email(found: tuple[tuple[tuple[str, str], ...], str | None] | None, absent: Email) -> Email:
    if found is None:
        return absent
    facts, body = found
    return Email(facts=facts, html=body, note="" if body is not None else "no HTML content")


def _placeholder(url: str) -> str:
    label = html.escape(url if len(url) <= 60 else url[:57] + "...", quote=True)
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='60'>"
        "<rect width='100%' height='100%' fill='#eee' stroke='#999' stroke-dasharray='4'/>"
        "<text x='8' y='24' font-family='sans-serif' font-size='12' fill='#555'>"
        "remote image not loaded</text>"
        f"<text x='8' y='44' font-family='monospace' font-size='10' fill='#777'>{label}</text>"
        "</svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def offline(body: str) -> str:
    """The email's HTML with every remote image replaced by a placeholder naming it, and no
    meta refresh or `<link>` (stylesheets could not load anyway)."""

    def swap(match: re.Match[str]) -> str:
        url = html.unescape(match.group(3))
        if url.startswith("data:"):
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{_placeholder(url)}{match.group(2)}"

    return _IMG_SRC.sub(swap, _SRCSET.sub("", _NAVIGATORS.sub("", body)))


def personalize(body: str, profile: dict[str, str] | None) -> str:
    """Fill `{{UserAttribute['Name']}}` tokens (plain, or with `| default('...')`) from a
    sample profile; other tokens stay as written."""
    if not profile:
        return body

    def fill(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in profile:
            return html.escape(profile[name])
        # The profile lacks it: a user without the attribute gets the token's default.
        return html.escape(default) if default is not None else match.group(0)

    return _TOKEN.sub(fill, body)


def email_document(email: Email, profile: dict[str, str] | None = None) -> str:
    """A standalone document of one email, as a browser renders it (and screenshots it)."""
    head = f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><meta charset="utf-8">'
    if email.html is None:
        note = html.escape(email.note or "nothing to show")
        return (
            f'<!doctype html>{head}<body style="font-family:sans-serif;color:#666;'
            f'padding:24px"><p><i>{note}</i></p></body>'
        )
    body = offline(personalize(email.html, profile))
    return f"<!doctype html>{head}{_envelope(email, profile)}{body}"


def _envelope(email: Email, profile: dict[str, str] | None) -> str:
    """The lines an inbox shows above the email (subject, sender, preview text), drawn as a
    band at the top, so that a screenshot shows a changed subject too."""
    rows = "".join(
        f"<div><b>{html.escape(k)}:</b> {personalize(html.escape(v, quote=False), profile)}</div>"
        for k, v in email.facts
    )
    if not rows:
        return ""
    return (
        '<div style="font:13px/1.4 sans-serif;background:#f4f4f4;color:#333;'
        f'border-bottom:1px solid #ccc;padding:8px 12px;margin:0">{rows}</div>'
    )


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:16px;color:#222}"
    ".pair{display:flex;gap:16px;flex-wrap:wrap}.side{flex:1;min-width:380px}"
    ".side iframe{width:100%;height:720px;border:1px solid #ccc;background:#fff}"
    ".note{color:#666}"
    "h1{font-size:1.3em}h2{font-size:1.1em}h3{margin:8px 0}code{background:#f3f3f3;padding:0 3px}"
)


def _side(name: str, email: Email, doc: str, document: str, pngs: list[tuple[int, str]]) -> str:
    # The document is framed inline (srcdoc): a file:// page may not frame another file, and
    # the frame inherits this page's policy (no fetch), and `sandbox` (no script, no form).
    shots = " · ".join(f'<a href="{html.escape(p)}">{w} px PNG</a>' for w, p in pngs)
    note = f"<p class=note>{html.escape(email.note)}</p>" if email.note else ""
    return (
        f"<div class=side><h3>{name}</h3>{note}"
        f'<iframe sandbox="" srcdoc="{html.escape(document, quote=True)}" title="{name}">'
        f'</iframe><p><a href="{html.escape(doc)}">HTML</a>'
        f" · {shots or 'no screenshots (no browser found)'}</p></div>"
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{PAGE_CSP}">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def documents(
    previews: list[Preview], *, shots: bool, profile: dict[str, str] | None = None
) -> Documents:
    """Every document of the preview directory (and the screenshots to take, if `shots`)."""
    out = Documents()
    for preview in previews:
        campaign = preview.campaign
        page = page_path(campaign)
        folder = page.removesuffix(".html")
        stem = folder.rsplit("/", 1)[-1]
        sections = []
        for index, pair in enumerate(preview.pairs, start=1):
            sides = []
            for side, email in (("before", pair.before), ("after", pair.after)):
                doc = f"{folder}/{index}-{side}.html"
                document = email_document(email, profile)
                out.files[doc] = document
                pngs = []
                if shots:
                    for width in WIDTHS:
                        png = f"{folder}/{index}-{side}-{width}.png"
                        out.shots.append((doc, png, width))
                        pngs.append((width, f"{stem}/{index}-{side}-{width}.png"))
                words = "before (remote)" if side == "before" else "after (desired)"
                local = f"{stem}/{index}-{side}.html"
                sides.append(_side(words, email, local, document, pngs))
            label = f"<h2>{html.escape(pair.label)}</h2>" if pair.label else ""
            sections.append(f"{label}<div class=pair>{''.join(sides)}</div>")
        title = f"{campaign.action}: {campaign.target} / {campaign.key}"
        name = f" — {html.escape(campaign.name)}" if campaign.name else ""
        up = "../" * page.count("/")
        body = (
            f'<p><a href="{up}index.html">all previews</a> · {html.escape(campaign.action)} in '
            f"target <code>{html.escape(campaign.target)}</code></p>"
            f"<h1><code>{html.escape(campaign.key)}</code>{name}</h1>"
            f"{''.join(sections) or '<p class=note>no email or message content</p>'}"
        )
        out.files[page] = _page(title, body)
    out.files["index.html"] = _index(previews, shots)
    return out


def _index(previews: list[Preview], shots: bool) -> str:
    items = []
    for preview in previews:
        c = preview.campaign
        name = f" — {html.escape(c.name)}" if c.name else ""
        href = html.escape(quote(page_path(c)))
        items.append(
            f'<li>{html.escape(c.action)} <a href="{href}"><code>{html.escape(c.target)} / '
            f"{html.escape(c.key)}</code></a>{name}</li>"
        )
    note = "" if shots else "<p class=note>No browser was found: HTML previews only.</p>"
    body = (
        f"<h1>campaign-syncer previews</h1>{note}"
        f"<ul>{''.join(items) or '<li>the plan creates or changes no campaign</li>'}</ul>"
    )
    return _page("campaign-syncer previews", body)
