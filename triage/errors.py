"""The one root exception of the triage package and its few specific kinds."""

from __future__ import annotations


class TriageError(Exception):
    """Anything triage cannot do; messages say what to do next."""


class TriageConfigError(TriageError):
    """config/triage.yaml or a lexicon file is unusable; the message names the file and field."""


class ModelUnavailable(TriageError):
    """The trained classifier could not be loaded; the lexicon and rules still work without it."""


class ExamDataRefused(TriageError):
    """Training was pointed at an evaluation-only set (PsySUICIDE test, Reddit C-SSRS)."""
