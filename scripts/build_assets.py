"""Copies the front-end packages from node_modules into src/upstream/static/vendor (run by `make assets`).

GOV.UK Frontend's stylesheet points its fonts and images at /assets/; we serve them under /static/, so the
copied stylesheet has that one path rewritten.

vega-interpreter (Vega's CSP-safe expression evaluator: the default parser compiles expressions with
``new Function``, which the strict CSP forbids) ships only as an ES module importing three names from
vega-util. The vega bundle exports those same names, so the module is wrapped into a classic script that
takes them from ``window.vega`` and publishes ``window.vegaExpressionInterpreter``.
"""

from __future__ import annotations

import re
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


INTERPRETER = "vega-interpreter/build/vega-interpreter.js"
INTERPRETER_TARGET = "vega-interpreter/vega-interpreter.js"
_IMPORT = re.compile(r"^import \{([^}]*)\} from 'vega-util';$", re.MULTILINE)
_EXPORT = re.compile(r"^export \{ expression as expressionInterpreter \};?$", re.MULTILINE)


def classic_interpreter(module_source: str) -> str:
    """Returns vega-interpreter's ES module as a classic script using the vega bundle's vega-util names."""
    imported = _IMPORT.search(module_source)
    exported = _EXPORT.search(module_source)
    if imported is None or exported is None:
        raise ValueError("vega-interpreter's module no longer has the import and export this script rewrites")
    names = ", ".join(name.strip() for name in imported.group(1).split(","))
    body = _EXPORT.sub("window.vegaExpressionInterpreter = expression;", _IMPORT.sub("", module_source))
    body = re.sub(r"^//# sourceMappingURL=.*$", "", body, flags=re.MULTILINE)  # the map is not copied
    header = "/* vega-interpreter, wrapped by scripts/build_assets.py */\n(function () {\n"
    return f"{header}const {{ {names} }} = window.vega;\n{body}\n}})();\n"


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
    interpreter = NODE / INTERPRETER
    if not interpreter.exists():
        sys.stderr.write(f"{interpreter} is missing: is package-lock.json in step with package.json?\n")
        return 1
    (VENDOR / INTERPRETER_TARGET).parent.mkdir(parents=True, exist_ok=True)
    (VENDOR / INTERPRETER_TARGET).write_text(
        classic_interpreter(interpreter.read_text(encoding="utf-8")), encoding="utf-8"
    )
    css = (NODE / "govuk-frontend/dist/govuk/govuk-frontend.min.css").read_text(encoding="utf-8")
    css = css.replace("/assets/", "/static/vendor/govuk-frontend/assets/")
    (VENDOR / "govuk-frontend/govuk-frontend.min.css").write_text(css, encoding="utf-8")
    print(f"Front-end assets copied into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
