"""The deployment's dry run names every function target, topic and queue the code uses, and runs nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import main
from streak_core.adapters import pubsub_publisher
from streak_core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def dry_run(path: str | None = None) -> str:
    env = {**os.environ, "PATH": path} if path else None
    done = subprocess.run(
        [sys.executable, "-m", "deploy.plan", "--project", "demo-plan", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    return done.stdout


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
    assert queues == {"notifications", "maintenance-retry", "session-jobs"}
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
    assert all(
        line.startswith("if ") and ("describe" in line or "policies list" in line) for line in creating
    )


def test_the_log_fields_metrics_count_are_the_ones_the_code_writes() -> None:
    plan = dry_run()
    for field in ("retry", "retry_success", "dead_letter", "cache_hit", "query_ms", "latency_ms"):
        assert f"jsonPayload.{field}" in plan
    for metric in ("dead_letters", "slow_queries"):
        assert f"logging.googleapis.com/user/{metric}" in plan  # an alert policy watches it
