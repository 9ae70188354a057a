"""A county's own published assessment result (年度考核结果): its score, rank, each item's figure and points,
and the city's adjustments with their reasons. Only what its city published, and only its own line."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.assessment.selectors import published_score_for_union
from web.access import member_required

from .common import year_param


@member_required
def my_assessment_view(request):
    union = request.tenant
    if union.is_city:  # a city reads every county's result on its own assessment page
        return redirect("web:city-assessment")
    year = year_param(request)
    found = published_score_for_union(union=union, year=year)
    context = {"year": year, "years": [y for y in range(year - 2, year + 2) if y <= timezone.localdate().year]}
    if found is not None:
        score, ranked = found
        context.update(
            score=score,
            row=score.row,
            ranked=ranked,
            scheme=score.publication.snapshot.get("scheme", []),
            published_at=score.publication.published_at,
        )
    return render(request, "web/assessment/mine.html", context)
