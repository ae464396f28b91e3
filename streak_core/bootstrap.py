"""The production container: each adapter's factory registered once, from the settings; each function's
dependencies derived from it (streak_core/dependencies.py). Nothing is built at import: adapters are
imported and clients created when a function first needs them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from streak_core.container import Container, imported
from streak_core.dependencies import DEFERRED, ApiDependencies, RequestDeps, compose, derive_api
from streak_core.domain.config import StreakConfig
from streak_core.ports.clock import Clock
from streak_core.ports.erasure import AccountDirectory
from streak_core.ports.followups import DispatchQueue
from streak_core.ports.identity import TokenVerifier
from streak_core.ports.jobs import JobQueue
from streak_core.services.rate_limit import SharedRateLimiter
from streak_core.settings import Settings, settings

if TYPE_CHECKING:  # imported when the container is built, never at import
    from streak_core.adapters.cloud_tasks import CloudTasksQueue
    from streak_core.function_dependencies import (
        AccountDependencies,
        JobDependencies,
        MaintenanceDependencies,
        NotificationDependencies,
        OpsDependencies,
    )
    from streak_core.ports.notifications import OutboxStore
    from streak_core.ports.webhooks import EventStream
    from streak_core.services.webhooks import Webhooks


def production(env: Settings) -> Container:
    """Every adapter, as the settings say; only what a function asks for is ever built."""
    c = Container()
    _firestore(c, env)
    _platform(c, env)
    _queues(c, env)
    # Services by name (dependencies.DEFERRED): each imported when something first needs it.
    c.register(DEFERRED["Cursors"], lambda c: env.cursors())
    c.register(DEFERRED["UnsubscribeLinks"], lambda c: env.unsubscribe_links())
    c.value(StreakConfig, env.streak_config())
    board_cache = "streak_core.services.leaderboard:BoardCache"
    c.register(
        board_cache,
        _imported(
            board_cache,
            max_age=timedelta(seconds=env.leaderboard_snapshot_max_age_seconds),
            memory_age=env.leaderboard_memory_cache_seconds,
        ),
    )
    c.register(DEFERRED["Webhooks"], lambda c: _webhooks(c, env))
    c.register(DEFERRED["Dispatcher"], _dispatcher)
    compose(c)
    return c


def _dispatcher(c: Container) -> Any:
    links = c.get(imported(DEFERRED["UnsubscribeLinks"]))
    return c.derive(imported(DEFERRED["Dispatcher"]), unsubscribe_url=links.url)


def _firestore(c: Container, env: Settings) -> None:
    from streak_core.adapters.firestore import stores
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.rate_limits import FirestoreWindowCounters

    c.value(LazyFirestore, LazyFirestore(env.project_id))
    for kind, path in stores.ADAPTERS.items():
        c.register(kind, _on_firestore(path))
    c.register(
        SharedRateLimiter,
        lambda c: SharedRateLimiter(env.rate_policies(), FirestoreWindowCounters(c.get(LazyFirestore))),
    )


def _on_firestore(path: str) -> Callable[[Container], Any]:
    """The Firestore adapter at `module:Class` on the one client, imported when first built."""
    from streak_core.adapters.firestore.client import LazyFirestore

    return lambda c: imported(path)(c.get(LazyFirestore))


def _platform(c: Container, env: Settings) -> None:
    """Registered by module path: an adapter is imported when it is first built, never before. An `api`
    instance never imports FCM or SMTP (the `notifications` function sends), nor Pub/Sub until an operator
    starts a run: each library costs a cold start 0.1-0.3 s."""
    emulated = bool(env.firebase_auth_emulator_host)
    auth = "streak_core.adapters.firebase_auth"
    c.register(TokenVerifier, _imported(f"{auth}:FirebaseTokenVerifier", env.project_id, emulated=emulated))
    c.register(AccountDirectory, _imported(f"{auth}:FirebaseAccounts", env.project_id))
    c.register(Clock, _imported("streak_core.adapters.system_clock:SystemClock"))
    c.register("streak_core.ports.notifications:OutboxStore", lambda c: _outbox(c, env))
    publishers, ports = "streak_core.adapters.pubsub_publisher", "streak_core.ports.maintenance"
    c.register(f"{ports}:TickPublisher", _imported(f"{publishers}:PubSubTickPublisher", env.project_id))
    c.register(f"{ports}:BatchPublisher", _imported(f"{publishers}:PubSubBatchPublisher", env.project_id))
    # By name: the share cards' modules are imported by the routes that draw one, not by every cold start.
    raster = "streak_core.adapters.raster"
    c.register("streak_core.ports.shares:Rasterizer", _imported(f"{raster}:ResvgRasterizer"))
    c.register("streak_core.domain.cards:TextMetrics", _imported(f"{raster}:RobotoMetrics"))
    c.register(
        "streak_core.ports.notifications:PushSender",
        _imported("streak_core.adapters.fcm_push:FcmPushSender", env.project_id, env.fcm_url or None),
    )
    password = env.smtp_password.get_secret_value() if env.smtp_password else None
    c.register(
        "streak_core.ports.notifications:EmailSender",
        _imported(
            "streak_core.adapters.smtp_email:SmtpEmailSender",
            env.smtp_host,
            env.smtp_port,
            env.smtp_sender,
            username=env.smtp_username or None,
            password=password,
            starttls=env.smtp_starttls,
        ),
    )


def _imported(path: str, *args: Any, **kwargs: Any) -> Callable[[Container], Any]:
    """A factory of the adapter at `module:Class`, made with these arguments, imported when first built."""
    return lambda c: imported(path)(*args, **kwargs)


def _outbox(c: Container, env: Settings) -> OutboxStore:
    """The outbox, with where a user's email address is: their Firebase Auth account."""
    from streak_core.adapters.firebase_directory import AuthEmailDirectory
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.outbox import FirestoreOutboxStore

    return FirestoreOutboxStore(c.get(LazyFirestore), email_of=AuthEmailDirectory(env.project_id).email_of)


