"""The API's paginator reads a page and its total in one statement; it must page exactly like Django's."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared.catalogues.models import Topic
from shared.core.pagination import OneQueryPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(world):
    Topic.objects.bulk_create(Topic(name=f"分页{n:02d}", sort_order=900 + n) for n in range(23))
    return Topic.objects.filter(name__startswith="分页").order_by("sort_order")


@pytest.mark.parametrize("number", [1, 2, 3, "3"])
def test_each_page_and_the_total_as_django_has_them_in_one_statement(topics, number):
    expected = Paginator(topics, 10).page(number)
    with CaptureQueriesContext(connection) as queries:
        page = OneQueryPaginator(topics, 10).page(number)
        names = [topic.name for topic in page]
        assert (page.paginator.count, page.paginator.num_pages, page.number) == (23, 3, int(number))
    assert names == [topic.name for topic in expected]
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")]) == 1


def test_filtered_lists_count_what_the_filter_keeps(topics):
    page = OneQueryPaginator(topics.filter(sort_order__lt=905), 2).page(3)
    assert page.paginator.count == 5 and [t.sort_order for t in page] == [904]


@pytest.mark.parametrize(
    "number, error",
    [
        (4, EmptyPage),
        (0, EmptyPage),
        ("x", PageNotAnInteger),
        ("5397807532575005081600", EmptyPage),
    ],  # fuzz: a bigint overflow
)
def test_pages_that_do_not_exist_are_refused_like_django(topics, number, error):
    with pytest.raises(error):
        OneQueryPaginator(topics, 10).page(number)


def test_an_empty_list_has_an_empty_first_page(world):
    page = OneQueryPaginator(Topic.objects.filter(name="没有这个").order_by("id"), 10).page(1)
    assert page.paginator.count == 0 and list(page) == []


def test_distinct_lists_fall_back_to_a_separate_count(topics):
    """COUNT over DISTINCT rows is not what the subquery counts: those lists keep Django's two statements."""
    with CaptureQueriesContext(connection) as queries:
        page = OneQueryPaginator(topics.distinct(), 10).page(3)
        assert page.paginator.count == 23 and len(page) == 3
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")]) == 2
