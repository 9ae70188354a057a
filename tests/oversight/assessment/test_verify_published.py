"""verify_published: every published figure re-derives from the events and cases kept at publication; later
data changes are reported, never applied; reopening keeps the earlier publication and its proof."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from oversight.assessment.models import Publication, PublishedScore, PublishedSource
from oversight.assessment.selectors import assessment_scores
from oversight.assessment.services import assessment_publish, assessment_reopen
from oversight.assessment.verification import publications_verify
from oversight.rollup.models import UnionYearStats
from oversight.rollup.services import rollup_refresh
from shared.unions.models import Union
from tenants.cases.models import Case, CaseStatus
from tenants.events.demo import demo_history_load
from tenants.events.models import Event
from tenants.stats.selectors import union_year_stats
from tenants.stats.sources import year_stats_from_sources, year_stats_sources

from .helpers import roll_up

YEAR = 2024
DEMO_TODAY = datetime.date(2025, 6, 30)


@pytest.fixture
def city(world):
    """tcity's two counties with years of demo events and cases, the roll-up up to date."""
    for code in ("tcounty1", "tcounty2"):
        union = world.union(code)
        demo_history_load(union=union, seed=11, today=DEMO_TODAY)
        rollup_refresh(union=union, year=YEAR)
    return world.union("tcity")


def verify(capsys, *args) -> tuple[int, str]:
    try:
        call_command("verify_published", "--year", str(YEAR), *args)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().out


def test_sources_re_derive_every_figure_of_every_year(city, in_union, world):
    """The rows kept for a year give exactly the live figures: if a figure starts reading a table SOURCES
    does not keep, this fails."""
    Union.objects.filter(pk=world.union("tcounty1").pk).update(event_record_days=3)  # not the default
    with in_union("tcounty1"):
        for year in range(2017, 2026):
            sources = year_stats_sources(year=year)
            assert year_stats_from_sources(sources=sources, year=year, today=DEMO_TODAY) == union_year_stats(
                year=year, today=DEMO_TODAY
            ), year
    assert sum(len(rows) for rows in sources["tables"].values()) > 0 and sources["record_days"] == 3


def test_a_fresh_publication_is_proven(city, world, capsys):
    publication = assessment_publish(city=city, year=YEAR, actor=world.user("tcity-admin"))
    kept = PublishedSource.objects.filter(publication=publication)
    assert {source.union.code for source in kept} == {"tcounty1", "tcounty2"}
    assert all(len(source.sha256) == 64 and source.sources["tables"]["events_event"] for source in kept)
    code, out = verify(capsys, "--city", "tcity")
    assert code == 0, out
    assert "published figures re-derive from the kept events and cases" in out
    assert "current data give the same figures" in out
    (check,) = publications_verify(year=YEAR, city=city)
    assert check.proven and check.figures > 2 * 20


def test_later_changes_leave_the_publication_and_are_reported(city, world, capsys, in_union):
    assessment_publish(city=city, year=YEAR, actor=world.user("tcity-admin"))
    published = assessment_scores(city=city, year=YEAR)
    with in_union("tcounty1"):
        held = Event.objects.filter(status="held", held_date__year=YEAR).count()
        Event.objects.create(
            number=9999,
            title="补录的活动",
            status="held",
            planned_date=datetime.date(YEAR, 5, 1),
            held_date=datetime.date(YEAR, 5, 1),
            venue_kind="enterprise",
            worker_attendance=80,
        )
        case = Case.objects.filter(raised_on__year=YEAR, status=CaseStatus.SOLVED_ON_SITE).first()
        Case.objects.filter(pk=case.pk).update(raised_on=datetime.date(YEAR - 1, 12, 30))  # a date corrected
    # The county also gives itself more days to complete an event's record: the publication kept its days then.
    Union.objects.filter(pk=world.union("tcounty1").pk).update(event_record_days=60)
    rollup_refresh(union=world.union("tcounty1"), year=YEAR)

    assert assessment_scores(city=city, year=YEAR) == published  # the published year does not move
    code, out = verify(capsys)
    assert code == 2, out
    (check,) = publications_verify(year=YEAR)
    assert check.proven and not check.not_rederived
    changed = {(d.union, d.figure): (d.published, d.found) for d in check.changed_since}
    assert changed[("tcounty1", "stats.events_held")] == (held, held + 1)
    assert ("tcounty1", "stats.cases_solved_on_site") in changed and ("tcounty1", "stats.cases_raised") in changed
    assert not any(union == "tcounty2" for union, _figure in changed)
    assert f"tcounty1 stats.events_held: published {held}, now {held + 1}" in out


