"""Statistics for evaluation: weighted scorecards, rater agreement, pairwise ranking and
balanced evaluator assignment. Plain data in and out; no framework code."""

from .assignment import InfeasibleAssignment, balanced_assignment
from .bradley_terry import BradleyTerryResult, Comparison, bradley_terry
from .krippendorff import LEVELS, AlphaUndefined, Level, krippendorff_alpha, reliability_data
from .scores import (
    Criterion,
    CriterionSummary,
    IdeaResult,
    Score,
    criterion_summaries,
    weighted_scores,
)

__all__ = [
    "LEVELS",
    "AlphaUndefined",
    "BradleyTerryResult",
    "Comparison",
    "Criterion",
    "CriterionSummary",
    "IdeaResult",
    "InfeasibleAssignment",
    "Level",
    "Score",
    "balanced_assignment",
    "bradley_terry",
    "criterion_summaries",
    "krippendorff_alpha",
    "reliability_data",
    "weighted_scores",
]
