"""Log lines of a request carry the code of the union whose host was called ("-" outside any union)."""

import io
import logging

import pytest
from django.test import Client

from config.logging import UnionFilter
from tests.conftest import host


@pytest.fixture
def log_lines():
    """What the production handler would write: the settings' format and union filter, on INFO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(UnionFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s [%(union)s] %(name)s: %(message)s"))
    logger = logging.getLogger("gongqing.request")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_request_line_names_its_union(world, log_lines):
    Client(HTTP_HOST=host("tcounty1")).get("/login/")
    Client(HTTP_HOST="localhost").get("/healthz")
    Client(HTTP_HOST=host("tcounty2")).get("/login/?next=/cases/")
    lines = log_lines()
    assert (
        lines[0]
        == f"INFO [tcounty1] gongqing.request: GET {host('tcounty1')} /login/ 200 " + lines[0].rsplit(" ", 1)[1]
    )
    assert lines[1].startswith("INFO [-] gongqing.request: GET localhost /healthz 200 ")
    assert lines[2].startswith(f"INFO [tcounty2] gongqing.request: GET {host('tcounty2')} /login/?next=/cases/ 200 ")
