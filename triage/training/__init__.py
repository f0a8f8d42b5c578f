"""Training the triage classifier (`hotline train triage`); imports torch only when used."""
