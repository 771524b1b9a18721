"""Drift: is the generated package still what the SQL says it should be?

Two paths. The fast one reads no SQL: when the fingerprint recorded in `_manifest.json`
(input files' bytes, config, tool version) matches and every file it lists still hashes to
what `generate` wrote, the package is in sync. That certifies "the manifest agrees with the
files", which is enough for a pre-commit hook but not a proof: a hand edit with the
matching manifest edit passes it. Otherwise, and always with `full` (the CI mode), the
package is regenerated in memory and compared byte for byte (`full`: with no cache, the
manifest included), and the report explains the difference in schema terms first (from a
diff of the recorded model and the new one), then file by file. A damaged manifest, or the
journal of a killed switch, is drift.
"""

from __future__ import annotations

import difflib
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, lock, records, sources, writer
from .config import Run
from .dialect import DEFAULT as DEFAULT_DIALECT
from .digest import sha256
from .errors import SchemagenError
from .records import FINGERPRINT_PREFIX, HEADER_PREFIX, MANIFEST, inputs_fingerprint

if TYPE_CHECKING:
    from .model import Schema
    from .modeldiff import Change


@dataclass
class Report:
    in_sync: bool
    fast: bool = False  # decided from fingerprints, without parsing SQL
    changes: list[Change] = field(default_factory=list)  # schema terms
    problems: list[str] = field(default_factory=list)  # file terms
    notes: list[str] = field(default_factory=list)  # reported, not failing
    functions: list[str] = field(default_factory=list)  # bodies reading what is gone: failing
    # (path, on disk, expected) of every differing file: the diff is computed only when
    # printed (difflib is superlinear on a 200k-line schemas.py; `check` without --diff
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
        if self.functions:
            lines.append("Function bodies that read what the schema does not have:")
            lines += [f"  {finding}" for finding in self.functions]
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


