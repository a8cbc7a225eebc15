from django.urls import path

from cheguan.plates import selection_views, start_views, views

app_name = "plates"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("blocklist/", views.blocklist_page, name="blocklist"),
    path(
        "blocklist/<int:pattern_id>/deactivate/",
        views.blocklist_deactivate,
        name="blocklist_deactivate",
    ),
    # 二十选一: the applicant's draw page, the public draw log, the admin's segments
    path("", selection_views.mine, name="mine"),
    path("start/", start_views.start, name="start"),
    path("cases/<str:number>/", selection_views.selection, name="selection"),
    path("cases/<str:number>/draw/", selection_views.draw, name="draw"),
    path("draws/<int:draw_id>/pick/", selection_views.pick, name="pick"),
    path("draws/", selection_views.draw_log, name="draw_log"),
    path("segments/", selection_views.segments, name="segments"),
]
