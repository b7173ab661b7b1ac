"""`bcp build`: the plan, validated and analysed, written as PDF and HTML.

    build(result, out_dir, formats=("pdf", "html"), draft=False, pdf_variant=None)

Both files are rendered to temporary files in ``out_dir`` first and renamed into
place only when every requested format rendered; any failure removes the temporary
files and leaves earlier output untouched. The same input and ``SOURCE_DATE_EPOCH``
give byte-identical files: nothing reads the clock or draws random ids.

The PDF renderer fetches nothing but the project's own templates and the plan's own
logo (a URL fetcher that refuses everything else); a refused or failed fetch fails
the build instead of leaving a hole in the document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import pathlib
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import clock
from ..findings import Severity
from . import sources
from .view import NEW_PAGE, build_view

FORMATS = ("pdf", "html")
PDF_VARIANTS = {None: None, "pdf": None, "plain": None, "pdf/a-3b": "pdf/a-3b"}
FONT_STACK = '"Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif'


class BuildError(Exception):
    """A build that cannot be done; the message is printed as is (exit 1)."""


#: temporary files staged by the builds of this process and not yet renamed or removed
_STAGED: set[str] = set()


def discard_staged() -> None:
    """Remove every staged temporary file: a stop signal is ending the process."""
    for tmp in list(_STAGED):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _STAGED.discard(tmp)


# --- templates ------------------------------------------------------------------------------


def templates_dir() -> pathlib.Path:
    """The installed package's ``bcp/templates`` first, else the repository's ``templates/``."""
    here = pathlib.Path(__file__).resolve().parent
    for cand in (here.parent / "templates", here.parent.parent / "templates"):
        if (cand / "document.html.j2").is_file():
            return cand
    raise BuildError("document templates not found (expected bcp/templates or templates/ beside the package)")


def _env(tdir: pathlib.Path):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(tdir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["words"] = keep_words
    return env


def keep_words(text) -> "Markup":
    """Plan text (escaped) whose words never break inside: Korean titles wrap at spaces only."""
    from markupsafe import Markup, escape

    parts = str(text).split(" ")
    return Markup(" ").join(Markup('<span class="w">%s</span>') % escape(p) if p else Markup("") for p in parts)


def css_string(s: str) -> str:
    """A CSS string literal for our own labels: every non-alphanumeric char escaped."""
    out = []
    for ch in str(s):
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'


def render_html(result: Any, *, draft: bool, media: str, logo: sources.Logo | None, git: list[dict],
                stamp: str) -> str:
    """The document as HTML: ``media`` "pdf" (paged, logo by URL) or "html" (self-contained)."""
    tdir = templates_dir()
    env = _env(tdir)
    logo_ref = None
    if logo is not None:
        logo_ref = logo.data_uri if media == "html" else pathlib.Path(logo.path).as_uri()
    doc = build_view(result, draft=draft, git_log=git, logo_uri=logo_ref)
    css = (tdir / "document.css").read_text(encoding="utf-8")
    print_css = (tdir / "print.css").read_text(encoding="utf-8")
    if media == "pdf":
        css += "\n" + print_css
    else:
        # the page prints as the PDF does (A4, running header and footer, page breaks)
        css += "\n@media screen {\n" + (tdir / "screen.css").read_text(encoding="utf-8") + "\n}\n"
        css += "@media print {\n" + print_css + "\n}\n"
    L = doc.L
    if doc.lang == "ko":
        page_css = f'counter(page) " / " counter(pages) " " {css_string(L["page"])}'
    else:
        page_css = f'{css_string(L["page"])} " " counter(page) " " {css_string(L["page.of"])} " " counter(pages)'
    tpl = env.get_template("document.html.j2")
    return tpl.render(doc=doc, d=doc.data, L=L, m=doc.meta, media=media, css=css, font_stack=FONT_STACK, stamp=stamp,
                      page_css=page_css, newpage=NEW_PAGE)


# --- the PDF side ---------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves the allowed files from memory or the template folder; refuses everything else."""

        def __init__(self, allowed: dict[str, bytes], tdir: pathlib.Path):
            super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True, timeout=1)
            self._allowed = allowed
            self._tdir = tdir.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                self.refused.append(url)
                raise _Refused(f"refused to fetch {url[:200]}")
            path = os.path.realpath(unquote(parts.path))
            if path in self._allowed:
                return URLFetcherResponse(url, self._allowed[path], status=200)
            tdir = str(self._tdir)
            if os.path.commonpath([tdir, path]) == tdir and os.path.isfile(path):
                with open(path, "rb") as fh:
                    return URLFetcherResponse(url, fh.read(), status=200)
            self.refused.append(url)
            raise _Refused(f"refused to fetch {url[:200]}")

    return LocalOnlyFetcher


