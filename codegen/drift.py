"""Drift: is the generated package still what the SQL says it should be?

Two paths. The fast one reads no SQL: when the fingerprint recorded in `_manifest.json`
(input files' bytes, config, tool version) matches and every generated file still hashes to
what `generate` wrote, the package is in sync. Otherwise the package is regenerated in
memory and compared, and the report explains the difference in schema terms first (from a
diff of the recorded model and the new one), then file by file.
"""

from __future__ import annotations

import difflib
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, pipeline, sources, writer
from .config import Run
from .dialect import DEFAULT as DEFAULT_DIALECT
from .digest import sha256
from .errors import SchemagenError
from .generate import FINGERPRINT_PREFIX, HEADER_PREFIX, MANIFEST, inputs_fingerprint
from .model import Schema
from .modeldiff import Change, diff


@dataclass
class Report:
    in_sync: bool
    fast: bool = False  # decided from fingerprints, without parsing SQL
    changes: list[Change] = field(default_factory=list)  # schema terms
    problems: list[str] = field(default_factory=list)  # file terms
    notes: list[str] = field(default_factory=list)  # reported, not failing
    # (path, on disk, expected) of every differing file: the diff is computed only when
    # printed (difflib is quadratic-ish on a 200k-line schemas.py; `check` without --diff
    # must stay linear)
    differing: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def unified_diff(self) -> str:
        return "".join(
            "".join(
                difflib.unified_diff(
                    (old or "").splitlines(keepends=True),
                    (new or "").splitlines(keepends=True),
                    f"a/{rel}",
                    f"b/{rel}",
                )
            )
            for rel, old, new in self.differing
        )

    def explain(self, with_diff: bool = False) -> str:
        lines: list[str] = []
        if self.changes:
            lines.append("The schema changed since the package was generated:")
            lines += [f"  {change}" for change in self.changes]
        if self.problems:
            lines.append("Generated files that do not match:")
            lines += [f"  {problem}" for problem in self.problems]
        lines += [f"note: {note}" for note in self.notes]
        if with_diff and self.differing:
            lines.append(self.unified_diff.rstrip("\n"))
        return "\n".join(lines)


def fix_command(run: Run) -> str:
    """The command that brings the package up to date."""
    if run.cwd is not None:  # inputs and out come from [tool.schemagen]
        return "schemagen generate"
    parts = ["schemagen generate", *(shlex.quote(p) for p in run.inputs)]
    if run.config.sql_dialect is not DEFAULT_DIALECT:
        parts.append(f"--dialect {run.config.dialect}")
    parts.append(f"--out {shlex.quote(run.out)}")
    return " ".join(parts)


def check(run: Run, *, strict_version: bool = False) -> Report:
    config, cwd = run.config, run.cwd
    out = Path(run.out)
    if not out.is_dir():
        raise SchemagenError(
            f"{run.out}: output directory does not exist (run schemagen generate first)"
        )
    manifest = _read_manifest(out)
    files = sources.collect(run.inputs, cwd)
    digest = sources.digest(files)
    on_disk = {
        rel: (out / rel).read_text(encoding="utf-8") for rel in writer.existing_generated(out)
    }
    on_disk.pop(MANIFEST, None)
    recorded: dict[str, str] = manifest.get("files", {}) if manifest else {}
    fingerprint = inputs_fingerprint(__version__, digest, config.fingerprint())
    if (
        manifest
        and manifest.get("fingerprint") == fingerprint
        and {rel: sha256(text) for rel, text in on_disk.items()} == recorded
    ):
        return Report(in_sync=True, fast=True)

    # generate's caches are read, never written: only what changed is parsed and formatted
    made = pipeline.build(run, files)
    built, package = made.built, made.package
    expected = {rel: text for rel, text in package.files.items() if rel != MANIFEST}
    report = Report(in_sync=True)
    if manifest is None:
        report.problems.append(f"{MANIFEST}: missing (the package was never generated here)")
    elif manifest.get("model"):
        report.changes = diff(Schema.from_json(manifest["model"]), built.schema)

    version_only = True
    for rel in sorted(set(expected) | set(on_disk)):
        old, new = on_disk.get(rel), expected.get(rel)
        if old == new:
            continue
        if new is None:
            report.problems.append(f"{rel}: left over from something no longer in the schema")
        elif old is None:
            report.problems.append(f"{rel}: missing")
        elif rel in recorded and recorded[rel] != sha256(old):
            report.problems.append(f"{rel}: edited by hand since schemagen generated it")
        else:
            report.problems.append(f"{rel}: out of date")
        if old is None or new is None or _body(old) != _body(new):
            version_only = False
        report.differing.append((rel, old, new))
    old_version = manifest.get("schemagen") if manifest else None
    if report.problems and version_only and old_version != __version__ and not strict_version:
        report.notes.append(
            f"generated by schemagen {old_version}, this is {__version__}: only the headers "
            "differ (use --strict-version to fail on this)"
        )
        report.problems, report.differing = [], []
    elif not report.problems and manifest is not None:
        report.notes.append(
            "the inputs changed but the generated code did not; run schemagen generate to "
            "refresh the recorded fingerprint (it keeps check fast)"
        )
    report.in_sync = not report.problems
    return report


def _read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _body(text: str) -> str:
    """The file without its header lines (they name the version and the fingerprint)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith((HEADER_PREFIX, FINGERPRINT_PREFIX)):
        lines.pop(0)
    return "".join(lines)
