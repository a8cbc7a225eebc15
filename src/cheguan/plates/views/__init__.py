"""Plate-number pages, one module per concept (``plates.urls`` names each page):

- ``check``: the public check of a number; ``draw_log``: the public draw log;
- ``selection``: the applicant's cases and draw page, the pick; ``start``: starting one;
- ``compose``: 自编自选; ``keep``: 保留原号牌 (and a spouse's, at the window); ``swap``: 互换;
- ``pool``: the admin's blocklist and segments; ``common``: what the pages share.

Thin: the reads are ``plates.queries``, the changes ``plates.services`` — the same
functions the API calls.
"""
