"""Loaders turning published taxonomy downloads into ``taxonomy.model`` records."""
