"""The OpenAPI schema still generates, and documents the event, case and stats endpoints."""

import json

import pytest
from drf_spectacular.validation import validate_schema


@pytest.fixture
def schema(api):
    response = api("tcounty1-staff", "tcounty1").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_and_documents_our_paths(schema):
    validate_schema(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/events/{id}/prepare/",
        "/api/v1/events/{id}/hold/",
        "/api/v1/events/{id}/cancel/",
        "/api/v1/events/{id}/media-reports/",
        "/api/v1/events/{id}/cases/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/solve-on-site/",
        "/api/v1/cases/{id}/refer/",
        "/api/v1/cases/{id}/progress/",
        "/api/v1/cases/{id}/resolve/",
        "/api/v1/cases/{id}/close/",
        "/api/v1/cases/{id}/reopen/",
        "/api/v1/cases/{id}/rate/",
        "/api/v1/stats/",
    ):
        assert path in paths, path
    case_filters = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {
        "status",
        "kind",
        "topic",
        "department",
        "overdue",
        "event",
        "date_from",
        "date_to",
        "page_size",
    } <= case_filters
    event_filters = {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]}
    assert {"status", "topic", "date_from", "date_to"} <= event_filters
    stats = paths["/api/v1/stats/"]["get"]
    assert [p for p in stats["parameters"] if p["name"] == "year"][0]["required"] is True
    assert "events_held_by_month" in schema["components"]["schemas"]["Stats"]["properties"]
    assert "history" in schema["components"]["schemas"]["Case"]["properties"]
