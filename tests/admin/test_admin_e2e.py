"""The admin API on a real server: only the admin key gets in, keys are managed (list,
disable, dialect, limits, secret), tasks are listed with filters and inspected in full,
and ``chorus keys`` does the same from the shell."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from live_server import ADMIN_KEY, CHORUS, LiveServer, submit, wait_until


def admin_operations(server: LiveServer) -> list[tuple[str, str]]:
    with server.client() as client:
        schema = client.get("/openapi.json").json()
    operations = [
        (method.upper(), re.sub(r"\{[^}]+\}", "x", path))
        for path, methods in schema["paths"].items()
        if path.startswith("/admin")
        for method in methods
    ]
    return operations


def test_every_admin_route_refuses_user_keys_and_no_key(server: LiveServer) -> None:
    user = server.new_key("admin-intruder")
    operations = admin_operations(server)
    paths = {path for _, path in operations}
    for needed in ("/admin/keys", "/admin/tasks", "/admin/tasks/x/cancel", "/admin/ledger"):
        assert needed in paths
    assert "/admin/deliveries/x/redeliver" in paths
    with server.client(user) as as_user, server.client() as anonymous:
        for method, path in operations:
            body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
            answer = as_user.request(method, path, json=body)
            assert answer.status_code == 403, (method, path, answer.text)
            assert answer.json()["code"] == "forbidden"
            answer = anonymous.request(method, path, json=body)
            assert answer.status_code == 401, (method, path, answer.text)


def test_key_management(server: LiveServer) -> None:
    key = server.new_key("managed")
    with server.client(ADMIN_KEY) as admin, server.client(key) as client:
        listed = admin.get("/admin/keys").json()
        assert "managed" in [k["name"] for k in listed]
        before = admin.get("/admin/keys/managed").json()
        rotated = admin.post("/admin/keys/managed/rotate-secret").json()
        assert rotated["webhook_secret"].startswith("whsec_")
        assert rotated["webhook_secret"] != before["webhook_secret"]
        changed = admin.patch(
            "/admin/keys/managed",
            json={"dialect": "goapi", "rate_fetch_per_min": 1000, "max_running": 2},
        ).json()
        assert (changed["dialect"], changed["rate_fetch_per_min"], changed["max_running"]) == (
            "goapi",
            1000,
            2,
        )
        assert client.post("/suno/fetch", json={"ids": []}).json()["code"] == 200
        assert admin.patch("/admin/keys/managed", json={"enabled": False}).status_code == 200
        refused = client.post("/suno/fetch", json={"ids": []})
        assert refused.status_code == 401 and "disabled" in refused.json()["message"]
        assert admin.patch("/admin/keys/managed", json={"enabled": True}).status_code == 200
        assert client.post("/suno/fetch", json={"ids": []}).status_code == 200
        bad = admin.patch("/admin/keys/managed", json={"max_running": 0})
        assert bad.status_code == 400 and bad.json()["message"].startswith("max_running")
        missing = admin.patch("/admin/keys/nobody", json={"enabled": False})
        assert missing.status_code == 404
        no_admin_lockout = admin.patch("/admin/keys/admin", json={"enabled": False})
        assert no_admin_lockout.status_code == 400


def test_task_list_filters_and_inspect(server: LiveServer) -> None:
    key = server.new_key("admin-tasks", credits=100)
    with server.client(key) as client:
        lyrics = submit(client, {"prompt": "an ode to filters"}, "lyrics")
        music = submit(client, {"prompt": "[Verse]\nlist me", "tags": "pop", "duration": 60})
        wait_until(client, [lyrics])
    with server.client(ADMIN_KEY) as admin:
        mine = admin.get("/admin/tasks", params={"key": "admin-tasks"})
        assert mine.headers["X-Total-Count"] == "2"
        assert {t["task_id"] for t in mine.json()} == {lyrics, music}
        only_lyrics = admin.get("/admin/tasks", params={"key": "admin-tasks", "action": "LYRICS"})
        assert [t["task_id"] for t in only_lyrics.json()] == [lyrics]
        succeeded = admin.get("/admin/tasks", params={"key": "admin-tasks", "status": "SUCCESS"})
        assert lyrics in [t["task_id"] for t in succeeded.json()]
        assert {t["status"] for t in succeeded.json()} == {"SUCCESS"}
        future = admin.get("/admin/tasks", params={"key": "admin-tasks", "since": 4e9})
        assert future.json() == []
        paged = admin.get("/admin/tasks", params={"key": "admin-tasks", "limit": 1, "offset": 1})
        assert len(paged.json()) == 1 and paged.headers["X-Total-Count"] == "2"
        unknown_key = admin.get("/admin/tasks", params={"key": "nobody"})
        assert unknown_key.status_code == 404
        bad_status = admin.get("/admin/tasks", params={"status": "DONE"})
        assert bad_status.status_code == 400 and bad_status.json()["message"].startswith("status")
        details = admin.get(f"/admin/tasks/{music}").json()
        assert details["key"] == "admin-tasks" and details["action"] == "MUSIC"
        assert len(details["clips"]) == 2 and "channel" in details and "upstream_task_id" in details
        assert [c["reason"] for c in details["credits"]] == ["charge"]
        assert details["input"] and details["deliveries"] == []
        assert admin.post(f"/admin/tasks/{music}/cancel").status_code in (200, 409)
        assert admin.get("/admin/tasks/nope").status_code == 404
        assert admin.post("/admin/tasks/nope/cancel").status_code == 404


def run_cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHORUS), "keys", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        env=server.env,
        check=False,
    )


@pytest.mark.parametrize("action", ["show", "rotate-secret"])
def test_cli_reports_an_unknown_key_on_one_line(server: LiveServer, action: str) -> None:
    result = run_cli(server, action, "--name", "ghost")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "ghost" in result.stderr


def test_cli_covers_the_admin_routes(server: LiveServer) -> None:
    created = run_cli(server, "create", "--name", "shell-made", "--credits", "3")
    assert created.returncode == 0, created.stderr
    assert run_cli(server, "credits", "--name", "shell-made", "--set", "9").returncode == 0
    assert run_cli(server, "dialect", "--name", "shell-made", "--set", "flat").returncode == 0
    limits = run_cli(server, "limits", "--name", "shell-made", "--max-running", "3")
    assert limits.returncode == 0 and "max_running: 3" in limits.stdout
    shown = run_cli(server, "show", "--name", "shell-made").stdout
    secret = re.search(r"webhook_secret: (\S+)", shown)
    assert secret is not None and secret.group(1).startswith("whsec_")
    rotated = run_cli(server, "rotate-secret", "--name", "shell-made").stdout.strip()
    assert rotated.startswith("whsec_") and rotated != secret.group(1)
    assert "shell-made" in run_cli(server, "list").stdout
    assert run_cli(server, "disable", "--name", "shell-made").returncode == 0
    with server.client(ADMIN_KEY) as admin:
        details = admin.get("/admin/keys/shell-made").json()
        ledger = admin.get("/admin/ledger", params={"key": "shell-made"}).json()
    assert details["credits"] == 9 and details["dialect"] == "flat"
    assert details["max_running"] == 3 and not details["enabled"]
    assert details["webhook_secret"] == rotated
    assert sorted((e["reason"], e["delta"]) for e in ledger) == [("adjust", 6), ("grant", 3)]
