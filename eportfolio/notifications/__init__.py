"""Notifications: an in-app list and an e-mail for each event that concerns a person."""
