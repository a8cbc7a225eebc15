from django.urls import path

from cheguan.plates.views import (
    check,
    compose,
    draw_log,
    keep,
    pool,
    selection,
    start,
    swap,
)

app_name = "plates"
urlpatterns = [
    path("check/", check.check, name="check"),
    path("blocklist/", pool.blocklist_page, name="blocklist"),
    path(
        "blocklist/<int:pattern_id>/deactivate/",
        pool.blocklist_deactivate,
        name="blocklist_deactivate",
    ),
    # 二十选一: the applicant's draw page, the public draw log, the admin's segments
    path("", selection.mine, name="mine"),
    path("start/", start.start, name="start"),
    path("cases/<str:number>/", selection.selection, name="selection"),
    path("cases/<str:number>/draw/", selection.draw, name="draw"),
    # 自编自选, 保留号牌, 互换: plates.views.compose, .keep, .swap
    path("cases/<str:number>/compose/", compose.compose, name="compose"),
    path("cases/<str:number>/compose/hold/", compose.compose_hold, name="compose_hold"),
    path("cases/<str:number>/kept/", keep.use_kept, name="use_kept"),
    path("keep/", keep.keep, name="keep"),
    path("keep/<int:vehicle_id>/", keep.keep_vehicle, name="keep_vehicle"),
    path("keep/spouse/", keep.spouse, name="keep_spouse"),
    path("swap/", swap.swap, name="swap"),
    path("draws/<int:draw_id>/pick/", selection.pick, name="pick"),
    path("draws/", draw_log.draw_log, name="draw_log"),
    path("segments/", pool.segments, name="segments"),
]
