"""The request lifecycle of a decision: stages, exits, taps and annotations
(`model`, `annotations`), and its DOT text (`dot`)."""
from adrkit.core.requestflow.annotations import (ANNOTATION_KINDS, BACKOFFS, CACHE_STRATEGIES, TAPS, Annotation, Cache, CircuitBreaker, Idempotency, QueueHandoff, Retry, Timeout, annotation_fields, clean_text, format_settings, parse_annotation, parse_settings)
from adrkit.core.requestflow.model import Exit, Lifecycle, Stage, stage_details

__all__ = [
    "TAPS", "ANNOTATION_KINDS", "BACKOFFS", "CACHE_STRATEGIES", "Annotation", "Timeout", "Retry",
    "CircuitBreaker", "Cache", "QueueHandoff", "Idempotency", "Exit", "Stage", "Lifecycle",
    "parse_annotation", "parse_settings", "format_settings", "annotation_fields", "clean_text",
    "stage_details",
]
