"""The one place that builds the object graph, from the settings; clients are created lazily, on first use."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from streak_core.dependencies import (
    AccountDependencies,
    AdminDeps,
    ApiDependencies,
    ChallengeDeps,
    DataDeps,
    JobDependencies,
    LeagueDeps,
    MaintenanceDependencies,
    MeDeps,
    NotificationDependencies,
    OpsDependencies,
    PauseDeps,
    RequestDeps,
    SessionDeps,
    ShareDeps,
    SocialDeps,
    StatsDeps,
    WebhookDeps,
)
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.ports.jobs import JobQueue
from streak_core.ports.notifications import DispatchQueue
from streak_core.services.export import ExportSources
from streak_core.services.friends import Friends
from streak_core.services.leaderboard import BoardCache, Leaderboards
from streak_core.services.leagues import Leagues, LeagueSettler
from streak_core.services.maintenance import BatchWorker
from streak_core.services.rate_limit import SharedRateLimiter
from streak_core.settings import Settings, settings

if TYPE_CHECKING:  # the adapter is imported when a queue is built, never at import
    from streak_core.adapters.cloud_tasks import CloudTasksQueue
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.services.webhooks import Webhooks


def notifications_queue(env: Settings) -> DispatchQueue | None:
    """The `notifications` Cloud Tasks queue, whose tasks call the `notifications` function's /dispatch."""
    from streak_core.adapters.cloud_tasks import CloudTasksDispatchQueue

    if not env.notifications_dispatch_url:
        return None
    return CloudTasksDispatchQueue(_tasks_queue(env, env.notifications_queue, env.notifications_dispatch_url))


def session_jobs_queue(env: Settings) -> JobQueue | None:
    """The `session-jobs` Cloud Tasks queue, whose tasks call the `session_jobs` function."""
    from streak_core.adapters.cloud_tasks import CloudTasksJobQueue

    if not env.session_jobs_url:
        return None
    return CloudTasksJobQueue(_tasks_queue(env, env.session_jobs_queue, env.session_jobs_url))


def webhooks(env: Settings, firestore: LazyFirestore) -> Webhooks:
    """Endpoints, fan-out and drains; the `webhooks` queue's tasks call the `notifications` function."""
    from streak_core.adapters.cloud_tasks import CloudTasksWebhookQueue
    from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
    from streak_core.adapters.webhook_http import FernetBox, PinnedSender, SystemResolver, UnsetBox
    from streak_core.services.webhooks import Webhooks

    key = env.webhook_secret_key
    queue = (
        CloudTasksWebhookQueue(_tasks_queue(env, env.webhooks_queue, env.webhooks_drain_url))
        if env.webhooks_drain_url
        else None
    )
    return Webhooks(
        FirestoreWebhookStore(firestore),
        FernetBox(key.get_secret_value()) if key is not None else UnsetBox(),
        SystemResolver(),
        PinnedSender(),
        queue,
        allow_local=env.allow_clock_override,
        retry_base=timedelta(seconds=env.webhook_retry_base_seconds),
    )


def _tasks_queue(env: Settings, name: str, target_url: str) -> CloudTasksQueue:
    from streak_core.adapters.cloud_tasks import CloudTasksQueue

    return CloudTasksQueue(
        env.project_id, env.tasks_location, name, target_url, env.cloud_tasks_emulator_host
    )


