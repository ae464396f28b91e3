"""Every environment variable the functions read, read once per instance into one typed object."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator

from streak_core.domain.config import DEFAULT_CONFIG, StreakConfig
from streak_core.domain.vocabulary import LimitScope
from streak_core.domain.windows import RateLimit, parse_limits

if TYPE_CHECKING:  # imported by the methods that make them (a cold start of the api may need neither)
    from streak_core.services.cursors import Cursors
    from streak_core.services.unsubscribe import UnsubscribeLinks

log = logging.getLogger(__name__)


class Settings(BaseModel):
    """Every environment variable the functions read, with its default (names are case-insensitive).

    A pydantic model read from the environment by `from_environ`: pydantic parses and checks each value
    (lax mode: "1"/"true"/"on" are true, numbers from their text) as it does every request body. Not
    pydantic-settings: its sources (dotenv, secrets files, a command line, cloud vaults) are none we use,
    and importing them cost 15-20 ms of every cold start (bench/coldstart.py)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # The Google Cloud project (set by the platform; `demo-...` on the local stack).
    project_id: str | None = Field(
        default=None, validation_alias=AliasChoices("google_cloud_project", "gcloud_project")
    )
    # Local runs and tests only: honour `X-Now` and `now` overrides of the clock.
    allow_clock_override: bool = False
    # Request windows in the `limits` notation; an empty value switches that scope's limit off.
    rate_limit_writes: str = "3/second;20/10 seconds;100/minute"  # per user: the seed's figures
    rate_limit_reads: str = "10/second;60/10 seconds;300/minute"  # per user
    rate_limit_public: str = "5/second;30/10 seconds;120/minute"  # per client address: the public routes
    # Proxies between the visitor and Cloud Run's front end that append to X-Forwarded-For: the client is the
    # entry this many places from the right (0: the front end's entry; deploy plan: 1, for Hosting).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    # Seconds a request, a task or a Pub/Sub event may spend in all: every backend call gets what is left,
    # so a stalled Firestore is a 503 (a retried task, a nacked message) well within the function's timeout
    # (deploy/plan.py gives the functions 60 s, and 300 s to the batch function).
    api_time_budget_seconds: float = 20.0
    task_time_budget_seconds: float = 45.0
    event_time_budget_seconds: float = 240.0
    public_base_url: str | None = None  # e.g. https://share.example.com: the base of public share links
    # Signs page cursors. Unset, each instance draws its own key, so a cursor only works on the instance
    # that issued it: deployments set it (the same on every instance).
    cursor_secret: SecretStr | None = None
    # Signs the one-click unsubscribe links of emails; like the cursors', the same on every instance.
    unsubscribe_secret: SecretStr | None = None
    leaderboard_snapshot_max_age_seconds: float = 60.0
    leaderboard_memory_cache_seconds: float = 10.0
    tasks_location: str = "us-central1"
    # The service account whose OIDC token every Cloud Tasks task carries (deploy/plan.py creates it and
    # lets it invoke exactly the private functions); unset locally, where the emulator checks nothing.
    tasks_service_account: str | None = None
    cloud_tasks_emulator_host: str | None = None
    notifications_queue: str = "notifications"
    # The `notifications` function's /dispatch; unset, entries are sent by the scheduled sweep alone.
    notifications_dispatch_url: str | None = None
    notifications_sweep_limit: int = 200
    # The `notifications` function's /friend-streaks/check; unset, the nightly tick alone checks pairs.
    friend_streaks_check_url: str | None = None
    session_jobs_queue: str = "session-jobs"
    # The `session_jobs` function's URL; unset, `Prefer: respond-async` is answered synchronously (RFC 7240).
    session_jobs_url: str | None = None
    session_jobs_max_attempts: int = 3  # the queue's max attempts: the last one dead-letters the job
    maintenance_retry_queue: str = "maintenance-retry"
    maintenance_retry_url: str = ""
    maintenance_retry_max_attempts: int = 5
    maintenance_page_size: int = 500
    maintenance_query_page_size: int = 5000
    webhooks_queue: str = "webhooks"
    # Reactivation's holdout (DESIGN.md "Lifecycle"): the fraction of users who get no reactivation message,
    # chosen by a keyed hash of the uid; another key draws other users.
    reactivation_holdout: float = Field(default=0.10, ge=0.0, le=1.0)
    reactivation_holdout_key: str = "focus-streaks-reactivation"
    # The topic every webhook event also goes to (its BigQuery subscription keeps them all); unset: none.
    events_topic: str | None = None
    # The `notifications` function's /webhooks/drain; unset, lanes are drained by the scheduled sweep alone.
    webhooks_drain_url: str | None = None
    # Encrypts webhook signing secrets at rest (a Fernet key, which deploy/plan.py makes and keeps in Secret
    # Manager); the same on every instance. Unset, registering or delivering a webhook answers 503.
    webhook_secret_key: SecretStr | None = None
    webhook_retry_base_seconds: float = 30.0  # the wait after a first failed attempt, doubled each time
    firebase_auth_emulator_host: str | None = None
    fcm_url: str | None = None
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "Focus Streaks <streaks@localhost>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings `environ` (the process environment by default) gives, names in any case; a value
        that does not parse fails here, when an instance starts, naming its variable."""
        source = os.environ if environ is None else environ
        return cls.model_validate({name.lower(): value for name, value in source.items()})

    def streak_config(self) -> StreakConfig:
        """The engine's rules with this deployment's settings."""
        return replace(
            DEFAULT_CONFIG,
            reactivation_holdout=self.reactivation_holdout,
            holdout_key=self.reactivation_holdout_key,
        )

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Each field's environment variable, upper case: its first alias where it has them, else its name."""
        names = {}
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            first = alias.choices[0] if isinstance(alias, AliasChoices) else alias
            names[name] = (first if isinstance(first, str) else name).upper()
        return names

    @field_validator("rate_limit_writes", "rate_limit_reads", "rate_limit_public")
    @classmethod
    def _limits_parse(cls, spec: str) -> str:
        parse_limits(spec)  # a typo fails the instance at start, not every request
        return spec

    def rate_policies(self) -> dict[LimitScope, tuple[RateLimit, ...]]:
        return {
            LimitScope.WRITE: parse_limits(self.rate_limit_writes),
            LimitScope.READ: parse_limits(self.rate_limit_reads),
            LimitScope.PUBLIC: parse_limits(self.rate_limit_public),
        }

    def unsubscribe_links(self) -> UnsubscribeLinks:
        """Links under PUBLIC_BASE_URL (none where it is unset: emails then carry no link)."""
        from streak_core.services.unsubscribe import UnsubscribeLinks  # noqa: PLC0415  # when first made

        if self.unsubscribe_secret is None:
            log.warning(
                "UNSUBSCRIBE_SECRET is not set: unsubscribe links only work on the instance that made them"
            )
            return UnsubscribeLinks(secrets.token_urlsafe(32), self.public_base_url)
        return UnsubscribeLinks(self.unsubscribe_secret.get_secret_value(), self.public_base_url)

    def cursors(self) -> Cursors:
        from streak_core.services.cursors import Cursors  # noqa: PLC0415  # when first made (itsdangerous)

        if self.cursor_secret is None:
            log.warning("CURSOR_SECRET is not set: page cursors only work on the instance that issued them")
            return Cursors(secrets.token_urlsafe(32))
        return Cursors(self.cursor_secret.get_secret_value())


@cache
def settings() -> Settings:
    """Read once per instance, on first use."""
    return Settings.from_environ()
