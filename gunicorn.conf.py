"""gunicorn settings for Cheguan:  gunicorn cheguan.wsgi -c gunicorn.conf.py

Everything can be overridden from the environment (see docs/deploy.md):
    CHEGUAN_BIND      address to listen on            (default 127.0.0.1:8000, behind a proxy)
    CHEGUAN_WORKERS   worker processes                (default 2 × cores + 1, at most 12)
    CHEGUAN_TIMEOUT   seconds before a stuck worker is restarted (default 30)
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from cheguan.core.masking import MaskPersonalDataFilter

bind = os.environ.get("CHEGUAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CHEGUAN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 12))
timeout = int(os.environ.get("CHEGUAN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Load the application once in the master: a refused start (development secret key, empty
# CHEGUAN_ALLOWED_HOSTS with CHEGUAN_DEBUG=0) stops gunicorn at once instead of every
# worker failing in a loop.
preload_app = True

# Recycle workers now and then so a slow leak can never take the service down.
max_requests = 2000
max_requests_jitter = 200

# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Access log WITHOUT query strings or referers: they can carry ID numbers, plate numbers or
# phone numbers (searches for people are POSTs, but anyone can type a URL). %(U)s is the
# path only, and paths are masked too: every line of gunicorn's own two logs goes through
# the filter the application's logs use (an ID number or phone number keeps only its ends).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

_MASK = MaskPersonalDataFilter()


class MaskedLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_MASK)  # once: addFilter ignores a filter already there


logger_class = MaskedLogger

# Trust X-Forwarded-* only from the reverse proxy on the same machine.
forwarded_allow_ips = os.environ.get("CHEGUAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "cheguan"
