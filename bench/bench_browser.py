"""Benchmark: Chromium's first render and one filter change per public page, desktop and phone.

Debian's Chromium via Playwright against one warm `streamlit run serve.py`. Per page and device a
new browser context (a new visitor: empty cache, new session) opens the page and waits until the
app is idle — `stApp` says the script is not running after it ran, no skeleton is left, and no
rerun follows within 0.5 s; *first render* is the time of that last idle change since navigation
start (the page's own clock). Then one real filter of the page is changed (the table below names
it) and *filter change* is from the click or key press to idle again. Desktop: 1280×800. Phone:
390×844, touch, CPU throttled ×4 (CDP `Emulation.setCPUThrottlingRate`). Targets (issue 19):
first render ≤ 2 s, filter change ≤ 0.7 s. Nothing asserted.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.common import PUBLIC_PAGES, Context, single, verdict

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RENDER_TARGET = 2.0
FILTER_TARGET = 0.7
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}, "throttle": 1},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2, "throttle": 4},
}
# Which filter is changed per page: the first selectbox of the page (its next option), else the
# ticket lookup, the catalogue's search, or the sidebar's language switch (a page without
# filters: Beranda, Tentang).
FILTER_OF = {"lacak": "ticket", "layanan": "search", "beranda": "language",
             "tentang": "language"}

# Every change of stApp's script state, with the page's clock (ms since navigation start).
_RECORDER = """
window.__ev = []; window.__t0 = null; window.__arm = false;
const hook = () => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app) { setTimeout(hook, 5); return; }
  const note = () => window.__ev.push([app.getAttribute('data-test-script-state'), performance.now()]);
  note();
  new MutationObserver(note).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
};
hook();
for (const kind of ['pointerdown', 'keydown']) {
  document.addEventListener(kind, () => {
    if (window.__arm) { window.__arm = false; window.__t0 = performance.now(); }
  }, true);
}
"""
# Idle after `since`: a run started after it, the last state is notRunning, no skeleton shown.
_IDLE_AFTER = """since => {
  const ev = window.__ev || [];
  const ran = ev.some(([s, t]) => s === 'running' && t >= since);
  const last = ev[ev.length - 1];
  const busy = document.querySelector('[data-testid=stSkeleton]');
  return ran && last && last[0] === 'notRunning' && !busy ? [ev.length, last[1]] : false;
}"""


def _settle(page, since: float, timeout_ms: int = 120_000) -> float:
    """Wait until idle after `since` and 0.5 s without a new run; the time idle was reached."""
    while True:
        n, at = page.wait_for_function(_IDLE_AFTER, arg=since, timeout=timeout_ms,
                                       polling=50).json_value()
        page.wait_for_timeout(500)
        if page.evaluate("() => window.__ev.length") == n:
            return at


def _arm(page) -> None:
    page.evaluate("() => { window.__arm = true; window.__t0 = null; }")


def _change_filter(page, kind: str) -> tuple[str, float | None]:
    """Change one filter; (what was changed, seconds from the action to idle)."""
    main = page.locator("[data-testid=stMain]")
    if kind == "ticket":
        # the lookup's button, as a phone user taps it (Enter does not submit on a touch device)
        main.locator("[data-testid=stTextInput] input").first.fill("LTR-0000-0000")
        _arm(page)
        main.locator("[data-testid=stFormSubmitButton] button").first.click()
        what = "ticket lookup (an unknown number)"
    elif kind == "search":
        box = main.locator("[data-testid=stTextInput] input").first
        box.fill("akta")
        _arm(page)
        box.press("Enter")
        what = "search 'akta'"
    elif kind == "language":
        radio = page.locator("[data-testid=stSidebar] label", has_text="English").first
        if page.locator("[data-testid=stSidebar][data-collapsed=true]").count():
            page.locator("[data-testid=stExpandSidebarButton]").first.click()
            radio.wait_for(state="visible", timeout=10_000)
            page.wait_for_timeout(600)  # the sidebar slides in over the page
        _arm(page)
        radio.click(force=True)
        what = "language switch id → en (page has no filter)"
    else:
        box = main.locator("[data-testid=stSelectbox]:visible").first
        # filters folded in an expander (opening it runs nothing): open expanders until one shows
        summaries = main.locator("[data-testid=stExpander] summary")
        for i in range(min(summaries.count(), 4)):
            if box.count():
                break
            summaries.nth(i).click()
            page.wait_for_timeout(400)
        if box.count() == 0:
            return "no filter found", None
        label = box.locator("label").first.inner_text().strip()
        box.locator("input").first.click()
        options = page.locator("[role=option]")
        options.first.wait_for(timeout=10_000)
        pick = next((i for i in range(options.count())
                     if options.nth(i).get_attribute("aria-selected") != "true"), 0)
        choice = options.nth(pick).inner_text().strip()
        _arm(page)
        options.nth(pick).click()
        what = f"selectbox '{label}' → '{choice}'"
    page.wait_for_function("() => window.__t0 !== null", timeout=10_000)
    t0 = page.evaluate("() => window.__t0")
    return what, (_settle(page, t0) - t0) / 1000


def _one(browser, base: str, path: str, name: str, device: str) -> dict:
    spec = dict(DEVICES[device])
    throttle = spec.pop("throttle")
    context = browser.new_context(**spec)
    context.add_init_script(_RECORDER)
    out: dict = {"render_s": float("nan"), "filter_s": None, "filter": "", "exceptions": 0}
    try:
        page = context.new_page()
        if throttle > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(f"{base}/{path}", wait_until="commit", timeout=120_000)
        out["render_s"] = _settle(page, 0) / 1000
        out["exceptions"] = page.locator("[data-testid=stException]").count()
        out["filter"], out["filter_s"] = _change_filter(page, FILTER_OF.get(name, "select"))
        return out
    except Exception as exc:  # one page failing is a result, not the end of the run
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        return {**out, "filter": f"error: {type(exc).__name__}: {first_line}"[:160]}
    finally:
        context.close()


def run(ctx: Context, repeat: int | None = None) -> dict:
    """Per page and device: the median of `repeat` first renders and filter changes."""
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not installed"}
    from playwright.sync_api import sync_playwright

    repeat = repeat or (1 if ctx.quick else 3)
    out: dict = {"repeat": repeat, "pages": {}}
    with single(ctx, name="browser") as (port, _pid), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        base = f"http://127.0.0.1:{port}"
        try:
            _one(browser, base, "", "beranda", "desktop")  # the browser's own first start
            for name, path in PUBLIC_PAGES:
                for device in DEVICES:
                    runs = [_one(browser, base, path, name, device) for _ in range(repeat)]
                    renders = [r["render_s"] for r in runs if r["render_s"] == r["render_s"]]
                    changes = [r["filter_s"] for r in runs if r["filter_s"] is not None]
                    out["pages"][(name, device)] = row = {
                        "render_s": statistics.median(renders) if renders else float("nan"),
                        "filter_s": statistics.median(changes) if changes else None,
                        "filter": runs[-1]["filter"],
                        "exceptions": sum(r["exceptions"] for r in runs)}
                    print(f"  {name} {device}: render {row['render_s']:.2f} s, filter "
                          f"{row['filter_s'] if row['filter_s'] is None else round(row['filter_s'], 2)} s")
        finally:
            browser.close()
    return out


def markdown(ctx: Context) -> str:
    """The figures as a table for BENCHMARKS.md."""
    r = run(ctx)
    ctx.results["browser"] = {f"{k[0]}/{k[1]}": v for k, v in r.get("pages", {}).items()}
    if "skipped" in r:
        return f"Not measured: {r['skipped']}."
    lines = [
        f"Scale {ctx.scale:g}; median of {r['repeat']} per page and device. "
        + " ".join(__doc__.split("\n\n")[1].split()),
        "",
        "| page | device | first render s | verdict | filter change s | verdict | filter changed | exceptions |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (name, device), p in r["pages"].items():
        dev = "desktop 1280 px" if device == "desktop" else "phone 390 px, CPU ×4"
        change = "–" if p["filter_s"] is None else f"{p['filter_s']:.2f}"
        lines.append(
            f"| {name} | {dev} | {p['render_s']:.2f} | {verdict(p['render_s'], RENDER_TARGET, ' s')} | "
            f"{change} | {verdict(p['filter_s'], FILTER_TARGET, ' s')} | {p['filter']} | "
            f"{p['exceptions']} |")
    return "\n".join(lines)