def check(
    run: Run,
    *,
    strict_version: bool = False,
    full: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Report:
    """Compare the package in `run.out` with what the SQL gives. `full`: no fast path and
    no cache: regenerate from the SQL alone and compare every byte (the mode for CI)."""
    out = Path(run.out)
    if not out.is_dir():
        if writer.read_state(out).leftovers:  # killed between the two renames of a swap
            raise SchemagenError(
                f"{run.out}: moved aside by a generate killed while swapping the package in"
                " (run schemagen generate: it finishes the swap)"
            )
        raise SchemagenError(
            f"{run.out}: output directory does not exist (run schemagen generate first)"
        )
    with lock.held(out, exclusive=False, on_wait=on_wait):
        return _check(run, out, strict_version, full)


def _check(run: Run, out: Path, strict_version: bool, full: bool) -> Report:
    config, cwd = run.config, run.cwd
    state = writer.read_state(out)
    files = sources.collect(run.inputs, cwd)
    digest = sources.digest(files)
    disk = _Disk(out)
    for rel in state.files:
        disk.read(rel)
    manifest = state.manifest
    fingerprint = inputs_fingerprint(__version__, digest, config.fingerprint())
    if (
        not full
        and manifest
        and not state.interrupted
        and manifest.get("fingerprint") == fingerprint
        and disk.digests == state.files
        and not manifest.get("function_drift")
    ):
        return Report(in_sync=True, fast=True, notes=_leftover_notes(state))

    # past the fast path: the stages themselves (imported here, so that an in-sync check
    # loads none of them). generate's caches are read, never written; `full` reads none.
    from . import pipeline

    made = pipeline.build(run, files, cached=not full)
    made.caches.close()  # read, never written
    built, package = made.built, made.package
    report = Report(in_sync=True, notes=_leftover_notes(state))
    if state.interrupted:
        report.problems.append(
            f"{writer.JOURNAL}: a generate was killed while switching {len(state.interrupted)}"
            " file(s) into place; the package may mix two generations (run generate: it"
            " finishes the switch)"
        )
    if state.damaged:
        report.problems.append(f"{MANIFEST}: damaged ({state.damaged}); run generate to repair it")
    elif manifest is None:
        report.problems.append(f"{MANIFEST}: missing (the package was never generated here)")
    elif (recorded := _recorded_model(manifest, disk, state.files)) is not None:
        report.changes = _explained(recorded, package.files.get(records.MODEL), built.schema) or []
    expected = dict(package.files)
    if full:
        for rel in expected:
            disk.read(rel)
    else:
        expected.pop(MANIFEST)
        _judge_model_record(report, disk, expected, state.files)
        for rel in expected:
            if rel not in disk.digests:
                disk.read(rel)
    inputs_changed = manifest is None or manifest.get("fingerprint") != fingerprint
    differing = _differing(disk, expected, package.manifest.get("files", {}))
    _compare(report, disk, differing, expected, state.files, inputs_changed)
    _judge_versions(report, manifest, expected, strict_version, state.damaged, inputs_changed)
    report.functions = [str(d) for d in built.function_drift]
    report.notes += [f"not checked: {d}" for d in built.functions_unchecked]
    report.in_sync = not report.problems and not report.functions
    return report


class _Disk:
    """The package's files as found on disk: a digest of each as read, its text read again
    only where it differs from what generate would write (every file's text, kept for the
    whole check, was ~130 MB at 5000 tables, bytes and text)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.digests: dict[str, str] = {}  # path -> sha256 of the bytes read

    def read(self, rel: str) -> None:
        data = _read_bytes(self.out, rel)
        if data is not None:
            self.digests[rel] = sha256(data)

    def text(self, rel: str) -> str | None:
        """The file's text (undecodable bytes kept as surrogates), when it was found."""
        if rel not in self.digests:
            return None
        data = _read_bytes(self.out, rel)
        return None if data is None else data.decode("utf-8", errors="surrogateescape")


def _differing(disk: _Disk, expected: dict[str, str], digests: dict[str, str]) -> list[str]:
    """The files whose bytes are not what generate would write (or only on one side), in
    order; `digests` are the package's own (its manifest's), the rest are hashed here."""
    return [
        rel
        for rel in sorted(set(expected) | set(disk.digests))
        if rel not in expected
        or disk.digests.get(rel) != (digests.get(rel) or sha256(expected[rel]))
    ]


def _recorded_model(
    manifest: dict[str, Any], disk: _Disk, recorded: dict[str, str]
) -> dict[str, Any] | str | None:
    """The model the package was generated from: the text of `_model.json` when it is what
    generate wrote (a manifest of format 1 held the model inline: that dict); None when
    there is none to trust."""
    if isinstance(manifest.get("model"), dict):
        inline: dict[str, Any] = manifest["model"]
        return inline
    if (
        disk.digests.get(records.MODEL) is None
        or recorded.get(records.MODEL) != disk.digests[records.MODEL]
    ):
        return None  # missing or edited: reported as a file problem, not explained
    return disk.text(records.MODEL)


def _explained(
    recorded: dict[str, Any] | str, now: str | None, schema: Schema
) -> list[Change] | None:
    """The schema changes since `recorded` (None: it does not read as a model). Only the
    tables whose record differs from `now`'s (generate's `_model.json` text) other than in
    locations are decoded and compared: an identical table yields no change, and decoding
    every table of both models was most of what `check` adds to a warm build."""
    from .model import Schema
    from .modeldiff import diff

    if isinstance(recorded, dict):
        return diff(Schema.from_json(recorded), schema)
    try:
        old, new = json.loads(recorded), json.loads(now or "")
    except ValueError:
        return None
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return None
    before, after = old.get("tables"), new.get("tables")
    if isinstance(before, list) and isinstance(after, list):
        shapes_before, shapes_after = list(map(_shape, before)), list(map(_shape, after))
        was, now_ = set(shapes_before), set(shapes_after)
        old["tables"] = [t for t, s in zip(before, shapes_before, strict=True) if s not in now_]
        new["tables"] = [t for t, s in zip(after, shapes_after, strict=True) if s not in was]
    old.pop("//", None)
    new.pop("//", None)
    try:
        recorded_schema = Schema.from_json(records.expand(old))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return diff(recorded_schema, Schema.from_json(records.expand(new)))


def _shape(item: Any) -> str:
    """A recorded table as JSON text without its locations."""
    from .model import without_locations  # not at import: an in-sync check needs no model

    return json.dumps(without_locations(item), ensure_ascii=False)


def _judge_model_record(
    report: Report, disk: _Disk, expected: dict[str, str], recorded: dict[str, str]
) -> None:
    """`_model.json` is a record like the manifest: new locations alone (a table moved in
    the SQL) change it but not the code, so it is not compared with what generate would
    write now; it must only be what generate wrote then."""
    expected.pop(records.MODEL, None)
    found = disk.digests.pop(records.MODEL, None)
    if records.MODEL not in recorded:
        return
    if found is None:
        report.problems.append(f"{records.MODEL}: missing")
    elif recorded[records.MODEL] != found:
        report.problems.append(f"{records.MODEL}: edited by hand since schemagen generated it")


def _compare(
    report: Report,
    disk: _Disk,
    differing: list[str],
    expected: dict[str, str],
    recorded: dict[str, str],
    inputs_changed: bool,
) -> None:
    """One problem (and a unified diff) per file that is not byte for byte what it should be."""
    for rel in differing:
        old, new = disk.text(rel), expected.get(rel)
        if new is None:
            report.problems.append(f"{rel}: left over from something no longer in the schema")
        elif old is None:
            report.problems.append(f"{rel}: missing")
        elif rel in recorded and recorded[rel] != disk.digests[rel]:
            report.problems.append(f"{rel}: edited by hand since schemagen generated it")
        elif inputs_changed:
            report.problems.append(f"{rel}: out of date")
        else:  # same inputs, same version, yet other bytes: the manifest agrees with an edit
            report.problems.append(f"{rel}: not what the SQL generates")
        report.differing.append((rel, old, new))


def _judge_versions(
    report: Report,
    manifest: dict[str, Any] | None,
    expected: dict[str, str],
    strict_version: bool,
    damaged: str | None,
    changed: bool = True,  # the inputs changed since generate (else: here for function drift)
) -> None:
    """A package from another schemagen version whose files differ in headers only is
    reported, not failed (unless --strict-version)."""
    old_version = manifest.get("schemagen") if manifest else None
    version_only = not damaged and all(
        _same_but_version(rel, old, new) for rel, old, new in report.differing
    )
    if report.problems and version_only and old_version != __version__ and not strict_version:
        report.notes.append(
            f"generated by schemagen {old_version}, this is {__version__}: only the headers "
            "differ (use --strict-version to fail on this)"
        )
        report.problems, report.differing = [], []
    elif not report.problems and manifest is not None and MANIFEST not in expected and changed:
        report.notes.append(
            "the inputs changed but the generated code did not; run schemagen generate to "
            "refresh the recorded fingerprint (it keeps check fast)"
        )


def _same_but_version(rel: str, old: str | None, new: str | None) -> bool:
    if old is None or new is None:
        return False
    if rel != MANIFEST:
        return _body(old) == _body(new)
    versioned = ("//", "schemagen", "fingerprint", "files")
    try:
        old_json, new_json = json.loads(old), json.loads(new)
    except ValueError:
        return False
    return {k: v for k, v in old_json.items() if k not in versioned} == {
        k: v for k, v in new_json.items() if k not in versioned
    }


def _leftover_notes(state: writer.State) -> list[str]:
    return [
        f"{path}: left by an interrupted generate before or after its switch; the package"
        " itself is whole (the next generate removes it)"
        for path in state.leftovers
    ]


def _read_bytes(out: Path, rel: str) -> bytes | None:
    """The bytes of `out/rel` (plain `open` on a joined string: the fast path reads every
    file of the package, and a `Path` per file was a tenth of it)."""
    try:
        with open(f"{out}/{rel}", "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _body(text: str) -> str:
    """The file without its header lines (they name the version and the fingerprint)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith((HEADER_PREFIX, FINGERPRINT_PREFIX)):
        lines.pop(0)
    return "".join(lines)
