"""Pauses: days set aside in advance that bridge the streak."""

from __future__ import annotations

from functions.api.headers import idempotency_key
from functions.api.presenters.pauses import (
    PauseCreatedOut,
    PauseIn,
    PauseOut,
    PausesOut,
)
from functions.routing import Call, Reply, Routes, Tag
from streak_core.areas import PauseDeps
from streak_core.domain.config import DEFAULT_CONFIG as LIMITS
from streak_core.services import pauses

PauseCall = Call[PauseDeps]


ROUTES: Routes[PauseDeps] = Routes()


@ROUTES.post(
    "/v1/me/pauses",
    {201: PauseCreatedOut, 200: PauseCreatedOut},
    errors=(409,),
    body=PauseIn,
    description=f"Pause the streak on days to come (at most {LIMITS.pause_max_days} days each,"
    f" {LIMITS.pause_max_days_per_year} a calendar year, no overlaps); an Idempotency-Key header makes a"
    " retry answer 200 with the same pause",
    operation_id="createPause",
)
def post_pause(call: PauseCall) -> Reply:
    """Pause the streak"""
    body, deps = call.body_as(PauseIn), call.deps
    key = idempotency_key(call.request)
    pause, created = pauses.create_pause(
        deps.pauses, call.uid, body.from_, body.to, call.now, deps.config, key
    )
    out = PauseCreatedOut(pause=PauseOut.model_validate(pause))
    return Reply(201 if created else 200, out)


@ROUTES.get("/v1/me/pauses", {200: PausesOut}, operation_id="listPauses")
def get_pauses(call: PauseCall) -> Reply:
    """List the caller's pauses

    The caller's pauses, by first day
    """
    found = pauses.list_pauses(call.deps.pauses, call.uid)
    return Reply(200, PausesOut(pauses=[PauseOut.model_validate(p) for p in found]))


@ROUTES.delete("/v1/me/pauses/{id}", {204: None}, operation_id="deletePause")
def delete_pause(call: PauseCall) -> Reply:
    """Withdraw a pause

    Withdraw a pause: its days from today on are paused no more (earlier days stay paused)
    """
    pauses.withdraw_pause(call.deps.pauses, call.uid, call.params["id"], call.now, call.deps.config)
    return Reply(204)


TAG = Tag("Pauses", "Days set aside in advance: a paused day never breaks a streak nor spends a freeze.")
