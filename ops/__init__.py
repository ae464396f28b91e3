"""The operator's command line (`python -m ops`), a package above the core: it wires the core's services
and, for the export, the API's own presenters, so `streak_core` imports nothing above it."""
