"""Two ``chorus serve`` processes sharing one SQLite file: a task one of them finished is
answered finished by the other."""

from __future__ import annotations

from pathlib import Path

from task_cache_checks import check_finished_elsewhere_is_seen


def test_two_servers_see_a_task_finished_by_the_other(tmp_path: Path) -> None:
    check_finished_elsewhere_is_seen(tmp_path, f"sqlite:///{tmp_path / 'shared.db'}")
