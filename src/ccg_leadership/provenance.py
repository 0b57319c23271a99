"""Provenance: where a value shown in the book comes from.

Every table, figure and number in the book carries one of these labels, and chapters show it.
"""

from __future__ import annotations

from enum import StrEnum


class Provenance(StrEnum):
    """The kinds of origin a value in the book can have."""

    REPORTED = "reported"
    """Published by the study (a verified or directly inferred fact of the report)."""
    DERIVED = "derived"
    """Computed from reconstructed respondent data; depends on assumptions such as sample size."""
    ILLUSTRATIVE = "illustrative"
    """Invented for illustration (e.g. case attributes the report does not make public)."""


LABELS: dict[Provenance, str] = {
    Provenance.REPORTED: "Reported by the study",
    Provenance.DERIVED: "Computed from reconstructed data",
    Provenance.ILLUSTRATIVE: "Illustrative, not from the study",
}

EXPLANATIONS: dict[Provenance, str] = {
    Provenance.REPORTED: "Published in the report, or following directly from published values.",
    Provenance.DERIVED: (
        "Computed from respondent-level data reconstructed to match the published figures; "
        "sample sizes and unpublished distributions are assumptions, so intervals and tests are illustrative."
    ),
    Provenance.ILLUSTRATIVE: (
        "The report does not publish this detail; the value is a plausible placeholder chosen by the editors."
    ),
}


def parse(value: str | Provenance) -> Provenance:
    """Return the Provenance named by ``value``; raise ValueError naming the allowed values."""
    try:
        return Provenance(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(p.value for p in Provenance)
        raise ValueError(f"unknown provenance {value!r}; expected one of: {allowed}") from None


def label(value: str | Provenance) -> str:
    """Return the short reader-facing label for a provenance value."""
    return LABELS[parse(value)]


def badge_html(value: str | Provenance) -> str:
    """Return an inline HTML badge (text, not colour alone, carries the meaning)."""
    kind = parse(value)
    return (
        f'<span class="provenance provenance-{kind.value}" title="{EXPLANATIONS[kind]}">{LABELS[kind]}</span>'
    )


def legend_html() -> str:
    """Return an HTML definition list explaining each provenance label (front page, appendices)."""
    items = "".join(f"<dt>{badge_html(kind)}</dt><dd>{EXPLANATIONS[kind]}</dd>" for kind in Provenance)
    return f'<dl class="provenance-legend">{items}</dl>'
