"""The operator's command line: rebuilds, outages, freezes, dead letters, run records, and one user's data
(export, delete-user, purge-orphans: ops/data.py).

Run `python -m ops --help`. It works against whatever the Google environment names (a real
project, with GOOGLE_CLOUD_PROJECT and credentials), or against `make dev` with `--stack .dev/stack.json`.
Exit codes: 0 done, 1 something failed (a user could not be rebuilt, a run left users failed, a run or user
is unknown), 2 the command was given bad input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ops.data import COMMANDS as DATA_COMMANDS
from streak_core.bootstrap import ops_dependencies
from streak_core.domain.boards import period_key
from streak_core.domain.leagues import due_week, is_week, settles_at
from streak_core.domain.sessions import parse_instant
from streak_core.domain.vocabulary import Period, RunStatus
from streak_core.errors import InvalidRequest, RunNotFound, ServiceError
from streak_core.function_dependencies import OpsDependencies
from streak_core.models.maintenance import MaintenanceTick
from streak_core.ports.leagues import LeagueStore
from streak_core.services import ticks
from streak_core.services.admin import grant_freezes
from streak_core.services.jobs import replay_failed_jobs
from streak_core.services.outages import count_affected, record_outage
from streak_core.services.rebuild import RebuildReport, rebuild_user, screen_users
from streak_core.services.retries import replay_dead_letters

PAGE_SIZE = 500
err = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )


def _say(**fields: Any) -> None:
    """One JSON line on stdout: what scripts read."""
    click.echo(json.dumps(fields, default=str))


def _stack_env(path: Path) -> dict[str, str]:
    """The environment of a process that talks to the stack `make dev` described in stack.json."""
    info = json.loads(path.read_text())
    env = {"GOOGLE_CLOUD_PROJECT": str(info["project_id"]), "GCLOUD_PROJECT": str(info["project_id"])}
    hosts = (
        ("firestore_host", "FIRESTORE_EMULATOR_HOST"),
        ("pubsub_host", "PUBSUB_EMULATOR_HOST"),
        ("auth_host", "FIREBASE_AUTH_EMULATOR_HOST"),
    )
    for key, name in hosts:
        if info.get(key):
            env[name] = str(info[key])
    return env


def _instant(_: click.Context, param: click.Parameter, value: str) -> datetime:
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from None


def _refused(error: InvalidRequest) -> None:
    for issue in error.issues:
        err.print(f"[red]{issue.field}[/red]: {issue.message}")
    sys.exit(2)


@click.group()
@click.option(
    "--stack",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A running `make dev`'s stack.json: work against its emulators.",
)
@click.pass_context
def cli(ctx: click.Context, stack: Path | None) -> None:
    """Operate the focus streaks backend."""
    if stack is not None:
        os.environ.update(_stack_env(stack))
    ctx.obj = ops_dependencies()


@cli.command()
@click.option("--user", "uid", help="Rebuild this user.")
@click.option("--all", "everyone", is_flag=True, help="Rebuild every user with a streak.")
@click.option("--dry-run", is_flag=True, help="Compare only; write nothing.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=8, show_default=True, help="Users rebuilt at once."
)
@click.pass_obj
def rebuild(deps: OpsDependencies, uid: str | None, everyone: bool, dry_run: bool, workers: int) -> None:
    """Recompute days, streaks, board entries and open league weeks from the session log and the facts."""
    if bool(uid) == everyone:
        raise click.UsageError("give --user UID or --all")
    pages = [[uid]] if uid else deps.rebuilds.user_pages(PAGE_SIZE)
    total = 1 if uid else deps.rebuilds.count_users()

    def one(user: str, screened: dict[str, Callable[[], RebuildReport]]) -> tuple[str, RebuildReport | str]:
        return user, _rebuild_one(deps, user, screened, dry_run)

    tally = Counter[str]()
    failed: dict[str, str] = {}
    began = time.monotonic()
    with _progress() as progress, ThreadPoolExecutor(workers) as pool:
        task = progress.add_task("dry run" if dry_run else "rebuild", total=total)
        for page in pages:  # a page at a time: memory stays flat however many users there are
            screened = {} if uid else _screen(deps, page)
            for user, outcome in pool.map(one, page, [screened] * len(page)):
                _count(tally, failed, user, outcome, report=bool(uid))
                progress.advance(task)
    seconds = time.monotonic() - began
    _say(
        summary="rebuild",
        dry_run=dry_run,
        **{key: tally[key] for key in _REBUILD_FIGURES},
        failed=failed,
        seconds=round(seconds, 3),
        users_per_second=round(tally["users"] / seconds, 1) if seconds else None,
    )
    if failed:
        sys.exit(1)


_REBUILD_FIGURES = ("users", "users_changed", "days_changed", "boards_changed", "leagues_changed")


def _rebuild_one(
    deps: OpsDependencies, user: str, screened: dict[str, Callable[[], RebuildReport]], dry_run: bool
) -> RebuildReport | str:
    """The screen's report when it found nothing to change, else a rebuild's (or why it failed)."""
    with contextlib.suppress(ServiceError):  # a screen that failed is as good as no screen
        if user in screened and not (report := screened[user]()).changed:
            return report
    try:  # differences seen outside a transaction are confirmed (and fixed) inside one
        return rebuild_user(deps.rebuilds, user, deps.clock.now(), deps.config, dry_run)
    except ServiceError as exc:
        return f"{type(exc).__name__}: {exc}"


def _screen(deps: OpsDependencies, page: list[str]) -> dict[str, Callable[[], RebuildReport]]:
    """What a dry run of each user of the page would say, from one read of the page (none if it fails)."""
    try:
        return screen_users(deps.rebuilds, page, deps.clock.now(), deps.config)
    except ServiceError:  # the page read failed: each user is read on their own instead
        return {}


def _count(
    tally: Counter[str], failed: dict[str, str], user: str, outcome: RebuildReport | str, report: bool
) -> None:
    """One user's rebuild in the run's figures (a failure by its reason); `report` prints it too."""
    if isinstance(outcome, str):
        failed[user] = outcome
        return
    tally.update(
        users=1,
        users_changed=int(outcome.changed),
        days_changed=outcome.days_changed,
        boards_changed=outcome.boards_changed,
        leagues_changed=outcome.leagues_changed,
    )
    if report:
        _say(**dataclasses.asdict(outcome))


@cli.command()
@click.option("--start", required=True, callback=_instant, help="RFC 3339 instant the outage began.")
@click.option("--end", required=True, callback=_instant, help="RFC 3339 instant it ended (at most 72 h on).")
@click.option("--reason", required=True, help="What happened, for the record.")
@click.option("--dry-run", is_flag=True, help="Count the users affected; write nothing.")
@click.option("--wait/--no-wait", default=True, help="Follow the run until it is done.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to follow the run.")
@click.pass_obj
def outage(
    deps: OpsDependencies,
    start: datetime,
    end: datetime,
    reason: str,
    dry_run: bool,
    wait: bool,
    timeout: float,
) -> None:
    """Excuse what an outage cost users (their broken days, their spent freezes), through a run."""
    now = deps.clock.now()
    try:
        if dry_run:
            affected = count_affected(deps.maintenance, start, end, now, deps.config, PAGE_SIZE)
            _say(summary="outage", dry_run=True, users_affected=affected)
            return
        recorded, run_id = record_outage(deps.outages, deps.ticks, start, end, reason, now)
    except InvalidRequest as refused:
        _refused(refused)
        return
    _say(outage=recorded.id, run_id=run_id)
    if wait:
        _follow(deps, run_id, timeout)


def _follow(deps: OpsDependencies, run_id: str, timeout: float) -> None:
    """A progress bar over the run's record until it is done; exit 1 if users failed or time ran out."""
    deadline = time.monotonic() + timeout
    with _progress() as progress:
        task = progress.add_task(run_id, total=None)
        while time.monotonic() < deadline:
            run = deps.runs.get(run_id)
            if run is not None:
                total = run.users_due if run.batches is not None else None
                progress.update(task, total=total, completed=run.users_processed + run.users_failed)
                if run.status is not RunStatus.RUNNING:
                    break
            time.sleep(0.5)
    run = deps.runs.get(run_id)
    _say(summary="run", **(dataclasses.asdict(run) if run else {"run_id": run_id, "status": "unknown"}))
    if run is None or run.status != RunStatus.DONE or run.users_failed:
        sys.exit(1)


