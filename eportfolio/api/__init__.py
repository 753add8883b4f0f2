"""The JSON API under /api/v1 (flask-smorest); each feature adds its own blueprint here."""
