"""The operator's commands about one user's data: export it, erase it, and erase the users whose Firebase
account was deleted where none of our requests saw it (the console, the Admin SDK)."""

from __future__ import annotations

import sys

import click

from streak_core.domain.ids import is_user_id
from streak_core.function_dependencies import OpsDependencies
from streak_core.services.erasure import erase_user, purge_orphans
from streak_core.services.export import export_user

PAGE_SIZE = 500


def _user(_: click.Context, param: click.Parameter, value: str) -> str:
    if not is_user_id(value):
        raise click.BadParameter("is not an id any user can have", param=param)
    return value


@click.command("export")
@click.option("--user", "uid", required=True, callback=_user, help="Whose data.")
@click.pass_obj
def export_command(deps: OpsDependencies, uid: str) -> None:
    """Every stored fact about the user, as the one JSON document GET /v1/me/export sends, on stdout."""
    from functions.api.presenters.data import (
        export_json,  # the document's shape is the API's, beside its route
    )

    for chunk in export_json(export_user(deps.export, uid, deps.clock.now(), deps.config)):
        sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.write(b"\n")


@click.command("delete-user")
@click.option("--user", "uid", required=True, callback=_user, help="Whom to erase.")
@click.pass_obj
def delete_user_command(deps: OpsDependencies, uid: str) -> None:
    """Erase the user and their Firebase account (again, or after a crash: it finishes what is left)."""
    receipt = erase_user(deps.eraser, deps.accounts, uid, deps.clock.now())
    click.echo(f'{{"erased": true, "requested_at": "{receipt.requested_at.isoformat()}"}}')


@click.command("purge-orphans")
@click.pass_obj
def purge_orphans_command(deps: OpsDependencies) -> None:
    """Erase every user with a streak whose Firebase account is gone."""
    erased = purge_orphans(deps.eraser, deps.accounts, deps.rebuilds.user_pages(PAGE_SIZE), deps.clock.now())
    click.echo(f'{{"summary": "purge-orphans", "erased": {len(erased)}}}')


COMMANDS = (export_command, delete_user_command, purge_orphans_command)
