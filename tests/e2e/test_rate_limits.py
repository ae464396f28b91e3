"""Rate limits held across instances (two `api` processes on one Firestore emulator share one user's quota),
and public limits keyed on the visitor's address as Google's front end reports it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devstack.stack import Stack
from tests.e2e.conftest import AppUser

TIGHT = {"RATE_LIMIT_WRITES": "5/minute", "RATE_LIMIT_READS": "1000/second", "RATE_LIMIT_PUBLIC": ""}


@pytest.fixture(scope="module")
def two_instances(stack: Stack) -> Iterator[tuple[str, str]]:
    urls = tuple(stack.spawn_function(f"api-{n}", "api", TIGHT) for n in (1, 2))
    try:
        yield urls[0], urls[1]
    finally:
        for n in (1, 2):
            stack.stop_service(f"api-{n}")


def test_two_api_processes_share_one_users_write_quota(
    app_user: AppUser, two_instances: tuple[str, str], firestore_client: Any
) -> None:
    # The windows are fixed (the `limits` library's): ten requests straddling a minute's end could be
    # counted in two windows, so they start early in one.
    if time.time() % 60 > 40:
        time.sleep(60 - time.time() % 60 + 0.5)
    responses = []
    for n in range(10):  # alternating, as a load balancer spreads one phone's requests
        app_user.api_url = two_instances[n % 2]
        responses.append(
            app_user.post_session("2026-11-21T08:00:00Z", "2026-11-21T08:10:00Z", "UTC", f"rl{n}")
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 5, statuses
    assert set(statuses) == {201, 429}
    for refused in (r for r in responses if r.status_code == 429):
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["RateLimit-Remaining"] == "0"
    assert [int(r.headers["RateLimit-Limit"]) for r in responses] == [5] * 10
    sessions = firestore_client.collection("users").document(app_user.uid).collection("sessions").stream()
    assert len(list(sessions)) == 5  # refused requests stored nothing


def test_each_instance_alone_would_have_admitted_the_whole_quota(
    app_user: AppUser, two_instances: tuple[str, str], auth_emulator: Any
) -> None:
    """The control: another user's five writes on the second process alone all pass."""
    _, token = auth_emulator.sign_up()
    app_user.api_url, app_user.token = two_instances[1], token
    statuses = [
        app_user.post_session("2026-11-21T08:00:00Z", "2026-11-21T08:10:00Z", "UTC", f"solo{n}").status_code
        for n in range(5)
    ]
    assert statuses == [201] * 5


PUBLIC_TIGHT = {"RATE_LIMIT_PUBLIC": "5/minute", "TRUSTED_PROXY_HOPS": "1"}
HOSTING_CDN = "151.101.1.195"  # what Cloud Run's front end appends: the address of the Hosting CDN it saw


@pytest.fixture(scope="module")
def behind_hosting(stack: Stack) -> Iterator[str]:
    """An `api` as the deploy plan configures it: public limits per visitor, one trusted hop (Hosting)."""
    url = stack.spawn_function("api-hosted", "api", PUBLIC_TIGHT)
    try:
        yield url
    finally:
        stack.stop_service("api-hosted")


def test_public_limits_key_on_the_visitor_that_googles_front_end_saw(
    app_user: AppUser, behind_hosting: str
) -> None:
    share = app_user.call("POST", "/v1/shares", json={}).json()["share"]
    page = f"{behind_hosting}/s/{share['id']}"

    def visit(forwarded: str) -> int:
        return requests.get(page, headers={"X-Forwarded-For": forwarded}, timeout=30).status_code

    # 40 visitors, one request each, each with a left-hand entry of its own choosing: none shares a bucket.
    visitors = [visit(f"6.6.6.{n}, 203.0.113.{n}, {HOSTING_CDN}") for n in range(40)]
    assert visitors == [200] * 40, visitors
    # One visitor forging a new left-hand entry on every request is still one visitor: 5 pages, then 429.
    forger = [visit(f"10.0.{n}.1, 198.51.100.7, {HOSTING_CDN}") for n in range(7)]
    assert forger == [200] * 5 + [429] * 2, forger
    refused = requests.get(
        page, headers={"X-Forwarded-For": f"1.1.1.1, 198.51.100.7, {HOSTING_CDN}"}, timeout=30
    )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
