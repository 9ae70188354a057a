"""The benchmark command builds its throwaway province and city, checks both ways agree, and removes what it made."""

from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_exists

from shared.unions.models import Union


def test_bench_city_agrees_and_cleans_up(world):
    out = StringIO()
    call_command("bench_city", "--unions", "2", "--years", "2", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "Built zbench_p (province) above zbench with 2 county unions and a second city with 2" in text
    for answer in ("compliance", "rankings", "province compliance", "province rankings"):
        line = next(line for line in text.splitlines() if line.strip().startswith(answer + " "))
        assert line.rstrip().endswith("OK"), line
    assert "MISMATCH" not in text and text.rstrip().endswith("OK")
    assert not Union.objects.filter(code__startswith="zbench").exists()
    assert not schema_exists("zbench") and not schema_exists("zbench_0001") and not schema_exists("zbench_p")
