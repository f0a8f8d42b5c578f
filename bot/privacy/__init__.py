"""Privacy: retention, the right to be forgotten, the audit chain check, key rotation."""


class PrivacyError(Exception):
    """Root of this package's errors; the message says what the operator can do next."""