@cli.command("grant-freezes")
@click.option("--user", "uid", required=True)
@click.option("--count", type=click.IntRange(1, 5), required=True)
@click.pass_obj
def grant_freezes_command(deps: OpsDependencies, uid: str, count: int) -> None:
    """Give a user freezes (never above the cap)."""
    try:
        held = grant_freezes(deps.users, uid, count, deps.config)
    except ServiceError as exc:
        err.print(f"[red]{exc}[/red]")
        sys.exit(1)
    _say(user=uid, freezes_available=held)


@cli.command("replay-dead-letters")
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@click.pass_obj
def replay_dead_letters_command(deps: OpsDependencies, limit: int) -> None:
    """Maintain dead-lettered users again; those that succeed leave the dead letters."""
    report = replay_dead_letters(deps.replay_worker, deps.dead_letters, deps.clock.now(), limit)
    _say(summary="replay", replayed=report.replayed, still_failing=report.still_failing)
    if report.still_failing:
        sys.exit(1)


@cli.command("job-dead-letters")
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@click.pass_obj
def job_dead_letters(deps: OpsDependencies, limit: int) -> None:
    """Asynchronous batches whose every attempt failed: one JSON line each, oldest failure first."""
    for job in deps.jobs.failed_jobs(limit):
        _say(job_id=job.id, user=job.uid, attempts=job.attempts, error=job.error, failed_at=job.updated_at)


