from tests.web.conftest import campaign, make_event  # noqa: F401 (fixtures shared with the page tests)
