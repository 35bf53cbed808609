"""The service sections as a whole: in the navigation, usable by keyboard, readable at phone
width, and built without innerHTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from .conftest import SAM_STACK, Site
from .helpers import physical_ids, wait_until

STATIC = Path(__file__).resolve().parents[2] / "src" / "statewright" / "console" / "static" / "js"
SECTIONS = ["stacks", "functions", "logs", "tables", "buckets", "apis"]


def detail_pages(site: Site) -> list[str]:
    ids = physical_ids(site.base, SAM_STACK)
    return [f"#/stacks/{SAM_STACK}", f"#/functions/{ids['GreetFunction']}",
            f"#/logs/{quote('/aws/lambda/' + ids['GreetFunction'], safe='')}", f"#/tables/{ids['OrdersTable']}",
            f"#/buckets/{ids['FilesBucket']}", f"#/apis/{ids['ServerlessHttpApi']}",
            # A REST API's page as an execution's "started by" link opens it (route and request shown).
            f"#/apis/{ids['ServerlessRestApi']}?type=rest&stage=Prod&route={quote('POST /greetings')}"
            f"&request=0b9c6c7e-5d3e-4a8e-9a51-2f0c4f3f9d21&execution="
            f"{quote(ids['GreetMachine'].replace(':stateMachine:', ':execution:') + ':a-long-execution-name', safe='')}"]


def test_every_section_is_in_the_navigation_and_reachable_by_keyboard(page: Any, sam_site: Site) -> None:
    page.goto(sam_site.url("#/stacks"))
    page.wait_for_selector("#stacks")
    labels = page.locator("#nav a").all_inner_texts()
    for label in ("Stack", "Lambda", "Logs", "DynamoDB", "S3", "API Gateway"):
        assert label in labels
    # Tab from the top of the page to the Lambda section, then to the function and its tabs.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Lambda":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#functions")
    page.locator("#functions a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#function-config")
    page.get_by_role("tab", name="Configuration").focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "() => document.activeElement.textContent === 'Invocations'")
    assert "tab=invocations" in page.url


def test_phone_width_has_no_sideways_scrolling(browser: Any, sam_site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for fragment in [f"#/{s}" for s in SECTIONS] + detail_pages(sam_site):
            page.goto(sam_site.url(fragment))
            wait_until(page, "() => document.querySelector('main .view') && !document.querySelector('main .notice-loading')")
            width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert width <= 1, f"{fragment} scrolls sideways by {width} px"
        assert errors == []
    finally:
        context.close()


def test_views_build_dom_nodes_not_html_strings() -> None:
    for path in STATIC.rglob("*.js"):
        text = path.read_text()
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert banned not in text, f"{path.name} uses {banned}"


# WCAG contrast of every element that holds text: its colour against the first opaque
# background behind it (disabled controls excepted, as WCAG does).
CONTRAST = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest(':disabled, [hidden]') || !el.getClientRects().length) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const a = lum(rgb(getComputedStyle(el).color)); const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return low;
}"""


def test_text_has_readable_contrast(page: Any, sam_site: Site) -> None:
    for fragment in [f"#/{s}" for s in SECTIONS] + detail_pages(sam_site):
        page.goto(sam_site.url(fragment))
        wait_until(page, "() => document.querySelector('main .view') && !document.querySelector('main .notice-loading')")
        page.wait_for_timeout(300)
        assert page.evaluate(CONTRAST) == [], fragment


def test_a_server_without_the_services_gets_an_error_notice_not_a_broken_page(page: Any, fake_site: Site) -> None:
    # The fake site speaks Step Functions only: every other section must say what failed.
    for section in SECTIONS:
        page.goto(fake_site.url(f"#/{section}"))
        page.wait_for_selector("main .notice-error")
        assert page.locator("main .notice-error strong").inner_text().strip() != ""
