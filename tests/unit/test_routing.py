"""Route matching: the most specific path template wins, whatever order the routes are listed in."""

from __future__ import annotations

import random

import pytest

from functions.api.table import API
from functions.http import ApiError
from functions.routing import Area, Reply, Route, RouteTable

pytestmark = pytest.mark.unit


def route(method: str, path: str) -> Route[None]:
    return Route(method, path, lambda call: Reply(204), path, {204: None})


def test_a_literal_suffix_beats_a_parameter_whichever_is_listed_first() -> None:
    page, image = route("GET", "/s/{id}"), route("GET", "/s/{id}.png")
    for routes in ([page, image], [image, page]):
        table = RouteTable(routes)
        assert table.match("GET", "/s/abc.png")[0].route is image
        assert table.match("GET", "/s/abc")[0].route is page
        assert table.match("GET", "/s/abc.png")[1] == {"id": "abc"}


def test_an_action_suffix_beats_the_resource_it_acts_on() -> None:
    show, join = route("GET", "/v1/challenges/{id}"), route("POST", "/v1/challenges/{id}:join")
    for routes in ([show, join], [join, show]):
        table = RouteTable(routes)
        assert table.match("POST", "/v1/challenges/c1:join")[0].route is join
        with pytest.raises(ApiError) as refused:  # neither template has DELETE: 405 names both methods
            table.match("DELETE", "/v1/challenges/c1:join")
        assert (refused.value.status, refused.value.headers["Allow"]) == (405, "GET, HEAD, POST")


def test_a_method_the_literal_template_lacks_falls_to_the_template_that_has_it() -> None:
    requests, friend = route("POST", "/v1/friends/requests"), route("DELETE", "/v1/friends/{uid}")
    for routes in ([requests, friend], [friend, requests]):
        table = RouteTable(routes)
        assert table.match("POST", "/v1/friends/requests")[0].route is requests
        served, params = table.match("DELETE", "/v1/friends/requests")  # a friend whose uid is "requests"
        assert (served.route, params) == (friend, {"uid": "requests"})


# (method, path) -> the template that must serve it
KNOWN = {
    ("POST", "/v1/sessions"): "/v1/sessions",
    ("POST", "/v1/sessions:batch"): "/v1/sessions:batch",
    ("GET", "/s/abc.png"): "/s/{id}.png",
    ("GET", "/s/abc"): "/s/{id}",
    ("GET", "/v1/me/heatmap.svg"): "/v1/me/heatmap.svg",
    ("GET", "/v1/challenges/c1"): "/v1/challenges/{id}",
    ("POST", "/v1/challenges/c1:join"): "/v1/challenges/{id}:join",
    ("POST", "/v1/challenges/c1:leave"): "/v1/challenges/{id}:leave",
    ("POST", "/v1/friends/requests/u1:accept"): "/v1/friends/requests/{uid}:accept",
    ("DELETE", "/v1/friends/u1"): "/v1/friends/{uid}",
    ("DELETE", "/v1/friends/requests"): "/v1/friends/{uid}",
    ("POST", "/v1/admin/users/u1:rebuild"): "/v1/admin/users/{uid}:rebuild",
    ("POST", "/v1/admin/users/u1/freezes"): "/v1/admin/users/{uid}/freezes",
}


def test_the_api_serves_each_path_from_the_same_route_in_any_order_of_its_routes() -> None:
    entries = list(API.mounted)
    rnd = random.Random(7)
    for _ in range(20):
        rnd.shuffle(entries)
        table = RouteTable(entries)
        for (method, path), template in KNOWN.items():
            assert table.match(method, path)[0].route.path == template, (method, path)


def test_a_path_no_template_matches_is_404() -> None:
    with pytest.raises(ApiError) as missing:
        API.match("GET", "/v1/nothing/here")
    assert missing.value.status == 404


def test_two_routes_of_one_method_and_path_are_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        RouteTable([route("GET", "/x/{id}"), route("GET", "/x/{id}")])


def test_every_route_of_a_lazy_area_is_found_by_its_prefixes() -> None:
    """An area is imported only for the paths its prefixes hold: a route outside them would be a 404."""
    areas = [entry for entry in API._order if isinstance(entry, Area)]
    assert len(areas) == 14
    for area in areas:
        assert not any("{" in p for p in (*area.prefixes, *area.exact)), area.module
        for mounted in area.load():
            literal = mounted.route.path.split("{")[0]
            held = mounted.route.path in area.exact or any(literal.startswith(p) for p in area.prefixes)
            assert held, (area.module, mounted.route.path)


def test_a_fresh_table_imports_only_the_area_a_request_asks_for() -> None:
    """What a cold start pays: matching POST /v1/sessions loads the sessions area and nothing else."""
    table = RouteTable(list(API._order))
    table.match("POST", "/v1/sessions")
    loaded = [table._order[n] for n in table._loaded]
    assert [a.module for a in loaded if isinstance(a, Area)] == ["functions.api.routes.sessions"]
    with pytest.raises(ApiError) as wrong:
        table.match("PUT", "/v1/me/streak")
    assert wrong.value.status == 405
    assert wrong.value.headers["Allow"] == "GET, HEAD"
    assert len(table.routes) == len(API.routes)  # the document's view: every area
