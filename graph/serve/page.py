"""The page at serve's /: YASGUI, the SPARQL editor and result viewer people know, vendored in
`static/yasgui/` (npm @zazuko/yasgui 4.6.2, MIT; its bundled packages' licences beside it), so the page
needs no network. It is pointed at /sparql, offers every shipped query (a tab each, run when opened)
and shows results as tables; a header links the files of the output folder. Every text that comes
from a file is escaped (an autoescaping template, the page data as JSON with `<` escaped)."""

from __future__ import annotations

import urllib.parse
from functools import cache
from importlib import resources
from pathlib import Path

from ..query.named import shipped

STATIC = {  # URL path -> (file in the package's static/ folder, media type)
    "/yasgui/yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "/yasgui/yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "/yasgui/LICENSE": ("yasgui/LICENSE", "text/plain; charset=utf-8"),
    "/yasgui/THIRD_PARTY_LICENSES.txt": ("yasgui/THIRD_PARTY_LICENSES.txt", "text/plain; charset=utf-8"),
}
KNOWN_FILES = {
    "stackmap.html": "the interactive map of the stack",
    "report.html": "the report: chokepoints, concentration, value flow",
    "analysis.json": "the analysis results (JSON)",
    "stackmap.trig": "the dataset, one named graph per data file (TriG)",
    "stackmap.nq": "the dataset (N-Quads)",
}
EXAMPLE_QUERY = (
    "PREFIX sm: <https://w3id.org/stackmap/ns/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
    "SELECT ?vendor ?name WHERE { ?vendor a sm:Vendor ; rdfs:label ?name } ORDER BY ?name LIMIT 20\n"
)


def static_file(url_path: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a vendored file the page loads, or None for another path."""
    if url_path not in STATIC:
        return None
    name, media = STATIC[url_path]
    return resources.files(__package__).joinpath("static", name).read_bytes(), media


@cache
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True, keep_trailing_newline=True
    )
    return env.get_template("index.html.j2")


def index_page(root: Path) -> bytes:
    """The page at /: the files of the output folder (the known ones first, described), the shipped
    queries, and YASGUI on /sparql."""
    names = [p.name for p in root.iterdir() if p.is_file() and not p.name.startswith(".")] if root.is_dir() else []
    order = {name: i for i, name in enumerate(KNOWN_FILES)}
    files = [
        {"name": name, "href": urllib.parse.quote(name), "about": KNOWN_FILES.get(name, "")}
        for name in sorted(names, key=lambda n: (order.get(n, len(order)), n))
    ]
    queries = [{"name": q.name, "title": q.title, "question": q.question, "text": q.text} for q in shipped()]
    data = {"example": EXAMPLE_QUERY, "queries": queries}
    missing = [n for n in ("stackmap.html", "report.html") if n not in names]
    return _template().render(files=files, queries=queries, data=data, missing=missing).encode("utf-8")
