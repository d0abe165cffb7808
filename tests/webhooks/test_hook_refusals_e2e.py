"""A server left with its defaults refuses hooks that reach loopback, private,
link-local or metadata addresses: 400 naming notify_hook, no task, no charge."""

from __future__ import annotations

import pytest

from live_server import ADMIN_KEY, LiveServer

REFUSED = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://10.0.0.7/hook",
    "http://192.168.1.20/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]


@pytest.mark.parametrize("route", ["lyrics", "music"])
def test_private_hooks_are_refused(server: LiveServer, route: str) -> None:
    name = f"ssrf-{route}"
    key = server.new_key(name, credits=50)
    with server.client(key) as client:
        for url in REFUSED:
            body = {"prompt": "[Verse]\nhello", "tags": "pop", "notify_hook": url}
            answer = client.post(f"/suno/submit/{route}", json=body)
            assert answer.status_code == 400, (url, answer.text)
            assert answer.json()["code"] == "invalid_request"
            assert answer.json()["message"].startswith("notify_hook: "), answer.text
    with server.client(ADMIN_KEY) as admin:
        assert admin.get("/admin/tasks", params={"key": name}).json() == []
        assert admin.get(f"/admin/keys/{name}").json()["credits"] == 50