class _LogCatcher(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:  # noqa: BLE001
            self.messages.append(str(record.msg))


def _fatal(msg: str) -> bool:
    m = msg.lower()
    return any(w in m for w in ("fail", "refus", "error", "unable", "cannot", "not found"))


def render_pdf(html: str, result: Any, *, logo: sources.Logo | None, attachments: list[tuple[str, bytes]],
               stamp_dt: dt.datetime, pdf_variant: str | None) -> bytes:
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    tdir = templates_dir()
    allowed = {os.path.realpath(logo.path): logo.data} if logo else {}
    fetcher = _fetcher_class()(allowed, tdir)
    atts = [
        weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, description=f"plan source: {name}",
                              created=stamp_dt, modified=stamp_dt, relationship="Source")
        for name, data in attachments
    ]
    catcher = _LogCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        doc = weasyprint.HTML(string=html, base_url=tdir.as_uri() + "/", url_fetcher=fetcher)
        ident = hashlib.md5(html.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")
        pdf = doc.write_pdf(attachments=atts, pdf_variant=pdf_variant, pdf_identifier=ident, uncompressed_pdf=False)
    except FatalURLFetchingError as e:
        raise BuildError(f"the document refers to a resource it may not fetch: {e}") from None
    finally:
        logger.removeHandler(catcher)
    if fetcher.refused:
        raise BuildError(f"the document refers to a resource it may not fetch: {fetcher.refused[0][:200]}")
    bad = [m for m in catcher.messages if _fatal(m)]
    if bad:
        raise BuildError(f"PDF rendering failed: {bad[0][:300]}")
    return pdf


# --- the build ----------------------------------------------------------------------------------------


def _stamp(as_of: dt.date) -> dt.datetime:
    """The document's timestamp: SOURCE_DATE_EPOCH when set, else midnight of the as-of date."""
    try:
        s = clock.source_datetime()
    except ValueError:
        s = None
    return s if s is not None else dt.datetime(as_of.year, as_of.month, as_of.day)


def _attachment_names(files: list[str]) -> list[str]:
    names, seen = [], set()
    for f in files:
        base = os.path.basename(f) or "plan.yaml"
        name, i = base, 1
        while name in seen:
            i += 1
            stem, ext = os.path.splitext(base)
            name = f"{stem}-{i}{ext}"
        seen.add(name)
        names.append(name)
    return names


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def build(result: Any, out_dir: str, formats=FORMATS, *, draft: bool = False, pdf_variant: str | None = None) -> list[str]:
    """Render the document; returns the paths written (PDF first, then HTML)."""
    formats = tuple(dict.fromkeys(formats or FORMATS))
    for f in formats:
        if f not in FORMATS:
            raise BuildError(f"unknown output format '{f}' (choose pdf or html)")
    if pdf_variant not in PDF_VARIANTS:
        raise BuildError(f"unknown PDF variant '{pdf_variant}' (choose pdf/a-3b, or none for plain PDF)")
    variant = PDF_VARIANTS[pdf_variant]
    plan = getattr(result, "plan", None)
    if plan is None or getattr(result, "ctx", None) is None:
        raise BuildError(f"{result.source.name}: the plan could not be read, so there is nothing to build; run bcp validate")
    errors = [f for f in result.findings if f.accepted is None and f.severity == Severity.ERROR]
    if errors and not draft:
        raise BuildError(f"{result.source.name}: {len(errors)} error(s); fix them, or build a draft with --draft")

    files = list(result.source.files)
    srcs: list[tuple[str, bytes]] = []
    for name, f in zip(_attachment_names(files), files):
        try:
            with open(f, "rb") as fh:
                srcs.append((name, fh.read()))
        except OSError as e:
            raise BuildError(f"{f}: cannot be read: {e.strerror or e}") from None

    logo = None
    if plan.plan.logo:
        naming = sources.naming_file(result)
        if naming is None:
            raise BuildError(f"{result.source.name}: cannot tell which file names plan.logo")
        try:
            logo = sources.read_logo(plan.plan.logo, naming)
        except sources.LogoError as e:
            raise BuildError(f"{naming}: {e}") from None

    git = sources.git_log(files)
    stamp_dt = _stamp(result.as_of)
    stamp = stamp_dt.strftime("%Y-%m-%dT%H:%M:%SZ")

    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise BuildError(f"{out_dir}: cannot create the output folder: {e.strerror or e}") from None
    if not os.path.isdir(out_dir):
        raise BuildError(f"{out_dir}: not a folder")

    pid = plan.plan.id
    targets = {f: os.path.join(out_dir, f"{pid}.{f}") for f in FORMATS if f in formats}
    temps: dict[str, str] = {}
    mode = 0o666 & ~_umask()
    try:
        def stage(fmt: str, data: bytes) -> None:
            # The name goes into the clean-up list *before* the file exists, so a stop
            # signal arriving right after its creation cannot leave it behind.
            for n in range(1000):
                tmp = os.path.join(out_dir, f".{pid}.{os.getpid()}-{n}.{fmt}.tmp")
                temps[fmt] = tmp
                _STAGED.add(tmp)
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    break
                except FileExistsError:
                    _STAGED.discard(tmp)
                    continue
            else:
                raise BuildError(f"{out_dir}: cannot create a temporary file")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)

        if "html" in targets:
            stage("html", render_html(result, draft=draft, media="html", logo=logo, git=git, stamp=stamp).encode("utf-8"))
        if "pdf" in targets:
            html = render_html(result, draft=draft, media="pdf", logo=logo, git=git, stamp=stamp)
            stage("pdf", render_pdf(html, result, logo=logo, attachments=srcs, stamp_dt=stamp_dt, pdf_variant=variant))
        # Rename only when every target can take its file: a folder in the way would
        # otherwise fail the second rename after the first one had replaced its file.
        for target in targets.values():
            if os.path.isdir(target):
                raise BuildError(f"{target}: a folder is in the way of the document")
        written = []
        for fmt in FORMATS:
            if fmt in targets:
                os.replace(temps[fmt], targets[fmt])
                _STAGED.discard(temps.pop(fmt))
                written.append(targets[fmt])
        return written
    except BuildError:
        raise
    except OSError as e:
        raise BuildError(f"{out_dir}: cannot write the document: {e.strerror or e}") from None
    finally:
        for tmp in temps.values():
            try:
                os.unlink(tmp)
            except OSError:
                pass
            _STAGED.discard(tmp)
