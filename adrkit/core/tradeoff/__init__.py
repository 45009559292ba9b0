"""Trade-off tables: the model (`model`) and what follows from it (`analysis`)."""
from adrkit.core.tradeoff.analysis import (CONSISTENCY_LIMIT, FRAGILE_PERCENT, SENSITIVE_PERCENT, AhpResult, Flip, Pugh, PughRow, RankedOption, Ranking, Sensitivity, WeightSensitivity, ahp_weights)
from adrkit.core.tradeoff.model import (DEFAULT_SCALE, KINDS, Argument, Criterion, Judgement, Option, Tradeoff, load_tradeoffs)

__all__ = [
    "KINDS", "DEFAULT_SCALE", "FRAGILE_PERCENT", "SENSITIVE_PERCENT", "CONSISTENCY_LIMIT",
    "Criterion", "Argument", "Option", "Judgement", "Tradeoff", "load_tradeoffs",
    "RankedOption", "Ranking", "PughRow", "Pugh", "Flip", "WeightSensitivity", "Sensitivity",
    "AhpResult", "ahp_weights",
]