@cache
def api_dependencies() -> ApiDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseAccounts, FirebaseTokenVerifier
    from streak_core.adapters.firestore.badges import FirestoreBadgeCounts
    from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
    from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.erasure import FirestoreEraser
    from streak_core.adapters.firestore.friends import FirestoreFriendStore
    from streak_core.adapters.firestore.jobs import FirestoreJobStore
    from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.pauses import FirestorePauseStore
    from streak_core.adapters.firestore.rate_limits import FirestoreStorage
    from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.firestore.shares import FirestoreShareStore
    from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
    from streak_core.adapters.firestore.your_data import FirestoreUserData
    from streak_core.adapters.pubsub_publisher import PubSubTickPublisher
    from streak_core.adapters.raster import ResvgRasterizer, RobotoMetrics
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    notify = notifications_queue(env)
    users, profiles = FirestoreUserStore(firestore), FirestoreProfiles(firestore)
    boards, friend_store = FirestoreLeaderboardStore(firestore), FirestoreFriendStore(firestore)
    cache = BoardCache(
        max_age=timedelta(seconds=env.leaderboard_snapshot_max_age_seconds),
        memory_age=env.leaderboard_memory_cache_seconds,
    )
    cursors, rasterizer = env.cursors(), ResvgRasterizer()
    maintenance = FirestoreMaintenanceStore(firestore)
    friends = Friends(friend_store, boards, profiles, DEFAULT_CONFIG)
    data, pause_store = FirestoreUserData(firestore), FirestorePauseStore(firestore)
    share_store, badge_counts = FirestoreShareStore(firestore), FirestoreBadgeCounts(firestore)
    rebuilds, league_store = FirestoreRebuildStore(firestore), FirestoreLeagueStore(firestore)
    eraser, job_queue = FirestoreEraser(firestore), session_jobs_queue(env)
    verifier = FirebaseTokenVerifier(env.project_id, emulated=bool(env.firebase_auth_emulator_host))
    return ApiDependencies(
        request=RequestDeps(
            verifier=verifier,
            clock=SystemClock(),
            rate_limiter=SharedRateLimiter(env.rate_policies(), FirestoreStorage(firestore)),
            allow_clock_override=env.allow_clock_override,
            time_budget=env.api_time_budget_seconds,
            trusted_proxy_hops=env.trusted_proxy_hops,
        ),
        sessions=SessionDeps(
            store=users,
            notify=notify,
            jobs=FirestoreJobStore(firestore),
            job_queue=job_queue,
            eraser=eraser,
        ),
        me=MeDeps(store=users, cursors=cursors, unsubscribes=env.unsubscribe_links()),
        stats=StatsDeps(store=users, badge_counts=badge_counts, rasterizer=rasterizer),
        shares=ShareDeps(
            store=users,
            shares=share_store,
            rasterizer=rasterizer,
            text_metrics=RobotoMetrics(),
            public_base_url=env.public_base_url,
        ),
        challenges=ChallengeDeps(
            challenges=FirestoreChallengeStore(firestore), profiles=profiles, cursors=cursors, notify=notify
        ),
        pauses=PauseDeps(pauses=pause_store),
        social=SocialDeps(
            leaderboards=Leaderboards(users, boards, friend_store, cursors, cache),
            friends=friends,
        ),
        admin=AdminDeps(
            store=users,
            runs=FirestoreRunStore(firestore),
            rebuilds=rebuilds,
            maintenance=maintenance,
            outages=FirestoreOutageStore(firestore),
            ticks=PubSubTickPublisher(env.project_id),
            dead_letters=FirestoreDeadLetters(firestore),
            replay_worker=BatchWorker(maintenance, DEFAULT_CONFIG, notify=notify),
        ),
        webhooks=WebhookDeps(webhooks(env, firestore), cursors),
        leagues=LeagueDeps(Leagues(league_store, users, profiles, DEFAULT_CONFIG)),
        data=DataDeps(
            store=users,
            data=data,
            rebuilds=rebuilds,
            cursors=cursors,
            export=ExportSources(users, data, pause_store, badge_counts, friends, share_store, league_store),
            eraser=eraser,
            accounts=FirebaseAccounts(env.project_id),
            verifier=verifier,
            job_queue=job_queue,
        ),
    )


