from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from chorus.observability.metrics import UNMATCHED_ROUTE, Metrics

NAMES = [
    "chorus_tasks_total",
    "chorus_task_duration_seconds",
    "chorus_queue_depth",
    "chorus_engine_seconds_total",
    "chorus_callbacks_total",
    "chorus_credits_spent_total",
    "chorus_credits_refunded_total",
    "chorus_http_requests_total",
    "chorus_http_request_duration_seconds",
]


def _samples(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    body, _ = metrics.render()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def _value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_render_names_every_metric_with_help() -> None:
    metrics = Metrics()
    body, content_type = metrics.render()
    text = body.decode()
    assert content_type.startswith("text/plain")
    for name in NAMES:
        assert f"# HELP {name}" in text or f"# HELP {name.removesuffix('_total')}" in text
    assert "process_cpu_seconds_total" in text


def test_values_move() -> None:
    metrics = Metrics(process_metrics=False)
    metrics.observe_task_status("MUSIC", "SUBMITTED")
    metrics.observe_task_status("MUSIC", "SUBMITTED")
    metrics.observe_task_status("LYRICS", "SUCCESS")
    metrics.observe_task_finished("MUSIC", 42.0)
    metrics.set_queue_depth(7)
    metrics.add_engine_seconds("sing", 1.5)
    metrics.add_engine_seconds("sing", 2.0)
    metrics.observe_callback("delivered")
    metrics.add_credits_spent(10)
    metrics.add_credits_refunded(5)
    samples = _samples(metrics)
    assert (
        samples[("chorus_tasks_total", frozenset({("action", "MUSIC"), ("status", "SUBMITTED")}))]
        == 2
    )
    assert _value(metrics, "chorus_tasks_total", action="LYRICS", status="SUCCESS") == 1
    assert _value(metrics, "chorus_task_duration_seconds_count", action="MUSIC") == 1
    assert _value(metrics, "chorus_task_duration_seconds_sum", action="MUSIC") == 42.0
    assert _value(metrics, "chorus_task_duration_seconds_bucket", action="MUSIC", le="30.0") == 0
    assert _value(metrics, "chorus_task_duration_seconds_bucket", action="MUSIC", le="45.0") == 1
    assert _value(metrics, "chorus_queue_depth") == 7
    assert _value(metrics, "chorus_engine_seconds_total", stage="sing") == 3.5
    assert _value(metrics, "chorus_callbacks_total", outcome="delivered") == 1
    assert _value(metrics, "chorus_credits_spent_total") == 10
    assert _value(metrics, "chorus_credits_refunded_total") == 5


def test_queue_depth_read_at_scrape_time() -> None:
    metrics = Metrics(process_metrics=False)
    depth = [3]
    metrics.track_queue_depth(lambda: depth[0])
    assert _value(metrics, "chorus_queue_depth") == 3
    depth[0] = 11
    assert _value(metrics, "chorus_queue_depth") == 11


def test_http_labels_stay_bounded() -> None:
    metrics = Metrics(process_metrics=False)
    metrics.observe_http("get", "/suno/fetch/{task_id}", 200, 0.01)
    metrics.observe_http("GET", "/suno/fetch/{task_id}", 200, 0.02)
    metrics.observe_http("BREW", None, 404, 0.001)
    metrics.observe_http("PROPFIND", None, 404, 0.001)
    assert (
        _value(
            metrics,
            "chorus_http_requests_total",
            method="GET",
            route="/suno/fetch/{task_id}",
            status="200",
        )
        == 2
    )
    assert (
        _value(
            metrics,
            "chorus_http_requests_total",
            method="OTHER",
            route=UNMATCHED_ROUTE,
            status="404",
        )
        == 2
    )
    assert (
        _value(
            metrics,
            "chorus_http_request_duration_seconds_count",
            method="GET",
            route="/suno/fetch/{task_id}",
        )
        == 2
    )


def test_instances_do_not_share_state() -> None:
    a, b = Metrics(), Metrics()
    a.observe_callback("failed")
    assert _value(a, "chorus_callbacks_total", outcome="failed") == 1
    assert _value(b, "chorus_callbacks_total", outcome="failed") is None
