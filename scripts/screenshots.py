"""Screenshots of each role's landing page at 360 px and 1280 px, in Chinese and English (issue 18).

    python scripts/screenshots.py OUT_DIR [--base http://127.0.0.1:8000] [--password tonghu-demo-2026]

Needs a running demo county (``tonghu demo``, or ``manage.py demo --no-serve`` then ``runserver``) and Playwright
with Debian's Chromium (/usr/bin/chromium). Writes OUT_DIR/<role>-<language>-<width>.png (full page).
Do not commit the PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ACCOUNTS = {
    "child_director": "zhuren001", "supervisor": "dudao01", "county_officer": "jingban", "county_manager": "fuze",
    "city_staff": "shiji", "province_staff": "shengji", "reporter_school": "jiaoshi", "reporter_police": "jingcha",
    "procurator": "jiancha", "auditor": "shenji", "sysadmin": "admin",
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="tonghu-demo-2026")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    written = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for width, height in ((360, 740), (1280, 800)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for language in ("zh-hans", "en"):
                for role, username in ACCOUNTS.items():
                    context.clear_cookies()
                    context.add_cookies([{"name": "tonghu_language", "value": language, "url": args.base}])
                    page.goto(args.base.rstrip("/") + "/accounts/login/")
                    page.fill("#id_username", username)
                    page.fill("#id_password", args.password)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("load")
                    if "/accounts/login/" in page.url:
                        print(f"{username}: login failed, skipped", file=sys.stderr)
                        continue
                    path = args.out / f"{role}-{language}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    print(f"{path}  {page.url}  scrollWidth={scroll}")
                    written += 1
            context.close()
        browser.close()
    print(f"{written} screenshots in {args.out}")
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