@pytest.mark.usefixtures("rollup_as_written")
def test_figures_that_do_not_re_derive_are_named(city, world, capsys):
    # A publication made from a roll-up that lagged behind the events (as before publishing refreshed it
    # first): tcounty2's published figures are not its events'.
    real = union_year_stats_of(world.union("tcounty2"))
    roll_up(world.union("tcounty2"), year=YEAR, **(real | {"events_held": real["events_held"] + 3}))
    publication = assessment_publish(city=city, year=YEAR, actor=world.user("tcity-admin"))
    code, out = verify(capsys)
    assert code == 1, out
    (check,) = publications_verify(year=YEAR)
    wrong = {(d.union, d.figure) for d in check.not_rederived}
    assert ("tcounty2", "stats.events_held") in wrong and not any(u == "tcounty1" for u, _f in wrong)
    assert "do NOT re-derive" in out and "tcounty2 stats.events_held" in out

    # Kept rows altered afterwards: their digest no longer matches.
    source = PublishedSource.objects.get(publication=publication, union=world.union("tcounty1"))
    source.sources["tables"]["events_event"] = source.sources["tables"]["events_event"][1:]
    source.save()
    (check,) = publications_verify(year=YEAR)
    assert ("tcounty1", "sources") in {(d.union, d.figure) for d in check.not_rederived}

    # A county's stored line edited behind the snapshot's back.
    PublishedScore.objects.filter(publication=publication, union=world.union("tcounty1")).update(total=100)
    (check,) = publications_verify(year=YEAR)
    assert ("tcounty1", "line.total") in {(d.union, d.figure) for d in check.not_rederived}


def union_year_stats_of(union) -> dict:
    with schema_context(union.schema_name):
        stats = union_year_stats(year=YEAR)
    return stats


def test_reopening_keeps_the_earlier_publication_and_its_proof(city, world, capsys, in_union):
    admin = world.user("tcity-admin")
    first = assessment_publish(city=city, year=YEAR, actor=admin)
    assessment_reopen(city=city, year=YEAR, actor=admin, reason="柯城区补报一期活动")
    with in_union("tcounty1"):
        Event.objects.create(
            number=9999,
            title="补报的活动",
            status="held",
            planned_date=datetime.date(YEAR, 9, 1),
            held_date=datetime.date(YEAR, 9, 1),
            venue_kind="park",
            worker_attendance=40,
        )
    rollup_refresh(union=world.union("tcounty1"), year=YEAR)
    second = assessment_publish(city=city, year=YEAR, actor=admin)

    assert list(Publication.objects.filter(city=city, year=YEAR).order_by("published_at")) == [first, second]
    first.refresh_from_db()
    assert not first.is_live and first.reopen_reason == "柯城区补报一期活动"
    assert PublishedSource.objects.filter(publication=first).count() == 2
    first_check, second_check = publications_verify(year=YEAR, city=city)
    assert first_check.publication == first and second_check.publication == second
    assert first_check.proven and second_check.proven  # each from its own kept rows
    assert {d.figure for d in first_check.changed_since if d.union == "tcounty1"} >= {"stats.events_held"}
    assert second_check.changed_since == []
    code, out = verify(capsys, "--city", "tcity")
    assert code == 2 and "reopened" in out and "柯城区补报一期活动" in out and "live" in out


