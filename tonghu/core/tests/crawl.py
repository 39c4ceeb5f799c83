"""Walk a logged-in user's pages in a real browser and report what a phone or an English reader would trip on.

Used by ``test_every_page.py`` (issue 18 §3, §5) and ``scripts/screenshots.py``. From the landing page it follows
every internal link (same origin, GET, not a download or logout), one page per *kind* of URL (digits stand for
any id, so /children/12/ and /children/40/ are one page), up to ``limit`` pages.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Links never followed: they change state, download files, or leave the pages a person reads.
SKIP = re.compile(r"^/(accounts/logout|i18n/|static/|media/|api/|admin/)|/download/|/export\.|/export/|\.(pdf|xlsx|csv|zip|jpg|png)$|/photo/|/document/|/print/")

HAN_OUTSIDE_NAMES = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text || !/[\\u3400-\\u9fff\\uff01-\\uff5e\\u3001-\\u3011]/.test(text)) continue;
    const el = node.parentElement;
    if (!el || el.closest('script,style,noscript,template,[data-i18n-skip],[lang^="zh"]')) continue;
    if (el.closest('[hidden]') ) continue;
    out.push(text.slice(0, 80));
  }
  for (const el of document.querySelectorAll('input[placeholder],[title],[aria-label]')) {
    if (el.closest('[data-i18n-skip],[lang^="zh"]')) continue;
    for (const attr of ['placeholder', 'title', 'aria-label']) {
      const v = el.getAttribute(attr);
      if (v && /[\\u3400-\\u9fff]/.test(v)) out.push(attr + '=' + v.slice(0, 60));
    }
  }
  const title = document.title;
  if (/[\\u3400-\\u9fff]/.test(title.replace(/童护/g, ''))) out.push('title=' + title);
  return out;
}
"""


def url_kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(page, base_url: str, *, start: str = "/", limit: int = 60, check_han: bool = False, width: int = 360):
    """Visit pages from ``start``; returns {path: {"overflow": px beyond the viewport, "han": [texts]}}."""
    origin = urlsplit(base_url)
    queue, seen_kinds, report = [start], set(), {}
    while queue and len(report) < limit:
        path = queue.pop(0)
        kind = url_kind(urlsplit(path).path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = page.goto(urljoin(base_url, path))
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found = {"status": response.status}
        found["overflow"] = page.evaluate("document.documentElement.scrollWidth") - width
        if check_han:
            found["han"] = page.evaluate(HAN_OUTSIDE_NAMES)
        report[path] = found
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if not href or href.startswith(("#", "tel:", "mailto:", "javascript:")):
                continue
            target = urlsplit(urljoin(base_url + path, href))
            if target.netloc and target.netloc != origin.netloc:
                continue
            if SKIP.search(target.path):
                continue
            link = target.path + (f"?{target.query}" if target.query and "page=" not in target.query else "")
            if url_kind(target.path) not in seen_kinds:
                queue.append(link)
    return report


def login(page, base_url: str, username: str, password: str, *, language: str | None = None) -> None:
    page.context.clear_cookies()
    if language:
        page.context.add_cookies([{"name": "tonghu_language", "value": language, "url": base_url}])
    page.goto(urljoin(base_url, "/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
