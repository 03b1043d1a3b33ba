"""GET /metrics: requests counted by type and outcome and timed, refusals by reason, storage
failures by operation, label values bounded whatever callers send. The figures are the process's
own (prometheus-client's default registry), so each test reads how much they moved."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from shared.storage import SafeStore
from skill import metrics
from skill.app import create_app
from skill.config import MAX_BODY_BYTES, SkillConfig
from skill.dialogs.requests import SKILL_ID, RequestFactory, Session
from skill.verify import CERT_URL_MISSING, CERT_URL_NOT_ALLOWED, REASONS

Sample = Callable[[], float]


def sample(name: str, **labels: str) -> Sample:
    """A reader of one figure as it is now (0 before it first appears)."""
    return lambda: REGISTRY.get_sample_value(name, labels) or 0.0


def requests(kind: str, outcome: str) -> Sample:
    return sample("backstretch_requests_total", type=kind, outcome=outcome)


def timed(kind: str) -> Sample:
    return sample("backstretch_request_duration_seconds_count", type=kind)


@pytest.fixture
def config(tmp_path: Path) -> SkillConfig:
    return SkillConfig(verify=False, database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}")


@pytest.fixture
def client(config: SkillConfig) -> Iterator[FlaskClient]:
    yield create_app(config).test_client()


def launch() -> dict[str, Any]:
    return RequestFactory().launch(Session("metrics-session"))


def post(client: FlaskClient, body: dict[str, Any] | bytes, **headers: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/alexa", data=data, headers=headers, content_type="application/json")


def moved(figure: Sample, action: Callable[[], object]) -> float:
    before = figure()
    action()
    return figure() - before


def test_an_answered_request_is_counted_and_timed(client: FlaskClient) -> None:
    answered, time_count = requests("LaunchRequest", "answered"), timed("LaunchRequest")
    before = answered(), time_count()
    assert post(client, launch()).status_code == 200
    assert (answered() - before[0], time_count() - before[1]) == (1, 1)


def test_a_malformed_request_is_a_bad_request(client: FlaskClient) -> None:
    assert moved(requests("none", "bad_request"), lambda: post(client, b"{not json")) == 1
    no_envelope = {"request": {"type": "LaunchRequest", "timestamp": "yesterday"}}
    figure = requests("LaunchRequest", "bad_request")
    assert moved(figure, lambda: post(client, no_envelope)) == 1


def test_an_oversized_body_is_a_bad_request(client: FlaskClient) -> None:
    big = b"x" * (MAX_BODY_BYTES + 1)
    figure = requests("none", "bad_request")
    assert moved(figure, lambda: post(client, big)) == 1


def test_refusals_are_counted_by_their_stable_reason(config: SkillConfig) -> None:
    verifying = create_app(SkillConfig(skill_ids=frozenset({SKILL_ID}), verify=True)).test_client()
    refused = requests("LaunchRequest", "refused")
    missing = sample("backstretch_verification_refusals_total", reason=CERT_URL_MISSING)
    not_allowed = sample("backstretch_verification_refusals_total", reason=CERT_URL_NOT_ALLOWED)
    before = refused(), missing(), not_allowed()
    assert post(verifying, launch()).json["reason"] == CERT_URL_MISSING
    evil = {"SignatureCertChainUrl": "https://evil.example/echo.api/c.pem", "Signature-256": "x"}
    assert post(verifying, launch(), **evil).json["reason"] == CERT_URL_NOT_ALLOWED
    assert (refused() - before[0], missing() - before[1], not_allowed() - before[2]) == (2, 1, 1)


def test_every_reason_is_exposed_before_any_refusal(client: FlaskClient) -> None:
    page = client.get("/metrics").get_data(as_text=True)
    shown = {
        s.labels["reason"]
        for family in text_string_to_metric_families(page)
        if family.name == "backstretch_verification_refusals"
        for s in family.samples
        if s.name.endswith("_total")
    }
    assert shown >= REASONS


def test_an_apology_is_not_counted_as_an_answer(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr("skill.handlers.handle", broken)
    apology, answered = requests("LaunchRequest", "apology"), requests("LaunchRequest", "answered")
    before = apology(), answered()
    answer = post(client, launch())
    assert answer.status_code == 200 and "Sorry" in json.dumps(answer.json)
    assert (apology() - before[0], answered() - before[1]) == (1, 0)


def test_request_types_nobody_knows_share_one_label(client: FlaskClient) -> None:
    made_up = RequestFactory().envelope(Session("s"), {"type": "Made.Up.Request.Type"})
    assert moved(requests("other", "answered"), lambda: post(client, made_up)) == 1
    assert 'type="Made.Up.Request.Type"' not in client.get("/metrics").get_data(as_text=True)


def test_storage_failures_are_counted_by_operation(client: FlaskClient) -> None:
    endpoint = client.application.extensions["backstretch.endpoint"]
    assert endpoint.store is not None and endpoint.store.store is not None
    endpoint.store.store.engine = create_engine("sqlite:////nonexistent-folder/gone.sqlite3")
    loads = sample("backstretch_storage_failures_total", operation="load")
    before = loads()
    assert post(client, launch()).status_code == 200  # the user still gets an answer
    assert loads() - before >= 1


def test_a_store_that_cannot_open_is_a_storage_failure(tmp_path: Path) -> None:
    told: list[str] = []
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    safe = SafeStore.open(
        f"sqlite:///{blocked}/p.sqlite3", on_failure=lambda op, _: told.append(op)
    )
    assert safe.store is None and told == ["open"]


def test_a_failing_hook_costs_a_log_line_not_the_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def hook(operation: str, error: BaseException) -> None:
        raise RuntimeError("the hook is broken")

    safe = SafeStore.open(f"sqlite:///{tmp_path / 'p.sqlite3'}", on_failure=hook)
    assert safe.store is not None
    safe.store.engine = create_engine("sqlite:////nonexistent-folder/gone.sqlite3")
    assert safe.load("u") is None
    assert "the storage failure hook failed" in caplog.text


def test_the_page_is_prometheus_text(client: FlaskClient) -> None:
    post(client, launch())
    page = client.get("/metrics")
    assert page.status_code == 200 and page.content_type.startswith("text/plain; version=")
    names = {family.name for family in text_string_to_metric_families(page.get_data(as_text=True))}
    assert {
        "backstretch_requests",
        "backstretch_request_duration_seconds",
        "backstretch_verification_refusals",
        "backstretch_storage_failures",
    } <= names


def test_recording_that_fails_never_costs_the_answer(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full_disk(*args: Any) -> None:
        raise OSError("No space left on device")

    endpoint_metrics = client.application.extensions["backstretch.endpoint"].metrics
    monkeypatch.setattr(endpoint_metrics, "_record", full_disk)
    assert post(client, launch()).status_code == 200
    assert post(client, launch()).status_code == 200
    assert caplog.text.count("could not record metrics") == 1


def test_labels_are_bounded() -> None:
    assert metrics.request_type_label("IntentRequest") == "IntentRequest"
    assert metrics.request_type_label("x" * 500) == "other"
    assert metrics.request_type_label(None) == "none"
