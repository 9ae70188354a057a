"""The benchmark command builds its throwaway city, checks both ways agree, and removes what it made."""

from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_exists

from shared.unions.models import Union


def test_bench_city_agrees_and_cleans_up(world):
    out = StringIO()
    call_command("bench_city", "--unions", "2", "--years", "2", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "Built 2 county unions" in text
    assert "compliance" in text and "rankings" in text
    assert "MISMATCH" not in text and text.rstrip().endswith("OK")
    assert not Union.objects.filter(code__startswith="zbench").exists()
    assert not schema_exists("zbench") and not schema_exists("zbench_0001")
