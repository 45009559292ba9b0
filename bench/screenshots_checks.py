"""Screenshots of what the site shows about checks and reviews, from the example log
(notebooks/orders-service), in Debian's Chromium driven by Playwright.

    python bench/screenshots_checks.py [--out bench/screenshots]

Builds the example log's site into a temporary folder (the recorded results as they
are; no check runs) and saves: the index with its Check column, the index filtered to
failing checks, a failing check's Confirmation panel, a stale one with its figure, and
the debt page.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "notebooks" / "orders-service"
CHROMIUM = "/usr/bin/chromium"
SHOTS = [
    ("index.png", "index.html", "main"),
    ("index-failing-checks.png", "index.html?check=failed", "main"),
    ("decision-failing-check.png", "0003-expose-the-orders-api-over-rest.html", "#confirmation"),
    ("decision-stale-check.png", "0005-guard-payments-with-a-circuit-breaker-and-a-work-queue.html", "#confirmation"),
    ("decision-review.png", "0003-expose-the-orders-api-over-rest.html", ".adr-meta"),
    ("debt.png", "debt.html", "main"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "screenshots")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from adrkit.publish import BuildOptions, build_site
    from adrkit.storage.log import find_log

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "orders-service"
        shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".adrkit-cache"))
        site = Path(tmp) / "site"
        report = build_site(find_log(root / "decisions"), BuildOptions(out=site, cache_dir=Path(tmp) / "cache"))
        assert not report.failures, report.failures
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            for name, url, selector in SHOTS:
                page.goto((site / url.split("?")[0]).as_uri() + ("?" + url.split("?")[1] if "?" in url else ""))
                page.locator(selector).first.screenshot(path=str(args.out / name))
                print(args.out / name)
            browser.close()


if __name__ == "__main__":
    main()
