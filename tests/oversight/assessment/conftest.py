import pytest

from shared.unions.services import union_create


@pytest.fixture
def four_counties(world):
    """tcity with four counties (two extra, made for this test and rolled back with it)."""
    extra = [
        union_create(
            code=code, name=name, level="county", parent_code="tcity", region_code=region, domain=f"{code}.localhost"
        )
        for code, name, region in (("tcounty3", "测试三县总工会", "339903"), ("tcounty4", "测试四市总工会", "339904"))
    ]
    return [world.union("tcounty1"), world.union("tcounty2"), *extra]


@pytest.fixture
def eager_celery(settings, tmp_path, celery_eager):
    """Tasks run in the calling process (as Celery's eager mode does) and files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
