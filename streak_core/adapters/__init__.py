"""Adapters to Google services: the only modules that import google or firebase_admin."""
