"""The settings read from the environment: names in any case, the project's two aliases, values parsed and
checked when an instance starts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from streak_core.domain.vocabulary import LimitScope
from streak_core.settings import Settings


def test_an_empty_environment_gives_the_defaults() -> None:
    env = Settings.from_environ({})
    assert (env.project_id, env.allow_clock_override, env.trusted_proxy_hops) == (None, False, 0)
    assert env.notifications_queue == "notifications"
    assert [item.amount for item in env.rate_policies()[LimitScope.WRITE]] == [3, 20, 100]


def test_names_are_read_in_any_case_and_values_parsed_from_their_text() -> None:
    env = Settings.from_environ(
        {
            "ALLOW_CLOCK_OVERRIDE": "1",
            "trusted_proxy_hops": "1",
            "Api_Time_Budget_Seconds": "3.5",
            "SMTP_STARTTLS": "true",
            "CURSOR_SECRET": "s3cret",
            "RATE_LIMIT_PUBLIC": "",
            "UNRELATED": "ignored",
        }
    )
    assert (env.allow_clock_override, env.trusted_proxy_hops, env.api_time_budget_seconds) == (True, 1, 3.5)
    assert env.smtp_starttls is True
    assert env.cursor_secret is not None
    assert env.cursor_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(env)
    assert env.rate_policies()[LimitScope.PUBLIC] == ()  # empty: that scope has no limit


@pytest.mark.parametrize(
    ("variables", "project"),
    [
        ({"GOOGLE_CLOUD_PROJECT": "demo-a"}, "demo-a"),
        ({"GCLOUD_PROJECT": "demo-b"}, "demo-b"),
        ({"GOOGLE_CLOUD_PROJECT": "demo-a", "GCLOUD_PROJECT": "demo-b"}, "demo-a"),
        ({"PROJECT_ID": "demo-c"}, None),  # the field's own name is not one of its variables
    ],
)
def test_the_project_comes_from_either_of_its_variables(
    variables: dict[str, str], project: str | None
) -> None:
    assert Settings.from_environ(variables).project_id == project


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRUSTED_PROXY_HOPS", "6"),
        ("TRUSTED_PROXY_HOPS", "two"),
        ("REACTIVATION_HOLDOUT", "1.5"),
        ("ALLOW_CLOCK_OVERRIDE", "maybe"),
        ("RATE_LIMIT_WRITES", "3 per fortnight"),
    ],
)
def test_a_value_that_does_not_parse_fails_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ValidationError) as failure:
        Settings.from_environ({variable: value})
    assert variable.lower() in str(failure.value)


def test_each_variable_is_named_in_upper_case_by_its_first_alias_or_its_name() -> None:
    variables = Settings.variables()
    assert variables["project_id"] == "GOOGLE_CLOUD_PROJECT"
    assert variables["rate_limit_writes"] == "RATE_LIMIT_WRITES"
    assert set(variables) == set(Settings.model_fields)


def test_the_settings_cannot_be_changed_once_read() -> None:
    env = Settings.from_environ({})
    with pytest.raises(ValidationError):
        env.smtp_port = 2525  # type: ignore[misc]