def _queues(c: Container, env: Settings) -> None:
    """The Cloud Tasks queues a deployment has (a queue whose target URL is not set is not there), each
    registered by its port's name and imported when first built."""
    if env.notifications_dispatch_url:
        c.register(
            DispatchQueue, _on_tasks("Dispatch", env, env.notifications_queue, env.notifications_dispatch_url)
        )
    if env.friend_streaks_check_url:
        check = _on_tasks("FriendStreak", env, env.notifications_queue, env.friend_streaks_check_url)
        c.register("streak_core.ports.followups:FriendStreakQueue", check)
    if env.session_jobs_url:
        c.register(JobQueue, _on_tasks("Job", env, env.session_jobs_queue, env.session_jobs_url))
    retry = _on_tasks("Retry", env, env.maintenance_retry_queue, env.maintenance_retry_url)
    c.register("streak_core.ports.maintenance:RetryQueue", retry)


def _on_tasks(kind: str, env: Settings, name: str, target_url: str) -> Callable[[Container], Any]:
    """A factory of `adapters.cloud_tasks.CloudTasks{kind}Queue` on one queue of this deployment."""
    return lambda c: imported(f"streak_core.adapters.cloud_tasks:CloudTasks{kind}Queue")(
        _tasks_queue(env, name, target_url)
    )


def _tasks_queue(env: Settings, name: str, target_url: str) -> CloudTasksQueue:
    """One Cloud Tasks queue of this deployment, whose tasks POST to `target_url`."""
    from streak_core.adapters.cloud_tasks import CloudTasksQueue

    return CloudTasksQueue(
        env.project_id, env.tasks_location, name, target_url, env.cloud_tasks_emulator_host
    )


def _webhooks(c: Container, env: Settings) -> Webhooks:
    """Endpoints, fan-out and drains; the `webhooks` queue's tasks call the `notifications` function."""
    from streak_core.adapters.cloud_tasks import CloudTasksWebhookQueue
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
    from streak_core.adapters.webhook_http import FernetBox, PinnedSender, SystemResolver, UnsetBox
    from streak_core.services.webhooks import Webhooks

    key, url = env.webhook_secret_key, env.webhooks_drain_url
    queue = CloudTasksWebhookQueue(_tasks_queue(env, env.webhooks_queue, url)) if url else None
    return Webhooks(
        FirestoreWebhookStore(c.get(LazyFirestore)),
        FernetBox(key.get_secret_value()) if key is not None else UnsetBox(),
        SystemResolver(),
        PinnedSender(),
        queue,
        allow_local=env.allow_clock_override,
        retry_base=timedelta(seconds=env.webhook_retry_base_seconds),
        stream=_events_stream(env),
    )


def _events_stream(env: Settings) -> EventStream | None:
    if not env.events_topic:
        return None
    from streak_core.adapters.pubsub_publisher import PubSubEventStream

    return PubSubEventStream(env.project_id, env.events_topic)


@cache
def _container() -> Container:
    return production(settings())


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    env, c = settings(), _container()
    c.register(
        RequestDeps,
        lambda c: c.derive(
            RequestDeps,
            allow_clock_override=env.allow_clock_override,
            time_budget=env.api_time_budget_seconds,
            trusted_proxy_hops=env.trusted_proxy_hops,
        ),
    )
    shares = "streak_core.areas:ShareDeps"
    c.register(shares, lambda c: c.derive(imported(shares), public_base_url=env.public_base_url))
    return derive_api(c)


@cache
def job_dependencies() -> JobDependencies:
    from streak_core.function_dependencies import JobDependencies

    env = settings()
    return _container().derive(
        JobDependencies, max_attempts=env.session_jobs_max_attempts, time_budget=env.task_time_budget_seconds
    )


@cache
def maintenance_dependencies() -> MaintenanceDependencies:
    from streak_core.function_dependencies import MaintenanceDependencies

    env, c = settings(), _container()
    return c.derive(
        MaintenanceDependencies,
        batch_worker=c.derive(imported(DEFERRED["BatchWorker"])),  # hands what still fails to the retry queue
        # retry_worker: the registered BatchWorker (`compose`: no retry queue of its own)
        allow_clock_override=env.allow_clock_override,
        page_size=env.maintenance_page_size,
        query_page_size=env.maintenance_query_page_size,
        max_attempts=env.maintenance_retry_max_attempts,
        event_budget=env.event_time_budget_seconds,
        task_budget=env.task_time_budget_seconds,
    )


@cache
def notification_dependencies() -> NotificationDependencies:
    from streak_core.function_dependencies import NotificationDependencies

    env = settings()
    return _container().derive(
        NotificationDependencies,
        allow_clock_override=env.allow_clock_override,
        sweep_limit=env.notifications_sweep_limit,
        time_budget=env.task_time_budget_seconds,
    )


@cache
def account_dependencies() -> AccountDependencies:
    from streak_core.function_dependencies import AccountDependencies

    return _container().derive(AccountDependencies, time_budget=settings().event_time_budget_seconds)


def ops_dependencies() -> OpsDependencies:
    """Built when a command starts, from the environment (the --stack option sets it for `make dev`)."""
    from streak_core.function_dependencies import OpsDependencies

    return production(Settings.from_environ()).derive(OpsDependencies)
