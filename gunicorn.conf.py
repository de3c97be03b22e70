"""gunicorn settings for Gridbook (measured in docs/performance.md; override with GUNICORN_* vars).

A submission spends most of its wall time waiting on PostgreSQL, the disk or S3, and about
6-10 ms of Python CPU (with a photo). Measured on 2 cores, 16 phones with a photo: 2 workers x
8 threads took 71-107 submissions/s where 3 x 4 took 38-81 and 4 x 4 32, with less CPU per
submission and 85 MB less memory. Hence one process per core, 8 threads each. Phones beyond
workers x threads wait in the listen backlog, which Collect tolerates (it waits for the
answer). README: sizing and tuning.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", min(max(multiprocessing.cpu_count(), 2), 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 8))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
