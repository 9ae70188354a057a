import pytest

from tests.web.conftest import make_case, make_event  # noqa: F401 (fixtures shared with the page tests)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in a throwaway folder (the default storage reads MEDIA_ROOT when it changes)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