@cache
def job_dependencies() -> JobDependencies:
    """Built on the first task of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseAccounts
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.erasure import FirestoreEraser
    from streak_core.adapters.firestore.jobs import FirestoreJobStore
    from streak_core.adapters.firestore.users import FirestoreUserStore
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    return JobDependencies(
        jobs=FirestoreJobStore(firestore),
        store=FirestoreUserStore(firestore),
        clock=SystemClock(),
        notify=notifications_queue(env),
        max_attempts=env.session_jobs_max_attempts,
        time_budget=env.task_time_budget_seconds,
        eraser=FirestoreEraser(firestore),
        accounts=FirebaseAccounts(env.project_id),
    )


@cache
def maintenance_dependencies() -> MaintenanceDependencies:
    """Built on the first event of an instance; importing this module needs no credentials."""
    from streak_core.adapters.cloud_tasks import CloudTasksRetryQueue
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.firestore.users import FirestoreProfiles
    from streak_core.adapters.pubsub_publisher import PubSubBatchPublisher
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    firestore = LazyFirestore(env.project_id)
    store = FirestoreMaintenanceStore(firestore)
    retry_queue = CloudTasksRetryQueue(
        _tasks_queue(env, env.maintenance_retry_queue, env.maintenance_retry_url)
    )
    notify = notifications_queue(env)
    return MaintenanceDependencies(
        runs=FirestoreRunStore(firestore),
        publisher=PubSubBatchPublisher(env.project_id),
        dead_letters=FirestoreDeadLetters(firestore),
        batch_worker=BatchWorker(store, DEFAULT_CONFIG, retry_queue=retry_queue, notify=notify),
        retry_worker=BatchWorker(store, DEFAULT_CONFIG, notify=notify),
        outages=FirestoreOutageStore(firestore),
        clock=SystemClock(),
        allow_clock_override=env.allow_clock_override,
        page_size=env.maintenance_page_size,
        query_page_size=env.maintenance_query_page_size,
        max_attempts=env.maintenance_retry_max_attempts,
        leagues=LeagueSettler(
            FirestoreLeagueStore(firestore), FirestoreProfiles(firestore), DEFAULT_CONFIG, notify
        ),
        event_budget=env.event_time_budget_seconds,
        task_budget=env.task_time_budget_seconds,
    )


@cache
def notification_dependencies() -> NotificationDependencies:
    """Built on the first request of an instance; importing this module needs no credentials."""
    from streak_core.adapters.fcm_push import FcmPushSender
    from streak_core.adapters.firebase_auth import AuthEmailDirectory
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.outbox import FirestoreOutboxStore
    from streak_core.adapters.firestore.reminders import FirestoreReminderStore
    from streak_core.adapters.firestore.users import FirestoreProfiles
    from streak_core.adapters.smtp_email import SmtpEmailSender
    from streak_core.adapters.system_clock import SystemClock
    from streak_core.services.dispatch import Dispatcher

    env = settings()
    firestore = LazyFirestore(env.project_id)
    directory = AuthEmailDirectory(env.project_id)
    email = SmtpEmailSender(
        env.smtp_host,
        env.smtp_port,
        env.smtp_sender,
        username=env.smtp_username or None,
        password=env.smtp_password.get_secret_value() if env.smtp_password else None,
        starttls=env.smtp_starttls,
    )
    return NotificationDependencies(
        dispatcher=Dispatcher(
            FirestoreOutboxStore(firestore, email_of=directory.email_of),
            FcmPushSender(env.project_id, env.fcm_url or None),
            email,
            notifications_queue(env),
            unsubscribe_url=env.unsubscribe_links().url,
        ),
        reminders=FirestoreReminderStore(firestore),
        profiles=FirestoreProfiles(firestore),
        clock=SystemClock(),
        allow_clock_override=env.allow_clock_override,
        sweep_limit=env.notifications_sweep_limit,
        time_budget=env.task_time_budget_seconds,
        webhooks=webhooks(env, firestore),
    )


@cache
def account_dependencies() -> AccountDependencies:
    """Built on the first event of an instance; importing this module needs no credentials."""
    from streak_core.adapters.firebase_auth import FirebaseAccounts
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.erasure import FirestoreEraser
    from streak_core.adapters.system_clock import SystemClock

    env = settings()
    return AccountDependencies(
        eraser=FirestoreEraser(LazyFirestore(env.project_id)),
        accounts=FirebaseAccounts(env.project_id),
        clock=SystemClock(),
        time_budget=env.event_time_budget_seconds,
    )


def ops_dependencies() -> OpsDependencies:
    """Built when a command starts, from the environment (the --stack option sets it for `make dev`)."""
    from streak_core.adapters.firebase_auth import FirebaseAccounts
    from streak_core.adapters.firestore.badges import FirestoreBadgeCounts
    from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
    from streak_core.adapters.firestore.client import LazyFirestore
    from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
    from streak_core.adapters.firestore.erasure import FirestoreEraser
    from streak_core.adapters.firestore.friends import FirestoreFriendStore
    from streak_core.adapters.firestore.jobs import FirestoreJobStore
    from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
    from streak_core.adapters.firestore.maintenance import FirestoreMaintenanceStore
    from streak_core.adapters.firestore.outages import FirestoreOutageStore
    from streak_core.adapters.firestore.pauses import FirestorePauseStore
    from streak_core.adapters.firestore.rebuild import FirestoreRebuildStore
    from streak_core.adapters.firestore.runs import FirestoreRunStore
    from streak_core.adapters.firestore.shares import FirestoreShareStore
    from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
    from streak_core.adapters.firestore.your_data import FirestoreUserData
    from streak_core.adapters.pubsub_publisher import PubSubTickPublisher
    from streak_core.adapters.system_clock import SystemClock

    env = Settings()
    firestore = LazyFirestore(env.project_id)
    maintenance = FirestoreMaintenanceStore(firestore)
    users, boards = FirestoreUserStore(firestore), FirestoreLeaderboardStore(firestore)
    leagues = FirestoreLeagueStore(firestore)
    friends = Friends(FirestoreFriendStore(firestore), boards, FirestoreProfiles(firestore), DEFAULT_CONFIG)
    export = ExportSources(
        users,
        FirestoreUserData(firestore),
        FirestorePauseStore(firestore),
        FirestoreBadgeCounts(firestore),
        friends,
        FirestoreShareStore(firestore),
        leagues,
    )
    return OpsDependencies(
        users=users,
        rebuilds=FirestoreRebuildStore(firestore),
        maintenance=maintenance,
        outages=FirestoreOutageStore(firestore),
        ticks=PubSubTickPublisher(env.project_id),
        runs=FirestoreRunStore(firestore),
        dead_letters=FirestoreDeadLetters(firestore),
        replay_worker=BatchWorker(maintenance, DEFAULT_CONFIG, notify=notifications_queue(env)),
        clock=SystemClock(),
        boards=boards,
        jobs=FirestoreJobStore(firestore),
        eraser=FirestoreEraser(firestore),
        accounts=FirebaseAccounts(env.project_id),
        export=export,
        job_queue=session_jobs_queue(env),
        leagues=leagues,
    )
