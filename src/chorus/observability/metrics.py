"""Prometheus metrics of one service instance.

Each :class:`Metrics` owns its own ``CollectorRegistry`` rather than the global one, so two
apps in one process (tests, or an admin app beside the API) never collide. Labels take
values from small closed sets (actions, statuses, stages, outcomes, route templates) so the
number of series stays bounded whatever clients send.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

# Methods outside this set are counted as OTHER: the method is client-chosen text.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Label for requests that matched no route (404s, scanners): never the raw path.
UNMATCHED_ROUTE = "<unmatched>"
# Songs take seconds to minutes: buckets from 1 s to 30 min.
_TASK_BUCKETS = (1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800)
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Every metric the service exports, and the text exposition of them."""

    def __init__(self, *, process_metrics: bool = True) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        if process_metrics:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
        r = self.registry
        self.tasks = Counter(
            "chorus_tasks_total",
            "Tasks reaching a status, by action (MUSIC, LYRICS) and status.",
            ["action", "status"],
            registry=r,
        )
        self.task_duration = Histogram(
            "chorus_task_duration_seconds",
            "Seconds from submit to a final status, by action.",
            ["action"],
            buckets=_TASK_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge("chorus_queue_depth", "Tasks waiting for a worker.", registry=r)
        self.engine_seconds = Counter(
            "chorus_engine_seconds_total",
            "CPU-side seconds the engine spent, by stage (lyrics, compose, sing, mix, encode).",
            ["stage"],
            registry=r,
        )
        self.callbacks = Counter(
            "chorus_callbacks_total",
            "notify_hook delivery attempts by outcome (delivered, failed, gave_up, superseded).",
            ["outcome"],
            registry=r,
        )
        self.credits_spent = Counter(
            "chorus_credits_spent_total", "Credits charged to keys.", registry=r
        )
        self.credits_refunded = Counter(
            "chorus_credits_refunded_total",
            "Credits given back for failed tasks (spent minus refunded is the net).",
            registry=r,
        )
        self.http_requests = Counter(
            "chorus_http_requests_total",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=r,
        )
        self.media_deleted = Counter(
            "chorus_media_deleted_total",
            "Clip folders deleted past the media retention.",
            registry=r,
        )
        self.http_duration = Histogram(
            "chorus_http_request_duration_seconds",
            "Seconds from request to the end of the response body, by method and route.",
            ["method", "route"],
            buckets=_HTTP_BUCKETS,
            registry=r,
        )

    def observe_task_status(self, action: str, status: str) -> None:
        """Count a task reaching ``status``."""
        self.tasks.labels(action=action, status=status).inc()

    def observe_task_finished(self, action: str, duration_s: float) -> None:
        """Record a task's submit-to-final time in seconds."""
        self.task_duration.labels(action=action).observe(duration_s)

    def set_queue_depth(self, depth: int) -> None:
        self.queue_depth.set(depth)

    def track_queue_depth(self, read: Callable[[], float]) -> None:
        """Read the queue depth from ``read`` at every scrape instead of setting it."""
        self.queue_depth.set_function(read)

    def add_engine_seconds(self, stage: str, seconds: float) -> None:
        self.engine_seconds.labels(stage=stage).inc(seconds)

    def observe_callback(self, outcome: str) -> None:
        self.callbacks.labels(outcome=outcome).inc()

    def add_credits_spent(self, credits: float) -> None:
        self.credits_spent.inc(credits)

    def add_credits_refunded(self, credits: float) -> None:
        # Counters only go up: a refund is its own series rather than a decrement.
        self.credits_refunded.inc(credits)

    def add_media_deleted(self, folders: int) -> None:
        self.media_deleted.inc(folders)

    def observe_http(self, method: str, route: str | None, status: int, duration_s: float) -> None:
        """Count one answered request; ``route`` is the matched template or None."""
        method = method.upper() if method.upper() in _METHODS else "OTHER"
        template = route or UNMATCHED_ROUTE
        self.http_requests.labels(method=method, route=template, status=str(status)).inc()
        self.http_duration.labels(method=method, route=template).observe(duration_s)

    def render(self) -> tuple[bytes, str]:
        """The text exposition and its content type, for ``GET /metrics``."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
