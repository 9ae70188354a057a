"""Notices (通知): the signed-in member's own reminders about the union whose host was called, and opening one."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from oversight.rollup.selectors import notice_list
from oversight.rollup.services import notice_mark_read
from web.access import member_required

from .common import paginate


@member_required
def notice_list_view(request):
    notices = notice_list(user=request.user, union=request.tenant)
    page = paginate(request, notices, per_page=30)
    return render(request, "web/notices/list.html", {"page": page, "notices": page})


@member_required
def notice_open_view(request, notice_id):
    """Following a notice's link: it is marked read (the reader's own flag, so a GET that any member, viewers
    included, may make) and the reader lands on what it is about — a page of this host only."""
    notice = get_object_or_404(notice_list(user=request.user, union=request.tenant), pk=notice_id)
    notice_mark_read(notice=notice)
    url = notice.url or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("web:notice-list")
