"""Compatibility screening of a cell design: named chemistry rules → findings → verdict.

Every rule is a small function ``rule(ctx) -> list[Finding]`` registered under its
code in :data:`RULES`; it looks at one pair of the cell (SSE|anode, SSE|cathode,
liquid|anode, liquid|cathode, liquid|SSE, or the whole cell) and reports what the
chemistry of the review (seed, sections 2–3) says about it.  Thresholds and the
references each code carries live in ``data/screening_rules.toml``.

A therapy at an interface changes what touches what:

- ``wetting``: the liquid touches both the electrode and the SSE, and keeps them
  apart while it lasts (liquid rules apply; SSE|electrode reactions become info);
- ``polymerization``: the in-situ polymer (and any liquid swelling it) sits between
  them, is not consumed and follows volume changes;
- ``reaction_layer``: a designed solid layer (e.g. LiH2PO4 from H3PO4/THF on Li)
  separates them; its carrier solvent is gone before assembly.

The verdict is ``incompatible`` if any finding is critical, ``caution`` if any is a
warning, else ``compatible``.

>>> from lpt.design import load_design
>>> result = screen(load_design("examples/table1/latp_carbonate_lfp.toml"), untreated=True)
>>> result.verdict, "LATP_TI_REDUCTION" in result.codes
('incompatible', True)
"""

from __future__ import annotations

from lpt.design import Design
from lpt.screening.context import (
    RULES, SEVERITY_RANK, VERDICT_OF, Finding, RuleData, ScreeningContext, ScreeningResult, Severity, Side,
    build_context, rule, rule_data,
)
# registration order is the order of the findings within a severity
from lpt.screening import rules_solid  # noqa: F401, I001
from lpt.screening import rules_liquid  # noqa: F401
from lpt.screening import rules_cell  # noqa: F401

__all__ = ["RULES", "SEVERITY_RANK", "VERDICT_OF", "Finding", "RuleData", "ScreeningContext", "ScreeningResult",
           "Severity", "Side", "build_context", "rule", "rule_data", "rule_table", "screen"]


# ---------------------------------------------------------------------- screen


def screen(design: Design, untreated: bool = False) -> ScreeningResult:
    """Run every registered rule on ``design`` (or its untreated arm); pure function."""
    arm = design.untreated() if untreated else design
    ctx = build_context(arm)
    findings: list[Finding] = []
    for fn in RULES.values():
        findings.extend(fn(ctx))
    # Most severe first; within a severity, in registry (pair) order.
    findings.sort(key=lambda f: -SEVERITY_RANK[f.severity])
    return ScreeningResult(design=design.name, untreated=untreated, findings=tuple(findings))


def rule_table() -> list[dict[str, str]]:
    """Code and one-line summary of every registered rule (for docs and `--help`)."""
    summaries = rule_data().summaries
    return [{"code": code, "summary": summaries.get(code, "")} for code in RULES]
