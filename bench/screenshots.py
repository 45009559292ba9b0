"""The visual reference of a trade-off on the published page: the example log's 0006
(Kafka supersedes RabbitMQ) at 1280 and 390 pixels wide, light and dark, from the
what-if controls down to the charts, plus the same page exploring "Replay" at 0.9 (past
its flip: RabbitMQ wins) and the "what changed" section.

Run: python bench/screenshots.py [--out bench/screenshots]
Uses Debian's Chromium through Playwright; writes small palette PNGs.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PAGE = "0006-publish-order-events-through-kafka.html"


def build(folder: Path) -> Path:
    from adrkit.publish import BuildOptions, build_site
    from adrkit.storage.log import find_log

    shutil.copytree(ROOT / "notebooks" / "orders-service" / "decisions", folder / "decisions")
    (folder / ".adrkit.yaml").write_text("decisions: decisions\n", encoding="utf-8")
    report = build_site(find_log(start=folder), BuildOptions(out=folder / "site", cache_dir=folder / ".cache"))
    if report.failures:
        raise SystemExit(f"build failed: {report.failures}")
    return folder / "site"


def shrink(path: Path) -> None:
    from PIL import Image

    image = Image.open(path).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def region(page, top: str, bottom: str) -> dict:
    """The page area from the top of `top` to the bottom of `bottom` (CSS selectors)."""
    box = page.evaluate("""([a, b]) => {
        const t = document.querySelector(a).getBoundingClientRect(), u = document.querySelector(b).getBoundingClientRect();
        return {x: 0, y: t.top + window.scrollY - 8, width: document.documentElement.clientWidth,
                height: u.bottom - t.top + 16};
    }""", [top, bottom])
    return box


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = build(Path(tmp))
        url = (site / PAGE).as_uri()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        shots = []
        for width in (1280, 390):
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                page.goto(url)
                path = args.out / f"tradeoff-{width}-{scheme}.png"
                page.screenshot(path=str(path), full_page=True, clip=region(page, ".whatif", ".adrkit-charts"))
                shots.append(path)
                if scheme == "light":
                    page.goto(url + "?w=Replay~0.9")
                    path = args.out / f"tradeoff-{width}-exploring.png"
                    page.screenshot(path=str(path), full_page=True, clip=region(page, ".whatif", ".adrkit-charts"))
                    shots.append(path)
                if width == 1280 and scheme == "light":
                    path = args.out / "what-changed-1280.png"
                    page.locator("section.adr-changes").screenshot(path=str(path))
                    shots.append(path)
                context.close()
        browser.close()
    for path in shots:
        shrink(path)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
