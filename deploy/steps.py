"""The deploy plan's steps that stand on their own: service accounts, secrets, scheduler jobs, monitoring and
the dashboard (deploy/plan.py strings them together with the functions, queues and topics)."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from deploy.monitoring import ALERTS, METRICS
from streak_core.adapters.pubsub_publisher import TICK_TOPIC
from streak_core.domain.webhooks import EVENT_COLUMNS

WEB_APP = "focus-dashboard"  # the Firebase web app whose config Hosting serves at /__/firebase/init.json
IDENTITY_ADMIN = "https://identitytoolkit.googleapis.com/admin/v2/projects"
# What the functions' own account does: Firestore, tasks (as the tasks account), messages, secrets, and
# reading users' email addresses from Firebase Auth.
RUNTIME_ROLES = (
    "roles/datastore.user",
    "roles/cloudtasks.enqueuer",
    "roles/pubsub.publisher",
    "roles/secretmanager.secretAccessor",
    "roles/firebaseauth.viewer",
)
SECRETS = ("cursor-secret", "unsubscribe-secret")  # random keys the plan makes; smtp-password is given
# Encrypts webhook signing secrets at rest: a Fernet key (32 random bytes, URL-safe base64).
FERNET_SECRET = "webhook-secret-key"


@dataclass(frozen=True)
class Accounts:
    """The service accounts of a deployment: each holds what its job needs, on its targets only."""

    project: str

    def email(self, name: str) -> str:
        return f"{name}@{self.project}.iam.gserviceaccount.com"

    @property
    def runtime(self) -> str:  # what the functions run as
        return self.email("streaks-runtime")

    @property
    def tasks(self) -> str:  # whose OIDC token Cloud Tasks tasks carry
        return self.email("streaks-tasks")

    @property
    def events(self) -> str:  # whose OIDC token Eventarc's Pub/Sub pushes carry
        return self.email("streaks-events")

    @property
    def scheduler(self) -> str:  # whose OIDC token Cloud Scheduler's HTTP jobs carry
        return self.email("streaks-scheduler")


def ensure(describe: str, create: str, update: str | None = None) -> str:
    """One idempotent step: create what is missing, else bring it to these settings (or leave it)."""
    present = update if update is not None else ":"
    return f"if {describe} >/dev/null 2>&1; then {present}; else {create}; fi"


def dashboard(gcloud: str, project: str, google_client_id: str | None) -> list[str]:
    """The web dashboard on Firebase Hosting: its web app (whose config Hosting serves), the sign-in providers
    it offers, then the built files with firebase.json's rewrites of /v1/** and /s/** to the api."""
    firebase, p = "npx firebase-tools", f"--project={shlex.quote(project)}"
    token = (
        f'-H "Authorization: Bearer $({gcloud} auth print-access-token)" -H "X-Goog-User-Project: {project}"'
    )
    config = f"{IDENTITY_ADMIN}/{project}"
    email = '{"signIn": {"email": {"enabled": true, "passwordRequired": true}}}'
    lines = [
        ensure(
            f"{firebase} apps:list WEB {p} | grep -q {WEB_APP}",
            f"{firebase} apps:create WEB {WEB_APP} {p}",
        ),
        f"curl -sfS -X PATCH {token} -H 'Content-Type: application/json'"
        f" '{config}/config?updateMask=signIn.email.enabled,signIn.email.passwordRequired' -d '{email}'",
    ]
    if google_client_id:
        # The OAuth client's secret comes from whoever deploys, once, into Secret Manager.
        given = '"${GOOGLE_OAUTH_CLIENT_SECRET:?set GOOGLE_OAUTH_CLIENT_SECRET for the first deployment}"'
        lines.append(
            ensure(
                f"{gcloud} secrets describe google-oauth-client-secret",
                f"printf '%s' {given} | {gcloud} secrets create google-oauth-client-secret --data-file=-",
            )
        )
        secret = f"$({gcloud} secrets versions access latest --secret=google-oauth-client-secret)"
        body = f'{{"enabled": true, "clientId": "{google_client_id}", "clientSecret": "\'"{secret}"\'"}}'
        idp = f"{config}/defaultSupportedIdpConfigs"
        lines.append(
            ensure(
                f"curl -sfS {token} '{idp}/google.com'",
                f"curl -sfS -X POST {token} -H 'Content-Type: application/json'"
                f" '{idp}?idpId=google.com' -d '{body}'",
                f"curl -sfS -X PATCH {token} -H 'Content-Type: application/json'"
                f" '{idp}/google.com?updateMask=enabled,clientId,clientSecret' -d '{body}'",
            )
        )
    lines.append("(cd web && npm ci --no-audit --no-fund && node_modules/.bin/vite build)")
    lines.append(f"{firebase} deploy --only hosting {p}")
    return lines


