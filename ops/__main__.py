"""`python -m ops`: the operator's command line."""

from ops.cli import cli

cli()