@cli.command("replay-job-dead-letters")
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@click.pass_obj
def replay_job_dead_letters(deps: OpsDependencies, limit: int) -> None:
    """Queue failed asynchronous batches again on the session-jobs queue, their attempts anew."""
    if deps.job_queue is None:
        err.print("[red]SESSION_JOBS_URL is not set: there is no queue to replay the jobs on[/red]")
        sys.exit(1)
    requeued = replay_failed_jobs(deps.jobs, deps.job_queue, deps.clock.now(), limit)
    _say(summary="replay-jobs", requeued=[job.id for job in requeued])


@cli.command("recount-boards")
@click.option("--key", "keys", multiple=True, help="A board key (all, week-2026-W47, month-2026-11).")
@click.pass_obj
def recount_boards(deps: OpsDependencies, keys: tuple[str, ...]) -> None:
    """Rebuild boards' rank histograms from their entries: once for boards written before histograms
    existed, or to repair one. By default the boards current in UTC today: all-time, this week, this month."""
    today = deps.clock.now().date()
    for key in keys or [period_key(period, today) for period in Period]:
        _say(board=key, public_entries=deps.boards.recount(key))


@cli.command("run-status")
@click.argument("run_id")
@click.pass_obj
def run_status(deps: OpsDependencies, run_id: str) -> None:
    """A maintenance or outage run's record."""
    try:
        run = ticks.run_status(deps.runs, run_id)
    except RunNotFound:
        err.print(f"[red]no run {run_id}[/red]")
        sys.exit(1)
    _say(**dataclasses.asdict(run))


def _week(_: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_week(value):
        raise click.BadParameter("an ISO week such as 2026-W49", param=param)
    return value


def _league_store(deps: OpsDependencies) -> LeagueStore:
    if deps.leagues is None:
        err.print("[red]leagues are not configured[/red]")
        sys.exit(1)
    return deps.leagues


@cli.command("league-status")
@click.option("--week", callback=_week, help="ISO week (default: the latest final one).")
@click.pass_obj
def league_status(deps: OpsDependencies, week: str | None) -> None:
    """A league week's cohorts, members and settled cohorts per tier, and when it is final."""
    chosen = week or due_week(deps.clock.now(), deps.config.league_grace)
    counts = _league_store(deps).week_counts(chosen)
    for count in counts:
        _say(week=chosen, **dataclasses.asdict(count))
    final = settles_at(chosen, deps.config.league_grace)
    _say(
        summary="league-status",
        week=chosen,
        final_at=final.isoformat(),
        final=deps.clock.now() >= final,
        cohorts=sum(c.cohorts for c in counts),
        settled=sum(c.settled for c in counts),
        members=sum(c.members for c in counts),
    )


@cli.command()
@click.option("--week", required=True, callback=_week, help="The ISO week to settle (once final).")
@click.option("--wait/--no-wait", default=True, help="Follow the run until it is done.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to follow the run.")
@click.pass_obj
def settle(deps: OpsDependencies, week: str, wait: bool, timeout: float) -> None:
    """Settle a final league week (again: cohorts already settled are left as they are), through a run."""
    now = deps.clock.now()
    final = settles_at(week, deps.config.league_grace)
    if now < final:
        err.print(f"[red]{week} is final at {final.isoformat()}; not before[/red]")
        sys.exit(2)
    run_id = f"league-{week}-{now:%Y%m%dT%H%M%S}"
    deps.ticks.publish_tick(MaintenanceTick(run_id, now, league_week=week))
    _say(week=week, run_id=run_id)
    if wait:
        _follow(deps, run_id, timeout)


for command in DATA_COMMANDS:
    cli.add_command(command)

if __name__ == "__main__":
    cli()