def accounts_steps(gcloud: str, project: str, accounts: Accounts) -> list[str]:
    """The service accounts, and the roles each needs (granting is idempotent)."""
    lines = []
    for account in (accounts.runtime, accounts.tasks, accounts.events, accounts.scheduler):
        name = account.split("@", 1)[0]
        lines.append(
            ensure(
                f"{gcloud} iam service-accounts describe {account}",
                f"{gcloud} iam service-accounts create {name} --display-name={name}",
            )
        )
    for role in RUNTIME_ROLES:
        lines.append(
            f"{gcloud} projects add-iam-policy-binding {shlex.quote(project)}"
            f" --member=serviceAccount:{accounts.runtime} --role={role} --condition=None"
        )
    # The functions create tasks that run as the tasks account: they must be allowed to act as it.
    lines.append(
        f"{gcloud} iam service-accounts add-iam-policy-binding {accounts.tasks}"
        f" --member=serviceAccount:{accounts.runtime} --role=roles/iam.serviceAccountUser"
    )
    # Pub/Sub's own agent mints the events account's tokens for the push subscriptions.
    number = f"$({gcloud} projects describe {shlex.quote(project)} --format='value(projectNumber)')"
    lines.append(
        f"{gcloud} iam service-accounts add-iam-policy-binding {accounts.events}"
        f" --member=serviceAccount:service-{number}@gcp-sa-pubsub.iam.gserviceaccount.com"
        " --role=roles/iam.serviceAccountTokenCreator"
    )
    return lines


def secrets_steps(gcloud: str) -> list[str]:
    lines = [
        ensure(
            f"{gcloud} secrets describe {secret}",
            f"openssl rand -base64 32 | {gcloud} secrets create {secret} --data-file=-",
        )
        for secret in SECRETS
    ]
    fernet = "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
    lines.append(
        ensure(
            f"{gcloud} secrets describe {FERNET_SECRET}",
            f"{fernet} | {gcloud} secrets create {FERNET_SECRET} --data-file=-",
        )
    )
    # The SMTP relay's password comes from whoever deploys, once; it is never in the plan or the code.
    given = '"${SMTP_PASSWORD:?set SMTP_PASSWORD to the SMTP relay password for the first deployment}"'
    lines.append(
        ensure(
            f"{gcloud} secrets describe smtp-password",
            f"printf '%s' {given} | {gcloud} secrets create smtp-password --data-file=-",
        )
    )
    return lines


def scheduler(gcloud: str, where: str, accounts: Accounts, notifications: str) -> list[str]:
    invoker = (
        f"--oidc-service-account-email={shlex.quote(accounts.scheduler)}"
        f" --oidc-token-audience={notifications}"
    )
    post = "--http-method=POST --message-body='{}'"
    jobs = {
        TICK_TOPIC: ("pubsub", "5 * * * *", f"--topic={TICK_TOPIC} --message-body='{{}}'"),
        "notifications-sweep": ("http", "*/5 * * * *", f"--uri={notifications}/sweep {post} {invoker}"),
        "notifications-reminders": ("http", "0 * * * *", f"--uri={notifications}/reminders {post} {invoker}"),
    }
    lines = []
    for job, (kind, schedule, rest) in jobs.items():
        spec = f"{kind} {job} {where} --schedule='{schedule}' {rest}"
        lines.append(
            ensure(
                f"{gcloud} scheduler jobs describe {job} {where}",
                f"{gcloud} scheduler jobs create {spec}",
                f"{gcloud} scheduler jobs update {spec}",
            )
        )
    return lines


CHANNEL = "Focus streaks alerts"


