"""The deployment's dry run names every function target, topic and queue the code uses, and runs nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import main
from deploy.package import stage
from streak_core.adapters import pubsub_publisher
from streak_core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def plan(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path} if path else None
    return subprocess.run(
        [sys.executable, "-m", "deploy.plan", "--project", "demo-plan", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )


def dry_run(path: str | None = None, *args: str) -> str:
    done = plan("--dry-run", *args, path=path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(*args: str) -> str:
    """What the plan says when it refuses to run (exit status 2, a usage error)."""
    done = plan(*args)
    assert done.returncode == 2, done.stdout
    return done.stderr


def test_every_function_topic_and_queue_of_the_code_is_in_the_plan() -> None:
    plan = dry_run()
    for target in main.__all__:
        assert f"functions deploy {target} " in plan
        assert f"--entry-point={target}" in plan
    topics = {v for k, v in vars(pubsub_publisher).items() if k.endswith("_TOPIC")}
    assert topics == {"maintenance-tick", "maintenance-batch"}
    for topic in topics:
        assert f"pubsub topics create {topic}" in plan
        assert f"--trigger-topic={topic}" in plan
    queues = {str(f.default) for name, f in Settings.model_fields.items() if name.endswith("_queue")}
    assert queues == {"notifications", "maintenance-retry", "session-jobs", "webhooks"}
    for queue in queues:
        assert f"tasks queues create {queue} " in plan
    assert "firestore:indexes,firestore:rules" in plan
    assert "scheduler jobs create pubsub maintenance-tick" in plan


def test_each_step_is_idempotent_shell_and_the_dry_run_runs_nothing(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    for tool in ("gcloud", "npx", "openssl"):  # stand-ins that would leave a trace if anything ran
        fake = tmp_path / tool
        fake.write_text(f"#!/bin/sh\necho {tool} >> {ran}\n")
        fake.chmod(0o755)
    plan = dry_run(f"{tmp_path}:{os.environ['PATH']}").splitlines()
    assert not ran.exists()
    assert subprocess.run(["bash", "-n"], input="\n".join(plan), text=True, check=False).returncode == 0
    creating = [line for line in plan if " create " in line]
    assert creating
    assert all(line.startswith("if ") and ("describe" in line or " list " in line) for line in creating)


def test_the_log_fields_metrics_count_are_the_ones_the_code_writes() -> None:
    plan = dry_run()
    for field in ("retry", "retry_success", "dead_letter", "cache_hit", "query_ms", "latency_ms"):
        assert f"jsonPayload.{field}" in plan
    for metric in ("dead_letters", "slow_queries"):
        assert f"logging.googleapis.com/user/{metric}" in plan  # an alert policy watches it


def lines_with(plan: str, *parts: str) -> list[str]:
    return [line for line in plan.splitlines() if all(part in line for part in parts)]


def test_tasks_and_pushes_authenticate_as_accounts_that_may_invoke_their_targets_only() -> None:
    plan = dry_run()
    tasks, events = (
        f"{name}@demo-plan.iam.gserviceaccount.com" for name in ("streaks-tasks", "streaks-events")
    )
    invoked = {
        account: {
            line.split("add-invoker-policy-binding ")[1].split()[0]
            for line in lines_with(plan, account)
            if "add-invoker-policy-binding" in line
        }
        for account in (tasks, events)
    }
    assert invoked[tasks] == {"maintenance_retry", "notifications", "session_jobs"}
    assert invoked[events] == {"on_maintenance_tick", "on_maintenance_batch", "on_account_deleted"}
    for target in ("maintenance_retry", "notifications", "session_jobs"):
        [deploy] = lines_with(plan, f"functions deploy {target} ")
        assert "--no-allow-unauthenticated" in deploy
    for target in ("on_maintenance_tick", "on_maintenance_batch", "on_account_deleted"):
        [deploy] = lines_with(plan, f"functions deploy {target} ")
        assert f"--trigger-service-account={events}" in deploy
    # Each function that creates tasks names the account they run as, and may act as it.
    for service in ("api", "on-maintenance-batch", "maintenance-retry", "session-jobs", "notifications"):
        [wired] = lines_with(plan, f"run services update {service} ")
        assert f"TASKS_SERVICE_ACCOUNT={tasks}" in wired
    runtime = "streaks-runtime@demo-plan.iam.gserviceaccount.com"
    assert lines_with(plan, f"service-accounts add-iam-policy-binding {tasks}", runtime, "serviceAccountUser")
    for role in ("cloudtasks.enqueuer", "pubsub.publisher", "datastore.user", "secretmanager.secretAccessor"):
        assert lines_with(plan, "projects add-iam-policy-binding", runtime, f"roles/{role}")
    assert all(f"--service-account={runtime}" in line for line in lines_with(plan, "functions deploy"))
    assert lines_with(plan, "gcp-sa-pubsub", events, "serviceAccountTokenCreator")


def test_mail_goes_through_the_configured_relay_with_its_password_a_secret() -> None:
    plan = dry_run(None, "--smtp-host", "smtp.sendgrid.net", "--smtp-sender", "Focus <s@example.com>")
    [deploy] = lines_with(plan, "functions deploy notifications ")
    for setting in (
        "SMTP_HOST=smtp.sendgrid.net",
        "SMTP_PORT=587",
        "SMTP_USERNAME=apikey",
        "SMTP_STARTTLS=1",
    ):
        assert setting in deploy
    assert "SMTP_PASSWORD=smtp-password:latest" in deploy
    assert "UNSUBSCRIBE_SECRET=unsubscribe-secret:latest" in deploy
    [secret] = lines_with(plan, "secrets create smtp-password")
    assert "${SMTP_PASSWORD:?" in secret  # from whoever deploys, never from the plan
    [wired] = lines_with(plan, "run services update notifications ")
    assert "PUBLIC_BASE_URL=$(" in wired
    assert "functions describe api " in wired


def test_every_alert_mails_the_channel_of_the_given_address() -> None:
    plan = dry_run(None, "--alert-email", "oncall@example.com")
    [channel] = lines_with(plan, "monitoring channels create")
    assert "--type=email" in channel
    assert "email_address=oncall@example.com" in channel
    policies = lines_with(plan, "monitoring policies create")
    assert len(policies) == 9
    assert all("--notification-channels=$(" in p and "--set-notification-channels=$(" in p for p in policies)
    for alert in (
        "server_errors",
        "dead_letters",
        "maintenance_failures",
        "notification_failures",
        "request_latency",
    ):
        assert any(f"logging.googleapis.com/user/{alert}" in p for p in policies)
        assert lines_with(plan, f"logging metrics create {alert} ")


def test_a_real_deployment_needs_the_alert_address_and_the_mail_relay() -> None:
    assert "--alert-email and --smtp-host" in refused()


def test_the_dashboard_goes_to_hosting_with_the_api_rewrites_after_the_functions() -> None:
    import json

    hosting = json.loads((ROOT / "firebase.json").read_text())["hosting"]
    assert hosting["public"] == "web/dist"
    rewrites = {rule["source"]: rule["run"] for rule in hosting["rewrites"]}
    assert rewrites == {p: {"serviceId": "api", "region": "us-central1"} for p in ("/v1/**", "/s/**")}
    plan = dry_run().splitlines()
    order = [
        next(i for i, line in enumerate(plan) if needle in line)
        for needle in (
            "functions deploy api ",
            "apps:create WEB",
            "signIn.email.enabled",
            "vite build",
            "deploy --only hosting",
        )
    ]
    assert order == sorted(order)
    assert not [line for line in plan if "google.com" in line]  # Google sign-in only with a client id
    # Behind Hosting the visitor is one entry left of what Cloud Run's front end appends (the CDN's address).
    api_env = next(line for line in plan if "run services update api " in line)
    assert "TRUSTED_PROXY_HOPS=1" in api_env


def test_google_sign_in_is_configured_with_its_secret_from_secret_manager() -> None:
    plan = dry_run(None, "--google-client-id", "123.apps.googleusercontent.com")
    (idp,) = [line for line in plan.splitlines() if "defaultSupportedIdpConfigs" in line]
    assert '"clientId": "123.apps.googleusercontent.com"' in idp
    assert "secrets versions access latest --secret=google-oauth-client-secret" in idp
    assert "GOOGLE_OAUTH_CLIENT_SECRET" not in idp  # the env var only seeds the secret, once


def test_functions_in_another_region_than_the_rewrites_are_refused() -> None:
    assert "hosting rewrites" in refused("--dry-run", "--region", "europe-west1")


def test_webhooks_are_drained_by_their_queue_with_the_secret_key_from_secret_manager() -> None:
    plan = dry_run()
    [queue] = lines_with(plan, "tasks queues create webhooks ")
    assert "--max-attempts=20" in queue
    for target in ("api", "notifications"):
        [deploy] = lines_with(plan, f"functions deploy {target} ")
        assert "WEBHOOK_SECRET_KEY=webhook-secret-key:latest" in deploy
        [wired] = lines_with(plan, f"run services update {target} ")
        assert "WEBHOOKS_DRAIN_URL=$(" in wired
        assert "/webhooks/drain" in wired
    [key] = lines_with(plan, "secrets create webhook-secret-key")
    assert "urlsafe_b64encode(os.urandom(32))" in key  # a Fernet key, made once, never printed
    for group in ("events", "deliveries"):
        [ttl] = lines_with(plan, f"--collection-group={group} ")
        assert "ttls update expire_at" in ttl
        assert "--enable-ttl" in ttl
    assert lines_with(plan, 'displayName="Webhook endpoint disabled"')


def test_whoever_accepts_sessions_asks_for_friend_streak_checks_on_the_notifications_queue() -> None:
    plan = dry_run()
    for target in ("api", "session_jobs"):
        [wired] = lines_with(plan, f"run services update {target.replace('_', '-')} ")
        assert "FRIEND_STREAKS_CHECK_URL=$(" in wired
        assert "/friend-streaks/check" in wired
    [notifications] = lines_with(plan, "run services update notifications ")
    assert "FRIEND_STREAKS_CHECK_URL" not in notifications  # it checks pairs; it asks for none


def test_the_events_stream_to_bigquery_through_a_schemad_topic_and_a_bigquery_subscription() -> None:
    plan = dry_run()
    [dataset] = lines_with(plan, "mk --dataset")
    assert ":focus_streaks" in dataset
    [table] = lines_with(plan, "mk --table")
    for column in ("id:STRING", "type:STRING", "user_id:STRING", "data:STRING", "publish_time:TIMESTAMP"):
        assert column in table  # the event's columns, and those --write-metadata adds
    [schema] = lines_with(plan, "pubsub schemas create focus-event")
    assert "--type=avro" in schema
    assert '"name":"occurred_at"' in schema
    [topic] = lines_with(plan, "pubsub topics create events ")
    assert "--schema=focus-event --message-encoding=json" in topic
    [subscription] = lines_with(plan, "pubsub subscriptions create events-to-bigquery")
    assert "--bigquery-table=" in subscription
    assert "--use-topic-schema" in subscription
    [grant] = lines_with(plan, "roles/bigquery.dataEditor")
    assert "gcp-sa-pubsub.iam.gserviceaccount.com" in grant
    [notifications] = lines_with(plan, "run services update notifications ")
    assert "EVENTS_TOPIC=events" in notifications  # the fan-out publishes each event there
    order = [plan.index(table), plan.index(topic), plan.index(grant), plan.index(subscription)]
    assert order == sorted(order)  # the subscription is made once its table, topic and grant exist


def test_the_bytecode_is_compiled_before_the_functions_go_up_and_goes_up_with_them(tmp_path: Path) -> None:
    """No cold start compiles our modules: the plan compiles them (hash-checked, so never stale) before the
    first deploy, and .gcloudignore keeps __pycache__ in the upload while leaving the tooling out."""
    lines = dry_run().splitlines()
    compiled = next(n for n, line in enumerate(lines) if "compileall" in line)
    first_deploy = next(n for n, line in enumerate(lines) if " functions deploy " in line)
    assert compiled < first_deploy
    assert "--invalidation-mode checked-hash" in lines[compiled]
    assert all(name in lines[compiled] for name in ("main.py", "functions", "streak_core"))
    ignored = [
        line.strip() for line in (ROOT / ".gcloudignore").read_text().splitlines() if not line.startswith("#")
    ]
    assert not any("pycache" in line or line.endswith(".pyc") for line in ignored)
    assert {".venv/", "node_modules/", "tests/", "web/"} <= set(ignored)
    staged = stage(ROOT, tmp_path)
    cached = list((staged / "streak_core" / "domain" / "__pycache__").glob("engine.*.pyc"))
    assert len(cached) == 1
    assert cached[0].read_bytes()[4:8] == (3).to_bytes(4, "little")


def test_the_functions_install_what_they_import_and_not_the_operator_cli() -> None:
    """requirements.txt is what Cloud Functions installs. The operator CLI's libraries live in
    requirements-ops.txt: with rich installed, every cold start imported it through httpx's own CLI. No
    deployed module imports them, so the functions run without them."""
    deployed = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    ops = (ROOT / "requirements-ops.txt").read_text()
    assert "-r requirements.txt" in ops
    assert "rich==" in ops
    assert "rich" not in deployed
    assert "-r requirements-ops.txt" in (ROOT / "requirements-dev.txt").read_text()
    code = [ROOT / "main.py", *(ROOT / "functions").rglob("*.py"), *(ROOT / "streak_core").rglob("*.py")]
    cli = re.compile(r"^\s*(import|from) (rich|click)\b", re.MULTILINE)
    importing = [p for p in code if cli.search(p.read_text())]
    assert importing == []
