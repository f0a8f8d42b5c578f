"""The scheduling package's one root exception."""

from __future__ import annotations


class RotaError(Exception):
    """The rota refused something (an unknown id, an impossible swap step, a bad span).

    The message says what to do next; the CLI and the dashboard show it as is.
    """
