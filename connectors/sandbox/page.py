"""The sandbox's inspection page (``GET /_sandbox/``): what every account holds and heard.

Plain HTML with a little inline CSS, labelled in English and Bahasa Indonesia. Every value
is escaped; credentials never appear (request paths are logged with tokens masked).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from connectors.sandbox.accounts import account_id
from connectors.sandbox.state import SandboxState

REQUESTS_SHOWN = 100
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;color:#1d2433;
padding:0 1rem}h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:2px solid #c8102e}
h3{margin:1.2rem 0 .4rem}table{border-collapse:collapse;width:100%;margin-bottom:.8rem}
th,td{border:1px solid #d5d9e2;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f3f7}td.text{white-space:pre-wrap;max-width:40rem}.muted{color:#6b7385}
.ok{color:#137333}.bad{color:#b3261e}code{font-size:.85em}
"""


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _media(extra: dict) -> str:
    items = extra.get("media") or extra.get("children") or []
    if extra.get("media_url"):
        items = [extra["media_url"], *items]
    for kind in ("photo", "video"):
        if extra.get(kind):
            items = [extra[kind].get("file_id", kind)]
    return ", ".join(escape(str(i.get("url") or i.get("media_type") or i.get("kind") or i)
                            if isinstance(i, dict) else str(i)) for i in items if i) or "—"


def render(state: SandboxState) -> str:
    """The whole page."""
    out = ["<!doctype html><html lang='id'><head><meta charset='utf-8'>",
           "<title>Siaran sandbox</title>", f"<style>{STYLE}</style></head><body>",
           "<h1>Siaran sandbox — platform emulator / emulator platform</h1>",
           f"<p class='muted'>Sandbox time / Waktu sandbox: {escape(_time(state.now()))}</p>"]
    faults = state.faults()
    out.append(f"<p>Active faults / Gangguan aktif: {len(faults)}</p>")
    for platform, accounts in state.accounts().items():
        out.append(f"<h2>{escape(platform)}</h2>")
        for account in accounts:
            ident = account_id(platform, account)
            name = account.get("username") or account.get("name") or account.get("title") or ""
            out.append(f"<h3>{escape(ident)} <span class='muted'>{escape(str(name))}</span></h3>")
            posts = state.posts(platform, ident)
            out.append(f"<p>Posts / Kiriman: {len(posts)}</p>")
            if posts:
                out.append("<table><tr><th>Time / Waktu</th><th>ID</th><th>Text / Teks</th>"
                           "<th>Media</th></tr>")
                out.extend(f"<tr><td>{escape(_time(p.time))}</td><td><code>{escape(p.id)}"
                           f"</code></td><td class='text'>{escape(p.text)}</td>"
                           f"<td>{_media(p.extra)}</td></tr>" for p in reversed(posts))
                out.append("</table>")
            logged = state.requests(platform, ident)[-REQUESTS_SHOWN:]
            out.append(f"<p>Requests / Permintaan: {len(logged)}</p>")
            if logged:
                out.append("<table><tr><th>Time / Waktu</th><th>Request / Permintaan</th>"
                           "<th>Status</th><th>Outcome / Hasil</th></tr>")
                out.extend(
                    f"<tr><td>{escape(_time(r.time))}</td><td><code>{escape(r.method)} "
                    f"{escape(r.path)}</code></td><td class='{'ok' if r.status < 400 else 'bad'}'>"
                    f"{r.status}</td><td>{escape(r.outcome)}</td></tr>"
                    for r in reversed(logged))
                out.append("</table>")
    anonymous = [r for r in state.requests() if r.account is None][-REQUESTS_SHOWN:]
    if anonymous:
        out.append("<h2>Refused or anonymous / Ditolak atau anonim</h2><table><tr>"
                   "<th>Time / Waktu</th><th>Platform</th><th>Request / Permintaan</th>"
                   "<th>Status</th></tr>")
        out.extend(f"<tr><td>{escape(_time(r.time))}</td><td>{escape(r.platform)}</td><td>"
                   f"<code>{escape(r.method)} {escape(r.path)}</code></td><td class='bad'>"
                   f"{r.status}</td></tr>" for r in reversed(anonymous))
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)
