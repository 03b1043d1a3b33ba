"""Prometheus metrics for the endpoint, served at GET /metrics: what it answered and how, how long
it took, what verification refused and why, and how often the store failed it.

prometheus-client keeps the figures and writes the exposition format (a well-kept library, not a
format written by hand). Under gunicorn each worker is a process of its own: with
PROMETHEUS_MULTIPROC_DIR set before prometheus_client is first imported (the shipped
gunicorn.conf.py sets it), each worker keeps its figures in files there and /metrics sums them,
whichever worker answers the scrape.

Label values are bounded whatever callers send: request types the SDK knows (else "other", or
"none" when there is no type at all), four outcomes, verify.REASONS, three storage operations.
Recording never costs a request its answer: a failure to record is logged, once.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ask_sdk_model.request import Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from skill.request_context import RequestContext
from skill.verify import REASONS

log = logging.getLogger(__name__)

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
ANSWERED, REFUSED, BAD_REQUEST, APOLOGY = "answered", "refused", "bad_request", "apology"
OUTCOMES = (ANSWERED, REFUSED, BAD_REQUEST, APOLOGY)
STORAGE_OPERATIONS = ("open", "load", "save")  # as shared/storage/safe.py names them
KNOWN_TYPES = frozenset(Request.discriminator_value_class_map)
NO_TYPE, OTHER_TYPE, OTHER_REASON = "none", "other", "other"
# Seconds; Alexa gives up on an answer after 8.
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 8.0)

REQUESTS = Counter(
    "backstretch_requests",
    "Requests to POST /alexa by request type and outcome (answered, refused by verification, "
    "bad_request, apology)",
    ["type", "outcome"],
)
LATENCY = Histogram(
    "backstretch_request_duration_seconds",
    "Time to answer a request to POST /alexa, by request type",
    ["type"],
    buckets=LATENCY_BUCKETS,
)
REFUSALS = Counter(
    "backstretch_verification_refusals",
    "Requests refused by Alexa request verification, by reason",
    ["reason"],
)
STORAGE_FAILURES = Counter(
    "backstretch_storage_failures",
    "Store calls that failed (progress not opened, loaded or saved), by operation",
    ["operation"],
)


STORE_STATES = ("ready", "failing", "unavailable")  # as shared/storage/healing.py names them
STORE_STATE = Gauge(
    "backstretch_store_state",
    "1 for the state each worker's store is in (0 for the others): ready, failing (its database "
    "failed; tried again after a pause) or unavailable (not opened yet; tried again likewise)",
    ["state"],
    multiprocess_mode="liveall",
)


def request_type_label(kind: str | None) -> str:
    """The request type as a label: only types the SDK knows, so a caller cannot add labels."""
    if kind is None:
        return NO_TYPE
    return kind if kind in KNOWN_TYPES else OTHER_TYPE


def outcome_of(status: int, body: dict[str, Any], apologised: bool) -> str:
    if status == 200:
        return APOLOGY if apologised else ANSWERED
    return REFUSED if status == 400 and "reason" in body else BAD_REQUEST


class EndpointMetrics:
    """What the endpoint tells: each request as it ends, each storage failure, an oversized body.
    Label children are kept, so a request costs a dictionary lookup, not a label lookup."""

    def __init__(self) -> None:
        _ensure_multiprocess_folder()
        self._requests: dict[tuple[str, str], Any] = {}
        self._latency: dict[str, Any] = {}
        self._failed_once = False
        for reason in REASONS:  # every reason shows, at 0, before the first refusal
            REFUSALS.labels(reason)
        for operation in STORAGE_OPERATIONS:
            STORAGE_FAILURES.labels(operation)

    def observe(
        self, context: RequestContext, answer: tuple[int, dict[str, Any]], seconds: float
    ) -> None:
        status, body = answer
        kind = request_type_label(context.request_type)
        outcome = outcome_of(status, body, context.apologised)
        self._guarded(self._record, kind, outcome, seconds, body.get("reason"))

    def body_too_large(self) -> None:
        """A body refused before it was read (413): no type, no time worth measuring."""
        self._guarded(self._count, NO_TYPE, BAD_REQUEST)

    def store_state(self, state: str) -> None:
        """The store's state hook (shared/storage/safe.py): the one it is in now is 1."""

        def record() -> None:
            for known in STORE_STATES:
                STORE_STATE.labels(known).set(1 if known == state else 0)

        self._guarded(record)

    def storage_failed(self, operation: str, error: BaseException) -> None:
        """The store's failure hook (shared/storage/safe.py)."""
        known = operation if operation in STORAGE_OPERATIONS else "other"
        self._guarded(lambda: STORAGE_FAILURES.labels(known).inc())

    def _record(self, kind: str, outcome: str, seconds: float, reason: Any) -> None:
        self._count(kind, outcome)
        latency = self._latency.get(kind)
        if latency is None:
            latency = self._latency[kind] = LATENCY.labels(kind)
        latency.observe(seconds)
        if outcome == REFUSED:
            REFUSALS.labels(reason if reason in REASONS else OTHER_REASON).inc()

    def _count(self, kind: str, outcome: str) -> None:
        counter = self._requests.get((kind, outcome))
        if counter is None:
            counter = self._requests[(kind, outcome)] = REQUESTS.labels(kind, outcome)
        counter.inc()

    def _guarded(self, record: Any, *args: Any) -> None:
        try:
            record(*args)
        except Exception:  # a full disk or a removed metrics folder must not cost the answer
            if not self._failed_once:
                self._failed_once = True
                log.exception("could not record metrics (said once)")


def exposition() -> tuple[bytes, str]:
    """The text format for a scrape, with its content type: in multi-process mode, summed over
    every worker's files, those of workers gone included (counters must not go backwards)."""
    registry = REGISTRY
    if os.environ.get(MULTIPROCESS_VARIABLE):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _ensure_multiprocess_folder() -> None:
    """A folder named but missing would make every recording fail: create it."""
    folder = os.environ.get(MULTIPROCESS_VARIABLE)
    if folder:
        os.makedirs(folder, exist_ok=True)
