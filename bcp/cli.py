"""The `bcp` command line: a thin layer over the engine, the reporters and the renderer.

Exit codes (spec §6): 0 no errors (warnings allowed unless --strict); 1 findings that
fail; 2 usage error; 3 a bug in bcp, reported as one line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import gc
import contextlib
import json
import os
import re
import signal
import sys
import threading
from typing import Callable

import click

from . import __version__, clock
from .loader import UsageError, discover

#: set by `entry()`: running as the `bcp` program, not called in-process (tests, embedding)
_AS_PROGRAM = False

FORMAT_CHOICES = click.Choice(["text", "json", "github", "sarif"])


def default_as_of() -> dt.date:
    """Today, or the UTC date of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    try:
        return clock.today()
    except ValueError as e:
        raise click.UsageError(str(e)) from None


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return default_as_of()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint="--as-of") from None


#: worker processes of a parallel build running in this (main) process
_POOL_PROCS: list = []
_STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def _discard_staged() -> None:
    mod = sys.modules.get("bcp.render.build")
    if mod is not None:
        mod.discard_staged()


def _stop_now(signum, frame):  # noqa: ARG001 - a signal handler's signature
    """Ctrl-C, SIGTERM or SIGHUP during a build: stop the workers, remove every temporary
    file this process staged, say so in one line, and end the process at once.

    Raising an exception from the handler instead is not enough: library code between
    us and the signal (a serializer calling back into Python, a thread pool) may catch
    and wrap it, and the build would end as an internal error with its files left."""
    for p in list(_POOL_PROCS):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.kill(p.pid, signal.SIGTERM)
    for p in list(_POOL_PROCS):
        with contextlib.suppress(Exception):
            p.join(30)
    _discard_staged()
    name = signal.Signals(signum).name
    msg = "bcp: interrupted\n" if name == "SIGINT" else f"bcp: stopped by {name}\n"
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    with contextlib.suppress(OSError):
        os.write(2, msg.encode())
    os._exit(128 + signum)