def test_unknown_city_and_unpublished_year(world, capsys):
    with pytest.raises(CommandError, match="nosuch"):
        call_command("verify_published", "--year", "2024", "--city", "nosuch")
    with pytest.raises(CommandError, match="tcounty1"):  # a county is not a city
        call_command("verify_published", "--year", "2024", "--city", "tcounty1")
    code, out = verify(capsys, "--city", "ocity")
    assert code == 0 and "Nothing of 2024 is published" in out


def test_a_figure_reading_rows_that_were_not_kept_is_reported_not_crashed(city, world, monkeypatch):
    """As when a later version's figure reads a table publishing did not keep: named, and the run goes on."""
    from oversight.assessment import verification
    from tenants.stats import sources as sources_module

    assessment_publish(city=city, year=YEAR, actor=world.user("tcity-admin"))
    real = sources_module.year_stats_from_sources

    def without_media(*, sources, year, today):
        tables = {k: v for k, v in sources["tables"].items() if k != "events_mediareport"}
        return real(sources=sources | {"tables": tables}, year=year, today=today)

    monkeypatch.setattr(verification, "year_stats_from_sources", without_media)
    (check,) = publications_verify(year=YEAR)
    reasons = [d.found for d in check.not_rederived if d.figure == "sources"]
    assert len(reasons) == 2 and all("events_mediareport" in reason for reason in reasons)
    assert check.changed_since == []  # the current figures were still compared


def test_publishing_refreshes_a_lagging_roll_up_first_and_the_publication_is_proven(city, world, capsys, in_union):
    """A change whose on-commit refresh was lost (written here through the ORM's update(), which sends no
    signal): the roll-up lags, yet publishing computes from the events as they are and verify_published
    exits 0 right after."""
    county = world.union("tcounty1")
    lagging = UnionYearStats.objects.get(union=county, year=YEAR).as_stats()
    with in_union("tcounty1"):
        event = Event.objects.filter(status="held", held_date__year=YEAR).order_by("pk").first()
        Event.objects.filter(pk=event.pk).update(worker_attendance=event.worker_attendance + 1000)
        now = union_year_stats(year=YEAR)
    assert now["worker_attendance"] == lagging["worker_attendance"] + 1000
    assert UnionYearStats.objects.get(union=county, year=YEAR).worker_attendance == lagging["worker_attendance"]

    elsewhere = list(UnionYearStats.objects.filter(union=world.union("ocounty")).values_list("year", "computed_at"))
    publication = assessment_publish(city=city, year=YEAR, actor=world.user("tcity-admin"))
    code, out = verify(capsys, "--city", "tcity")
    assert code == 0, out
    assert "published figures re-derive from the kept events and cases" in out
    row = next(r for r in publication.snapshot["rows"] if r["union"] == "tcounty1")
    assert row["stats"]["worker_attendance"] == now["worker_attendance"]  # the change is in the published figure
    assert UnionYearStats.objects.get(union=county, year=YEAR).worker_attendance == now["worker_attendance"]
    # Only the city's counted unions were refreshed, never another city's.
    assert list(UnionYearStats.objects.filter(union=world.union("ocounty")).values_list("year", "computed_at")) == (
        elsewhere
    )


def test_another_city_publishing_leaves_this_citys_roll_up_alone(city, world, in_union):
    county = world.union("tcounty1")
    with in_union("tcounty1"):
        Event.objects.filter(status="held", held_date__year=YEAR).update(worker_attendance=1)
    before = UnionYearStats.objects.get(union=county, year=YEAR).as_stats()
    assessment_publish(city=world.union("ocity"), year=YEAR, actor=world.user("ocity-admin"))
    assert UnionYearStats.objects.get(union=county, year=YEAR).as_stats() == before
    assert UnionYearStats.objects.filter(union=world.union("ocounty"), year=YEAR).exists()
