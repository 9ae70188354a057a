"""The pages, at the root of every union's host."""

from django.urls import path

from .views import (
    account,
    assessment,
    attachments,
    audit,
    auth,
    campaigns,
    cases,
    city,
    drill,
    enterprises,
    events,
    home,
    intake,
    members,
    notices,
    planning,
    printing,
    receipt,
)

app_name = "web"

urlpatterns = [
    path("", home.home_view, name="home"),
    path("login/", auth.UnionLoginView.as_view(), name="login"),
    path("logout/", auth.UnionLogoutView.as_view(), name="logout"),
    path("password/", account.password_change_view, name="password-change"),
    path("password/reset/", account.password_reset_view, name="password-reset"),
    path("password/reset/sent/", account.password_reset_done_view, name="password-reset-done"),
    path("password/reset/<uidb64>/<token>/", account.password_reset_confirm_view, name="password-reset-confirm"),
    path("password/reset/done/", account.password_reset_complete_view, name="password-reset-complete"),
    path("invite/<str:token>/", account.invitation_view, name="invitation"),
    # People of the union (administrators)
    path("members/", members.member_list_view, name="member-list"),
    path("members/invite/", members.member_invite_view, name="member-invite"),
    path("members/add/", members.member_add_view, name="member-add"),
    path("members/<int:member_id>/role/", members.member_role_view, name="member-role"),
    path("members/<int:member_id>/remove/", members.member_remove_view, name="member-remove"),
    path("members/<int:member_id>/password-reset/", members.member_password_reset_view, name="member-reset"),
    path(
        "members/invitations/<int:invitation_id>/withdraw/",
        members.invitation_withdraw_view,
        name="invitation-withdraw",
    ),
    path("city/county-admins/", members.county_admins_view, name="county-admins"),
    path("audit/", audit.audit_log_view, name="audit-log"),
    # Events
    path("events/", events.event_list_view, name="event-list"),
    path("events/calendar/", events.event_calendar_view, name="event-calendar"),
    path("events/new/", events.event_create_view, name="event-create"),
    path("events/<int:event_id>/", events.event_detail_view, name="event-detail"),
    path("events/<int:event_id>/edit/", events.event_edit_view, name="event-edit"),
    path("events/<int:event_id>/prepare/", events.event_prepare_view, name="event-prepare"),
    path("events/<int:event_id>/cancel/", events.event_cancel_view, name="event-cancel"),
    path("events/<int:event_id>/media/", events.media_report_add_view, name="event-media"),
    path("events/<int:event_id>/record/", events.event_record_view, name="event-record"),
    path("events/<int:event_id>/record/case/", events.event_record_case_view, name="event-record-case"),
    path("events/<int:event_id>/files/", attachments.event_attachment_add_view, name="event-attachment-add"),
    path("events/<int:event_id>/qr.svg", events.event_qr_svg_view, name="event-qr"),
    path("events/<int:event_id>/print/", printing.event_record_print_view, name="event-print"),
    path("events/<int:event_id>/poster/", printing.event_poster_view, name="event-poster"),
    path("events/<int:event_id>/poster.png", printing.event_poster_png_view, name="event-poster-png"),
    # Cases
    path("cases/", cases.case_list_view, name="case-list"),
    path("cases/new/", cases.case_create_view, name="case-create"),
    path("cases/export.xlsx", cases.case_export_view, name="case-export"),
    path("cases/<int:case_id>/", cases.case_detail_view, name="case-detail"),
    path("cases/<int:case_id>/correct/", cases.case_correct_view, name="case-correct"),
    path("cases/<int:case_id>/print/referral/", printing.case_referral_print_view, name="case-print-referral"),
    path("cases/<int:case_id>/files/", attachments.case_attachment_add_view, name="case-attachment-add"),
    path("cases/<int:case_id>/<slug:action>/", cases.case_action_view, name="case-action"),
    # Photos and files (served only here, after the access check)
    path("files/<int:attachment_id>/", attachments.attachment_file_view, name="attachment-file"),
    path("files/<int:attachment_id>/thumbnail.jpg", attachments.attachment_thumbnail_view, name="attachment-thumb"),
    path("files/<int:attachment_id>/delete/", attachments.attachment_delete_view, name="attachment-delete"),
    # Enterprises
    path("enterprises/", enterprises.enterprise_list_view, name="enterprise-list"),
    path("enterprises/new/", enterprises.enterprise_create_view, name="enterprise-create"),
    path("enterprises/import/", enterprises.enterprise_import_view, name="enterprise-import"),
    path(
        "enterprises/import/template.xlsx",
        enterprises.enterprise_import_template_view,
        name="enterprise-import-template",
    ),
    path("enterprises/<int:enterprise_id>/", enterprises.enterprise_detail_view, name="enterprise-detail"),
    path("enterprises/<int:enterprise_id>/edit/", enterprises.enterprise_edit_view, name="enterprise-edit"),
    # Topic planning
    path("planning/", planning.planning_view, name="planning"),
    path("planning/suggestions/", planning.suggestion_add_view, name="planning-suggestion"),
    path("planning/items/", planning.plan_item_add_view, name="planning-item"),
    path("planning/items/<int:item_id>/adjust/", planning.plan_item_adjust_view, name="planning-adjust"),
    path("planning/items/<int:item_id>/delete/", planning.plan_item_delete_view, name="planning-delete"),
    # City oversight (a city union's own host)
    path("city/", city.city_dashboard_view, name="city-dashboard"),
    path("city/assessment/", city.city_assessment_view, name="city-assessment"),
    path("city/assessment/adjustments/", city.city_adjustment_add_view, name="city-adjust"),
    path("city/assessment/publish/", city.city_publish_view, name="city-publish"),
    path("city/assessment/reopen/", city.city_reopen_view, name="city-reopen"),
    path("city/assessment/exports/", city.city_export_request_view, name="city-export"),
    path("city/assessment/exports/<int:export_id>/", city.city_export_status_view, name="city-export-status"),
    path(
        "city/assessment/exports/<int:export_id>/download/",
        city.city_export_download_view,
        name="city-export-download",
    ),
    path("city/unions/<slug:code>/", city.city_drill_view, name="city-drill"),
    path("city/unions/<slug:code>/events/", drill.drill_event_list_view, name="city-drill-events"),
    path("city/unions/<slug:code>/events/<int:event_id>/", drill.drill_event_view, name="city-drill-event"),
    path("city/unions/<slug:code>/cases/", drill.drill_case_list_view, name="city-drill-cases"),
    path("city/unions/<slug:code>/cases/<int:case_id>/", drill.drill_case_view, name="city-drill-case"),
    # Campaigns (专项行动): defined by a city (or province), reported by its participants
    path("campaigns/", campaigns.campaign_list_view, name="campaign-list"),
    path("campaigns/new/", campaigns.campaign_create_view, name="campaign-create"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail_view, name="campaign-detail"),
    path("campaigns/<int:campaign_id>/figures/", campaigns.campaign_figures_view, name="campaign-figures"),
    path("campaigns/<int:campaign_id>/events/", campaigns.campaign_event_link_view, name="campaign-link"),
    path(
        "campaigns/<int:campaign_id>/events/<int:event_id>/unlink/",
        campaigns.campaign_event_unlink_view,
        name="campaign-unlink",
    ),
    path("campaigns/<int:campaign_id>/export.xlsx", campaigns.campaign_export_view, name="campaign-export"),
    # A county's own published assessment result
    path("assessment/", assessment.my_assessment_view, name="my-assessment"),
    # Notices (the member's own reminders)
    path("notices/", notices.notice_list_view, name="notice-list"),
    path("notices/<int:notice_id>/open/", notices.notice_open_view, name="notice-open"),
    # Public QR intake (no account)
    path("q/<str:token>/", intake.intake_view, name="intake"),
    path("q/<str:token>/thanks/", intake.intake_thanks_view, name="intake-thanks"),
    # A worker follows their case with the receipt code (no account)
    path("r/", receipt.receipt_view, name="receipt"),
    path("r/rate/", receipt.receipt_rate_view, name="receipt-rate"),
]