@contextlib.contextmanager
def _stoppable():
    """While a build runs, a stop signal cleans up and ends the program (see `_stop_now`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {}
    for name in _STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None:
            old[sig] = signal.signal(sig, _stop_now)
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _guard(fn: Callable[[], int]) -> None:
    """Run a command body; turn every unexpected exception into one line and exit 3."""
    try:
        code = fn()
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except UsageError as e:
        click.echo(f"bcp: {e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("bcp: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - the promise is: never a traceback
        where = ""
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        click.echo(f"bcp: internal error ({type(e).__name__}: {e}{where}); please report it", err=True)
        sys.exit(3)
    sys.exit(code)


common_as_of = click.option("--as-of", "as_of", metavar="DATE", help="Date the overdue checks use (default: today, or SOURCE_DATE_EPOCH's UTC date).")
common_strict = click.option("--strict", is_flag=True, help="Warnings fail too.")
common_format = click.option("--format", "fmt", type=FORMAT_CHOICES, default="text", show_default=True, help="Findings format.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bcp")
def main() -> None:
    """bcp: check business-continuity plans written in YAML and build their documents."""


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path())
@common_as_of
@common_strict
@common_format
def validate(plans: tuple[str, ...], as_of: str | None, strict: bool, fmt: str) -> None:
    """Load, schema-check and cross-check PLANS; print findings.

    A PLAN is a plan file, or a folder whose YAML files are fragments of one plan.
    A fragment named on its own stands for its whole folder.
    """

    def body() -> int:
        from .engine import validate_source
        from .reporters import render, summary_line

        date = _as_of(as_of)
        sources = discover(list(plans))
        if _AS_PROGRAM:
            # A short-lived process over a large acyclic tree: a collection pass after
            # validation would rescan millions of objects for nothing (0.5 s at 10,000 services).
            gc.disable()
        results = [validate_source(s, date) for s in sources]
        findings = sorted((f for r in results for f in r.reported), key=lambda f: f.sort_key())
        out = render(findings, fmt)
        if out:
            click.echo(out, nl=False)
        if fmt == "text" and (findings or sys.stderr.isatty()):
            click.echo(summary_line(findings, len(results)), err=True)
        return 1 if any(r.failed(strict) for r in results) else 0

    _guard(body)


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out_dir", default="output", show_default=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(["pdf", "html"]), help="pdf, html (both by default).")
@click.option("--draft", is_flag=True, help="Render a plan with errors, marked DRAFT, with its findings.")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-3b"]), default=None, help="Archival PDF variant.")
@click.option("--findings-format", "fmt", type=FORMAT_CHOICES, default="text", show_default=True, help="Format of the findings printed.")
@common_as_of
@common_strict
def build(plans: tuple[str, ...], out_dir: str, formats: tuple[str, ...], draft: bool, pdf_variant: str | None, fmt: str, as_of: str | None, strict: bool) -> None:
    """Validate PLANS, then write each document to the output folder as PDF and HTML."""

    def body() -> int:
        from .reporters import render

        date = _as_of(as_of)
        sources = discover(list(plans))
        fmts = tuple(dict.fromkeys(formats)) or ("pdf", "html")
        jobs = [(s, date, out_dir, fmts, draft, pdf_variant, strict) for s in sources]
        with _stoppable():
            outcomes = _run_builds(jobs)
        _same_targets(outcomes)
        rc = 0
        all_findings = []
        for outcome in outcomes:
            all_findings.extend(outcome["findings"])
            if outcome["error"]:
                rc = max(rc, outcome["rc"])
        all_findings.sort(key=lambda f: f.sort_key())
        out = render(all_findings, fmt)
        if out:
            click.echo(out, nl=False, err=fmt == "text")
        # json and sarif findings are one document on stdout: the paths written go to stderr then,
        # so that `bcp build --findings-format json … > findings.json` stays valid JSON
        paths_to_stderr = fmt in ("json", "sarif")
        for outcome in outcomes:
            if outcome["error"]:
                click.echo(f"bcp: {outcome['name']}: {outcome['error']}", err=True)
            for p in outcome["written"]:
                click.echo(p, err=paths_to_stderr)
        return rc

    _guard(body)


def _same_targets(outcomes: list[dict]) -> None:
    """Two plans of one build that share a plan id wrote the same files: only one document is there."""
    by_path: dict[str, str] = {}
    for outcome in outcomes:
        for p in outcome["written"]:
            first = by_path.setdefault(os.path.realpath(p), outcome["name"])
            if first != outcome["name"] and not outcome["error"]:
                outcome["error"] = (f"same plan id and output folder as {first}: {p} holds only one of the "
                                    f"two documents; build them into different folders")
                outcome["rc"] = 1
                outcome["written"] = []


def _build_one(job) -> dict:
    source, date, out_dir, fmts, draft, pdf_variant, strict = job
    from .engine import validate_source

    result = validate_source(source, date)
    outcome = {"name": source.name, "findings": result.reported, "written": [], "error": None, "rc": 0}
    if result.plan is None or result.ctx is None:
        outcome["error"] = "not built: the plan cannot be read (fix the findings above; not even --draft can render it)"
        outcome["rc"] = 1
        return outcome
    if result.failed(strict) and not draft:
        if result.errors:
            outcome["error"] = "not built: the plan has errors (fix them, or build a marked draft with --draft)"
        else:
            outcome["error"] = "not built: the plan has warnings and --strict is on (fix them, or build a marked draft with --draft)"
        outcome["rc"] = 1
        return outcome
    from .render.build import BuildError, build as render_build

    try:
        outcome["written"] = render_build(result, out_dir, fmts, draft=draft or result.failed(strict), pdf_variant=pdf_variant)
    except BuildError as e:
        outcome["error"] = f"build failed: {e}"
        outcome["rc"] = 1
    return outcome


def _worker_stop(signum, frame):  # noqa: ARG001
    """A pool worker told to stop (SIGTERM from the main process, or Ctrl-C to the whole
    process group): remove its temporary files and end at once, silently."""
    _discard_staged()
    os._exit(128 + signum)


def _worker_init() -> None:
    for name in _STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, _worker_stop)


def _run_builds(jobs: list) -> list[dict]:
    if len(jobs) <= 1:
        return [_build_one(j) for j in jobs]
    import concurrent.futures as cf

    workers = min(len(jobs), os.cpu_count() or 1)
    show = sys.stderr.isatty()
    results: list[dict | None] = [None] * len(jobs)
    pool = cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    futs = {}
    try:
        futs = {pool.submit(_build_one, j): i for i, j in enumerate(jobs)}
        _POOL_PROCS[:] = list((getattr(pool, "_processes", None) or {}).values())
        for done, fut in enumerate(cf.as_completed(futs), 1):
            i = futs[fut]
            results[i] = fut.result()
            if show:
                click.echo(f"\r[{done}/{len(jobs)}] {results[i]['name']}\x1b[K", nl=done == len(jobs), err=True)
    except BaseException:
        # A worker failed: start no more builds, stop the running ones (each removes its
        # temporary files) and wait for them, so none is left behind.
        for fut in futs:
            fut.cancel()
        for p in _POOL_PROCS:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if p.is_alive():
                    os.kill(p.pid, signal.SIGTERM)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        _POOL_PROCS.clear()
    pool.shutdown(wait=True)
    return [r for r in results if r is not None]


@main.command()
@click.argument("plan", type=click.Path())
@click.option("--lose", "lose", metavar="SITE[,SITE…]", help="Sites lost, comma-separated.")
@click.option("--region", "regions", multiple=True, metavar="REGION", help="A region lost (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@common_as_of
def simulate(plan: str, lose: str | None, regions: tuple[str, ...], fmt: str, as_of: str | None) -> None:
    """Show what the loss of sites or regions takes down (state, recovery, RPO, cause)."""

    def body() -> int:
        from .analysis.results import Loss
        from .analysis.siteloss import simulate as run_simulation
        from .engine import validate_source
        from .reporters import text
        from .simulate import format_table

        sources = discover([plan])
        if len(sources) != 1:
            raise UsageError(f"{plan}: simulate takes one plan; this path holds {len(sources)}")
        if not lose and not regions:
            raise click.UsageError("name what is lost: --lose SITE[,SITE…] and/or --region REGION")
        result = validate_source(sources[0], _as_of(as_of), analyse=False)
        if result.ctx is None:
            click.echo(text(result.reported), nl=False, err=True)
            click.echo("bcp: the plan cannot be read; fix the findings above first", err=True)
            return 1
        ctx = result.ctx
        site_ids = [s.id for s in ctx.plan.sites]
        if lose is not None and not lose.replace(",", "").strip() and not regions:
            raise click.BadParameter("names no site", param_hint="--lose")
        lost: list[str] = []
        for s in (x.strip() for x in (lose or "").split(",")):
            if not s:
                continue
            if s not in site_ids:
                raise UsageError(f"unknown site '{s}'; the plan's sites are: {', '.join(site_ids)}")
            lost.append(s)
        region_ids = list(dict.fromkeys(s.region for s in ctx.plan.sites))
        for r in regions:
            if r not in region_ids:
                raise UsageError(f"unknown region '{r}'; the plan's regions are: {', '.join(region_ids)}")
            lost.extend(s.id for s in ctx.plan.sites if s.region == r)
        lost = list(dict.fromkeys(lost))
        label = "+".join(lost)
        loss = Loss(key="simulate:" + label, kind="site", label=label, sites=frozenset(lost))
        res = run_simulation(ctx, frozenset(lost), loss)
        click.echo(format_table(ctx, res, fmt), nl=False)
        return 0

    _guard(body)


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(code: str | None, fmt: str) -> None:
    """List the rules, or explain one (what, why, an example, the fix)."""

    def body() -> int:
        from .rules.registry import RULES, get

        if code is None:
            if fmt == "json":
                click.echo(json.dumps([{"code": r.code, "severity": r.severity.value, "title": r.title} for r in RULES], indent=2))
            else:
                for r in RULES:
                    click.echo(f"{r.code}  {r.severity.letter}  {r.title}")
            return 0
        r = get(code)
        if r is None:
            raise UsageError(f"unknown rule '{code}'; `bcp rules` lists them")
        if fmt == "json":
            click.echo(json.dumps({"code": r.code, "severity": r.severity.value, "title": r.title, "doc": r.doc}, indent=2, ensure_ascii=False))
        else:
            click.echo(f"{r.code} ({r.severity.value}): {r.title}\n")
            click.echo(r.doc or "(no documentation)")
            if r.acceptable:
                click.echo(f"\nAccept a finding you have decided to live with:\n  checks:\n    ignore:\n      - {{rule: {r.code}, target: <id>, reason: \"…\"}}")
        return 0

    _guard(body)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a plan file, for editors (yaml-language-server)."""

    def body() -> int:
        from .jsonschema import dumps

        click.echo(dumps(), nl=False)
        return 0

    _guard(body)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Write a small valid plan to DIRECTORY to start from."""

    def body() -> int:
        from .scaffold import write_scaffold

        try:
            written = write_scaffold(directory)
        except FileExistsError as e:
            raise UsageError(f"{e.filename or e}: already exists; not overwriting") from None
        for p in written:
            click.echo(p)
        return 0

    _guard(body)


def entry() -> None:
    """The `bcp` program. Exits without tearing the heap down object by object.

    A large plan is a few million small objects; freeing them one by one at
    interpreter exit takes longer than checking the plan did (2 s of 5 on a
    10,000-service plan). Everything is flushed and no file is left open, so
    the process ends at once instead. (Only here: tests call `main` in-process.)
    """
    global _AS_PROGRAM
    _AS_PROGRAM = True
    try:
        main(prog_name="bcp")
        code = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
