from django.urls import path

from cheguan.plates import (
    compose_views,
    keep_views,
    selection_views,
    start_views,
    swap_views,
    views,
)

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
    # 自编自选, 保留号牌, 互换: plates.compose_views, plates.keep_views
    path("cases/<str:number>/compose/", compose_views.compose, name="compose"),
    path("cases/<str:number>/compose/hold/", compose_views.compose_hold, name="compose_hold"),
    path("cases/<str:number>/kept/", keep_views.use_kept, name="use_kept"),
    path("keep/", keep_views.keep, name="keep"),
    path("keep/<int:vehicle_id>/", keep_views.keep_vehicle, name="keep_vehicle"),
    path("keep/spouse/", keep_views.spouse, name="keep_spouse"),
    path("swap/", swap_views.swap, name="swap"),
    path("draws/<int:draw_id>/pick/", selection_views.pick, name="pick"),
    path("draws/", selection_views.draw_log, name="draw_log"),
    path("segments/", selection_views.segments, name="segments"),
]
