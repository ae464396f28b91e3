"""Thin Cloud Functions entry points: parse, call one service, map errors."""
