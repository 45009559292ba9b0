"""Stage 5 of the pipeline, the checks: what a build warns about once the site is
assembled.

- each log's records by `adrkit lint`'s status and numbering rules;
- each page's own problems (stale or invalid data, remote images, links out of its
  folder), found when it was converted;
- references to decisions that do not exist, from the front matter and the text;
- files a page links to that do not exist, or that a symbolic link puts outside the
  page's folder (the site does not copy them);
- required sections of the record's template that are missing.
"""
from __future__ import annotations

from typing import Any, Iterable

from adrkit.core.errors import AdrkitError
from adrkit.formats.notebook import load_template
from adrkit.publish.files import linked_file_problems
from adrkit.publish.links import SiteLinks
from adrkit.publish.model import DECISION, Page, Source
from adrkit.publish.report import Problem

__all__ = ["check_site"]

# Lint rules (`adrkit lint`) a build reports as warnings, by finding code.
_RECORD_RULES = ("unknown-status", "duplicate-number")


def check_site(pages: list[Page], guides: list[Page], links: SiteLinks, records: Iterable[Source],
               logs: dict[str, Any], default_log: str) -> list[Problem]:
    """Every warning about the assembled site. `records` are the decisions read,
    published or not; `logs` the project's logs by name."""
    warnings = _record_rules(records, logs)
    templates: dict[tuple[str, str], Any] = {}
    for page in pages:
        warnings.extend(page.problems)
        warnings.extend(links.broken(page))
        warnings.extend(linked_file_problems(page.path, page.files, page.source.folder, "decision folder")[0])
        warnings.extend(_missing_sections(page, logs, templates))
    for guide in guides:
        warnings.extend(guide.problems)
        for ref in guide.mentions:
            if not links.exists(ref, default_log):
                warnings.append(Problem("broken-link", f"the guide links to '{ref}', which is not a decision "
                                        "in this log", str(guide.path), "text", "fix the link or remove it"))
        warnings.extend(linked_file_problems(guide.path, guide.files, guide.source.folder, "guides folder")[0])
    return warnings


def _missing_sections(page: Page, logs: dict[str, Any], templates: dict[tuple[str, str], Any]) -> list[Problem]:
    d = page.decision
    if page.error or not d.template:
        return []
    key = (page.log, d.template)
    if key not in templates:
        try:
            templates[key] = load_template(d.template, logs[page.log].dir)
        except (AdrkitError, KeyError):
            templates[key] = None
    template = templates[key]
    if template is None:
        return []
    return [Problem("missing-section", f"required section '{section.heading}' is missing", str(page.path),
                    "sections", f"add a markdown cell headed '{'#' * section.level} {section.heading}' "
                    f"(template {d.template})")
            for section in template.missing_sections(page.sections)]


def _record_rules(records: Iterable[Source], logs: dict[str, Any]) -> list[Problem]:
    """The findings of `adrkit lint`'s status and numbering rules, per log, over every
    record read."""
    from adrkit.services.lint import check_duplicate_numbers, check_status
    from adrkit.storage.log import Record

    by_log: dict[str, list[Source]] = {}
    for src in records:
        if src.kind == DECISION:
            by_log.setdefault(src.log, []).append(src)
    problems = []
    for name, sources in by_log.items():
        rows = [Record(src.path, src.decision, {}) for src in sources]  # type: ignore[arg-type]
        paths = {src.path.name: src.path for src in sources}
        for rule in (check_duplicate_numbers, check_status):
            for finding in rule(rows, logs[name]):
                if finding.code in _RECORD_RULES:
                    problems.append(Problem(finding.code, finding.message, str(paths.get(finding.path, finding.path)),
                                            finding.field, finding.fix))
    return problems
