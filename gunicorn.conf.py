"""gunicorn settings for Gridbook (measured in docs/performance.md; override with GUNICORN_* vars).

A submission spends most of its wall time waiting on PostgreSQL, the disk or S3, and about
8-10 ms of Python CPU (with a photo): cores + 1 processes keep every core busy despite the GIL,
and 4 threads each cover the waiting. More threads per process only queue on the GIL; more
processes only add memory (80-100 MB each, more with S3). Phones beyond workers x threads wait
in the listen backlog, which is fine for Collect (it waits for the answer). README: sizing.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
