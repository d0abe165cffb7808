"""API keys: admin routes, the CLI, every accepted way of sending a key, isolation."""

from __future__ import annotations

import subprocess

from live_server import ADMIN_KEY, CHORUS, LiveServer, submit


def test_admin_creates_and_shows_a_key(server: LiveServer) -> None:
    with server.client(ADMIN_KEY) as admin:
        created = admin.post(
            "/admin/keys", json={"name": "alice", "credits": 50, "dialect": "flat"}
        )
        shown = admin.get("/admin/keys/alice")
        again = admin.post("/admin/keys", json={"name": "alice"})
        missing = admin.get("/admin/keys/nobody")
        bad_name = admin.post("/admin/keys", json={"name": "has space"})
    assert created.status_code == 201
    assert set(created.json()) == {"key", "name"}
    assert created.json()["name"] == "alice" and created.json()["key"].startswith("sk-")
    details = shown.json()
    assert details["credits"] == 50 and details["dialect"] == "flat" and details["enabled"]
    assert "key" not in details and created.json()["key"].startswith(details["key_prefix"])
    assert again.status_code == 409 and again.json()["code"] == "key_exists"
    assert missing.status_code == 404 and missing.json()["message"].startswith("name:")
    assert bad_name.status_code == 400 and bad_name.json()["message"].startswith("name:")


def test_admin_routes_need_the_admin_key(server: LiveServer) -> None:
    user = server.new_key("not-admin")
    with server.client(user) as client:
        assert client.post("/admin/keys", json={"name": "x1"}).status_code == 403
    with server.client() as anonymous:
        assert anonymous.get("/admin/keys/admin").status_code == 401


def test_every_form_of_the_key_works(server: LiveServer) -> None:
    key = server.new_key("forms")
    bare = key.removeprefix("sk-")
    with server.client(key) as client:
        task_id = submit(client, {"prompt": "forms"}, kind="lyrics")
    for header in (key, f"Bearer {key}", bare, f"Bearer {bare}", f"bearer  {key}"):
        with server.client(header) as client:
            assert client.get(f"/suno/fetch/{task_id}").status_code == 200, header


def test_missing_or_wrong_keys_are_401(server: LiveServer) -> None:
    with server.client() as anonymous:
        for headers in (
            {},
            {"Authorization": ""},
            {"Authorization": "Bearer"},
            {"Authorization": "sk-wrong"},
            {"Authorization": "Bearer sk-"},
        ):
            answer = anonymous.get("/suno/fetch/anything", headers=headers)
            assert answer.status_code == 401, headers
            assert answer.json()["code"] == "unauthorized" and answer.json()["data"] is None


def test_a_key_sees_only_its_own_tasks(server: LiveServer) -> None:
    alice, bob = server.new_key("iso-a"), server.new_key("iso-b")
    with server.client(alice) as a, server.client(bob) as b:
        task_id = submit(a, {"prompt": "private"}, kind="lyrics")
        assert a.get(f"/suno/fetch/{task_id}").status_code == 200
        answer = b.get(f"/suno/fetch/{task_id}")
    assert answer.status_code == 404
    assert answer.json() == {
        "code": "task_not_exist",
        "message": answer.json()["message"],
        "data": None,
    }


def test_cli_creates_a_key_the_running_server_accepts(server: LiveServer) -> None:
    result = subprocess.run(
        [
            str(CHORUS),
            "keys",
            "create",
            "--name",
            "from-cli",
            "--credits",
            "5",
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=server.env,
    )
    key = result.stdout.strip()
    assert key.startswith("sk-")
    with server.client(key) as client:
        assert client.post("/suno/fetch", json={"ids": []}).status_code == 200
    with server.client(ADMIN_KEY) as admin:
        assert admin.get("/admin/keys/from-cli").json()["credits"] == 5
    duplicate = subprocess.run(
        [str(CHORUS), "keys", "create", "--name", "from-cli", "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        env=server.env,
        check=False,
    )
    assert duplicate.returncode != 0 and "from-cli" in duplicate.stderr


def test_key_dialect_and_query_override(server: LiveServer) -> None:
    key = server.new_key("dialects", dialect="goapi")
    with server.client(key) as client:
        submitted = client.post("/suno/submit/lyrics", json={"prompt": "goapi please"})
        task_id = submitted.json()["data"]["task_id"]
        as_goapi = client.get(f"/suno/fetch/{task_id}")
        as_suno = client.get(f"/suno/fetch/{task_id}", params={"dialect": "suno"})
        as_bad = client.get(f"/suno/fetch/{task_id}", params={"dialect": "xml"})
    assert submitted.json()["code"] == 200
    assert as_goapi.json()["code"] == 200 and "clips" in as_goapi.json()["data"]
    assert as_suno.json()["code"] == "success" and as_suno.json()["data"]["action"] == "LYRICS"
    assert as_bad.status_code == 400 and as_bad.json()["message"].startswith("dialect:")