def monitoring(gcloud: str, alert_email: str) -> list[str]:
    """The email channel, the log-based metrics, and every alert policy with that channel on it."""
    by_name = shlex.quote(f'displayName="{CHANNEL}"')
    channel = f"$({gcloud} beta monitoring channels list --filter={by_name} --format='value(name)')"
    labels = shlex.quote(f"email_address={alert_email}")
    lines = [
        ensure(
            f'test -n "{channel}"',
            f"{gcloud} beta monitoring channels create --display-name={shlex.quote(CHANNEL)} --type=email"
            f" --channel-labels={labels}",
        )
    ]
    for metric in METRICS:
        lines.append(ensure(f"{gcloud} logging metrics describe {metric.name}", metric.create(gcloud)))
    for alert in ALERTS:
        named = shlex.quote('displayName="' + alert.display_name + '"')
        policy = f"$({gcloud} alpha monitoring policies list --filter={named} --format='value(name)')"
        lines.append(
            ensure(
                f'test -n "{policy}"',
                f"{gcloud} alpha monitoring policies create --notification-channels={channel}"
                f" --policy={shlex.quote(alert.policy())}",
                f'{gcloud} alpha monitoring policies update "{policy}" --set-notification-channels={channel}',
            )
        )
    return lines


# The events webhooks carry, also streamed to BigQuery: a schema'd topic, a dataset and table of the same
# columns, and a BigQuery subscription that writes each message there (no code of ours in the path).
EVENTS_TOPIC = "events"
EVENT_SCHEMA = "focus-event"
DATASET = "focus_streaks"
EVENTS_TABLE = "events"
EVENTS_SUBSCRIPTION = "events-to-bigquery"


def bigquery_steps(gcloud: str, project: str, location: str) -> list[str]:
    """The dataset, table, schema'd topic and BigQuery subscription of the events (each step idempotent).

    The Pub/Sub service agent writes to the table, so it is given BigQuery Data Editor on the project."""
    avro = {
        "type": "record",
        "name": "FocusEvent",
        "fields": [{"name": name, "type": "string"} for name, _ in EVENT_COLUMNS],
    }
    bq = f"bq --project_id={shlex.quote(project)}"
    table = f"{project}:{DATASET}.{EVENTS_TABLE}"
    # The event's columns, then those --write-metadata adds (partitioned by when it was published).
    columns = [f"{name}:{kind}" for name, kind in EVENT_COLUMNS] + [
        "subscription_name:STRING",
        "message_id:STRING",
        "publish_time:TIMESTAMP",
        "attributes:STRING",
    ]
    number = f"$({gcloud} projects describe {shlex.quote(project)} --format='value(projectNumber)')"
    agent = f"service-{number}@gcp-sa-pubsub.iam.gserviceaccount.com"
    return [
        ensure(
            f"{bq} show --dataset {project}:{DATASET}",
            f"{bq} --location={shlex.quote(location)} mk --dataset {project}:{DATASET}",
        ),
        ensure(
            f"{bq} show {table}",
            f"{bq} mk --table --time_partitioning_field=publish_time {table} {','.join(columns)}",
        ),
        ensure(
            f"{gcloud} pubsub schemas describe {EVENT_SCHEMA}",
            f"{gcloud} pubsub schemas create {EVENT_SCHEMA} --type=avro"
            f" --definition={shlex.quote(json.dumps(avro, separators=(',', ':')))}",
        ),
        ensure(
            f"{gcloud} pubsub topics describe {EVENTS_TOPIC}",
            f"{gcloud} pubsub topics create {EVENTS_TOPIC} --schema={EVENT_SCHEMA} --message-encoding=json",
        ),
        f"{gcloud} projects add-iam-policy-binding {shlex.quote(project)}"
        f" --member=serviceAccount:{agent} --role=roles/bigquery.dataEditor --condition=None",
        ensure(
            f"{gcloud} pubsub subscriptions describe {EVENTS_SUBSCRIPTION}",
            f"{gcloud} pubsub subscriptions create {EVENTS_SUBSCRIPTION} --topic={EVENTS_TOPIC}"
            f" --bigquery-table={table} --use-topic-schema --write-metadata",
        ),
    ]
