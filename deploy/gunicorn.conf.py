"""gunicorn settings: (2 x cores) + 1 sync workers, bound to loopback by default."""
import multiprocessing
import os

bind = os.environ.get("YINGHUO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("YINGHUO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
accesslog = "-"
