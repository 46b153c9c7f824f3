"""Precision, recall and F1 from matched, predicted and gold counts, shared by the evaluation scripts."""

from __future__ import annotations

from dataclasses import dataclass


class PrecisionRecall:
    """Rates of anything counting ``matched``, ``predicted`` and ``gold`` items; an empty side scores 1.0."""

    matched: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Counts(PrecisionRecall):
    matched: int
    predicted: int
    gold: int

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.matched + other.matched, self.predicted + other.predicted, self.gold + other.gold)
