"""Starting, probing and stopping the emulators and the functions; used by `make dev` and the tests."""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.node import node_env
from devstack.tools import (  # ROOT, TASKS_LOCATION and StackError are imported from here
    FIREBASE_CLI,
    FIRESTORE_LAUNCHER,
    FUNCTIONS_FRAMEWORK,
    HOST,
    PUBSUB_LAUNCHER,
    RETRY_MAX_ATTEMPTS,
    ROOT,
    START_TIMEOUT,
    TASKS_LOCATION,
    TASKS_PYTHON,
    VITE,
    WEB_DIR,
    Service,
    StackError,
    check_tools,
    free_port,
    function_urls,
    grpc_ok,
    http_ok,
    put_json,
    smtp_ok,
    tail,
    tcp_ok,
    terminate,
)


@dataclass
class Stack:
    """A set of running components. `start()` returns once each of them answers."""

    workdir: Path
    project_id: str = "demo-focus-streaks"
    components: tuple[str, ...] = (
        "firestore",
        "pubsub",
        "auth",
        "tasks",
        "smtp",
        "fcm",
        "hooks",
        "functions",
    )
    extra_env: dict[str, str] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    hosts: dict[str, str] = field(default_factory=dict)
    _secret: str = field(default_factory=lambda: secrets.token_hex(16))
    _fernet_key: str = field(default_factory=lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> Stack:
        check_tools(set(self.components))
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            starters: dict[str, Callable[[], None]] = {
                "firestore": self._start_firestore,
                "pubsub": self._start_pubsub,
                "auth": self._start_auth,
                "tasks": self._start_tasks,
                "smtp": self._start_smtp,
                "fcm": self._start_fcm,
                "hooks": self._start_hooks,
            }
            for name in self.components:
                if name in starters:
                    starters[name]()
            for name in self.components:
                if name in starters:
                    self._wait(name)
            if "functions" in self.components:
                for name in self._start_functions():
                    self._wait(name)
                self._wire()
            if "web" in self.components:
                self.start_web()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every process this stack started, by PID (its whole process group), newest first."""
        for service in reversed(self.services):
            terminate(service.process)
        self.services.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what others need to know ----------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """Environment for a process that talks to this stack."""
        env = {"GOOGLE_CLOUD_PROJECT": self.project_id, "GCLOUD_PROJECT": self.project_id}
        if "firestore" in self.hosts:
            env["FIRESTORE_EMULATOR_HOST"] = self.hosts["firestore"]
        if "pubsub" in self.hosts:
            env["PUBSUB_EMULATOR_HOST"] = self.hosts["pubsub"]
        if "auth" in self.hosts:
            env["FIREBASE_AUTH_EMULATOR_HOST"] = self.hosts["auth"]
        if "tasks" in self.hosts:
            env["CLOUD_TASKS_EMULATOR_HOST"] = self.hosts["tasks"]
        if "smtp" in self.hosts:
            env["SMTP_HOST"], env["SMTP_PORT"] = self.hosts["smtp"].rsplit(":", 1)
        if "fcm" in self.hosts:
            env["FCM_URL"] = self.fcm_url
        return env

    def info(self) -> dict[str, object]:
        return {
            "project_id": self.project_id,
            "api_url": f"http://{self.hosts['functions']}" if "functions" in self.hosts else None,
            "firestore_host": self.hosts.get("firestore"),
            "auth_host": self.hosts.get("auth"),
            "pubsub_host": self.hosts.get("pubsub"),
            "tasks_host": self.hosts.get("tasks"),
            "functions": {
                name: f"http://{self.hosts[name]}/"
                for name in ("tick", "batch", "retry", "notify", "jobs")
                if name in self.hosts
            },
            "fcm_url": self.fcm_url if "fcm" in self.hosts else None,
            "hook_url": self.hook_url if "hooks" in self.hosts else None,
            "web_url": f"http://{self.hosts['web']}/" if "web" in self.hosts else None,
            "smtp_host": self.hosts.get("smtp"),
            "smtp_mailbox": str(self.mailbox) if "smtp" in self.hosts else None,
            "pids": [s.process.pid for s in self.services],
        }

    # --- components ------------------------------------------------------------------------------
    def _take_port(self, name: str) -> str:
        """A free port for `name` (its host:port is in `hosts` from now on)."""
        self.hosts[name] = f"{HOST}:{free_port()}"
        return self.hosts[name].rsplit(":", 1)[1]

    def _spawn(
        self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        log = self.workdir / f"{name}.log"
        handle = log.open("wb")
        process = subprocess.Popen(
            argv,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=node_env({**os.environ, **(env or {})}),  # Node 24 for vite and firebase-tools
            cwd=cwd or ROOT,
            start_new_session=True,  # its own process group, so stop() reaches its children too
        )
        handle.close()
        self.services.append(Service(name, process, log))

    def _start_firestore(self) -> None:
        port = self._take_port("firestore")
        self._spawn(
            "firestore",
            [
                str(FIRESTORE_LAUNCHER),
                "start",
                f"--host={HOST}",
                f"--port={port}",
                f"--project_id={self.project_id}",
                f"--rules={ROOT / 'firestore.rules'}",  # what clients may read; the Admin SDK bypasses it
            ],
        )

    def _start_pubsub(self) -> None:
        port = self._take_port("pubsub")
        self._spawn("pubsub", [str(PUBSUB_LAUNCHER), f"--host={HOST}", f"--port={port}"])

    def _start_auth(self) -> None:
        port, hub, logging_port = int(self._take_port("auth")), free_port(), free_port()
        config = self.workdir / "firebase.auth.json"
        config.write_text(
            json.dumps(
                {
                    "emulators": {
                        "auth": {"host": HOST, "port": port},
                        "hub": {"host": HOST, "port": hub},
                        "logging": {"host": HOST, "port": logging_port},
                        "ui": {"enabled": False},
                        "singleProjectMode": True,
                    }
                }
            )
        )
        self._spawn(
            "auth",
            [
                str(FIREBASE_CLI),
                "emulators:start",
                "--only",
                "auth",
                "--project",
                self.project_id,
                "--config",
                str(config),
            ],
            env={"NO_UPDATE_NOTIFIER": "1", "FIREBASE_CLI_DISABLE_UPDATE_CHECK": "1", "CI": "true"},
            cwd=self.workdir,
        )

    @property
    def mailbox(self) -> Path:
        """The Maildir where the local SMTP server keeps every message it receives."""
        return self.workdir / "mail"

    def _start_smtp(self) -> None:
        self._take_port("smtp")
        argv = [sys.executable, "-m", "aiosmtpd", "-n", "-l", self.hosts["smtp"]]
        self._spawn("smtp", [*argv, "-c", "aiosmtpd.handlers.Mailbox", str(self.mailbox)])

    @property
    def fcm_url(self) -> str:
        """The local FCM v1 stand-in (devstack/fcm_capture.py); GET {fcm_url}/captured lists what arrived."""
        return f"http://{self.hosts['fcm']}"

    def _start_fcm(self) -> None:
        port = self._take_port("fcm")
        self._spawn("fcm", [sys.executable, "-m", "devstack.fcm_capture", "--host", HOST, "--port", port])

    @property
    def hook_url(self) -> str:
        """The local webhook receiver (devstack/webhook_capture.py): register {hook_url}/in as an endpoint."""
        return f"http://{self.hosts['hooks']}"

    def _start_hooks(self) -> None:
        port = self._take_port("hooks")
        argv = [sys.executable, "-m", "devstack.webhook_capture", "--host", HOST, "--port", port]
        self._spawn("hooks", argv)

    def _start_tasks(self) -> None:
        port = self._take_port("tasks")
        retries = str(RETRY_MAX_ATTEMPTS - 1)  # the emulator counts retries after the first attempt
        # Our launcher of the emulator: its queues dispatch concurrently, as Cloud Tasks' do.
        # -P: devstack/ not on the path (its token.py would shadow the standard library's).
        launcher = [str(TASKS_PYTHON), "-P", str(ROOT / "devstack" / "tasks_emulator.py")]
        self._spawn("tasks", [*launcher, "--port", port, "--max-retries", retries])

    def _function_targets(self) -> list[tuple[str, str, str]]:
        """(service name, target, signature type) for each function this stack can feed."""
        targets = [("functions", "api", "http")]
        if "pubsub" in self.hosts:
            targets += [
                ("tick", "on_maintenance_tick", "cloudevent"),
                ("batch", "on_maintenance_batch", "cloudevent"),
            ]
        if "tasks" in self.hosts:
            targets.append(("retry", "maintenance_retry", "http"))
            targets.append(("notify", "notifications", "http"))
            targets.append(("jobs", "session_jobs", "http"))
        return targets

    def spawn_function(self, name: str, target: str, extra_env: dict[str, str]) -> str:
        """One more process serving `target` on this stack (e.g. a second `api` instance with other
        settings); its base URL once it answers. `stop_service(name)` or `stop()` ends it."""
        port = self._take_port(name)
        argv = [str(FUNCTIONS_FRAMEWORK), "--target", target, "--source", "main.py", "--host", HOST]
        self._spawn(name, [*argv, "--port", port], env={**self._function_env(), **extra_env})
        self._wait(name)
        return f"http://{self.hosts[name]}"

    def pause_service(self, name: str) -> None:
        """Freeze a running component (SIGSTOP to its whole process group): it keeps its sockets open and
        answers nothing, as a stalled backend does, until `resume_service`."""
        for service in self._named(name):
            os.killpg(service.process.pid, signal.SIGSTOP)

    def resume_service(self, name: str) -> None:
        for service in self._named(name):
            os.killpg(service.process.pid, signal.SIGCONT)

    def _named(self, name: str) -> list[Service]:
        found = [s for s in self.services if s.name == name]
        if not found:
            raise StackError(f"no running service {name!r}")
        return found

    def stop_service(self, name: str) -> None:
        for service in [s for s in self.services if s.name == name]:
            terminate(service.process)
            self.services.remove(service)
        self.hosts.pop(name, None)

    def start_web(self) -> str:
        """The built dashboard served by `vite preview` with firebase.json's rewrites (the API, the share
        pages) and a Hosting-like `/__/firebase/init.json` naming this stack's project and Auth emulator."""
        port = self._take_port("web")
        env = {
            "DASHBOARD_API_URL": f"http://{self.hosts['functions']}",
            "DASHBOARD_PROJECT_ID": self.project_id,
            "DASHBOARD_AUTH_EMULATOR_URL": f"http://{self.hosts['auth']}",
        }
        argv = [str(VITE), "preview", "--host", HOST, "--port", port, "--strictPort"]
        self._spawn("web", argv, env=env, cwd=WEB_DIR)
        self._wait("web")
        return f"http://{self.hosts['web']}/"

    def _function_env(self) -> dict[str, str]:
        env = {
            **self.env(),
            "ALLOW_CLOCK_OVERRIDE": "1",
            "PYTHONUNBUFFERED": "1",
            "TASKS_LOCATION": TASKS_LOCATION,
            "MAINTENANCE_RETRY_MAX_ATTEMPTS": str(RETRY_MAX_ATTEMPTS),
            **self.extra_env,
        }
        # One signing key for every function of the stack (cursors and unsubscribe links made by one
        # instance work on the others), and the api's address in the links of emails and shares.
        env.setdefault("CURSOR_SECRET", self._secret)
        env.setdefault("UNSUBSCRIBE_SECRET", self._secret)
        env.setdefault("WEBHOOK_SECRET_KEY", self._fernet_key)
        env.setdefault("WEBHOOK_RETRY_BASE_SECONDS", "1")  # retries within seconds, not minutes
        if "functions" in self.hosts:
            env.setdefault("PUBLIC_BASE_URL", f"http://{self.hosts['functions']}")
        return {**env, **function_urls(self.hosts)}

    def _start_functions(self) -> list[str]:
        targets = self._function_targets()
        ports = {name: self._take_port(name) for name, _, _ in targets}  # each function knows the others
        env = self._function_env()
        for name, target, signature in targets:
            port = ports[name]
            argv = [str(FUNCTIONS_FRAMEWORK), "--target", target, "--signature-type", signature]
            self._spawn(name, [*argv, "--source", "main.py", "--host", HOST, "--port", port], env=env)
        return [name for name, _, _ in targets]

    def _wire(self) -> None:
        """Topics with push subscriptions to the served functions, and the retry queue."""
        if "tick" in self.hosts:
            base = f"http://{self.hosts['pubsub']}/v1/projects/{self.project_id}"
            for topic, service in (("maintenance-tick", "tick"), ("maintenance-batch", "batch")):
                put_json(f"{base}/topics/{topic}", {})
                put_json(
                    f"{base}/subscriptions/{topic}-push",
                    {
                        "topic": f"projects/{self.project_id}/topics/{topic}",
                        "pushConfig": {"pushEndpoint": f"http://{self.hosts[service]}/"},
                        "ackDeadlineSeconds": 600,
                    },
                )
        if "retry" in self.hosts:
            from streak_core.adapters.cloud_tasks import tasks_client

            client = tasks_client(self.hosts["tasks"])
            parent = f"projects/{self.project_id}/locations/{TASKS_LOCATION}"
            for queue in ("maintenance-retry", "notifications", "session-jobs", "webhooks"):
                client.create_queue(parent=parent, queue={"name": f"{parent}/queues/{queue}"}, timeout=30)

    # --- readiness -------------------------------------------------------------------------------
    def _probe(self, name: str) -> bool:
        """Whether `name` answers as itself: a page only it serves, its protocol's greeting; a bare TCP
        connection only for the functions, whose ports free_port handed out to nothing else."""
        host = self.hosts[name]
        pages = {
            "firestore": "/",
            "pubsub": f"/v1/projects/{self.project_id}/topics",
            "auth": f"/emulator/v1/projects/{self.project_id}/config",
            "functions": "/v1/openapi.json",
            "fcm": "/captured",
            "hooks": "/_control/captured",
            "web": "/__/firebase/init.json",
        }
        if name in pages:
            return http_ok(f"http://{host}{pages[name]}")
        probes = {"tasks": grpc_ok, "smtp": smtp_ok}
        return probes.get(name, tcp_ok)(host)

    def _wait(self, name: str) -> None:
        service = next(s for s in self.services if s.name == name)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise StackError(f"{name} exited with {service.process.returncode}:\n{tail(service.log)}")
            if self._probe(name):
                return
            time.sleep(0.2)
        raise StackError(f"{name} did not answer within {START_TIMEOUT:.0f}s:\n{tail(service.log)}")
