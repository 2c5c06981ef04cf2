"""Copies the front-end packages from node_modules into src/upstream/static/vendor (run by `make assets`).

GOV.UK Frontend's stylesheet points its fonts and images at /assets/; we serve them under /static/, so the
copied stylesheet has that one path rewritten.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "src" / "upstream" / "static" / "vendor"

FILES = {
    "govuk-frontend/dist/govuk/govuk-frontend.min.js": "govuk-frontend/govuk-frontend.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "vega/build/vega.min.js": "vega/vega.min.js",
    "vega-lite/build/vega-lite.min.js": "vega-lite/vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js": "vega-embed/vega-embed.min.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
}
TREES = {
    "govuk-frontend/dist/govuk/assets": "govuk-frontend/assets",
    "leaflet/dist/images": "leaflet/images",
}


def main() -> int:
    """Copies the vendor files; fails loudly when node_modules is missing a package."""
    if not NODE.is_dir():
        sys.stderr.write("node_modules is missing: run `make install` (it runs `npm ci`).\n")
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in FILES.items():
        src = NODE / source
        if not src.exists():
            sys.stderr.write(f"{src} is missing: is package-lock.json in step with package.json?\n")
            return 1
        (VENDOR / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, VENDOR / target)
    for source, target in TREES.items():
        shutil.copytree(NODE / source, VENDOR / target)
    css = (NODE / "govuk-frontend/dist/govuk/govuk-frontend.min.css").read_text(encoding="utf-8")
    css = css.replace("/assets/", "/static/vendor/govuk-frontend/assets/")
    (VENDOR / "govuk-frontend/govuk-frontend.min.css").write_text(css, encoding="utf-8")
    print(f"Front-end assets copied into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
