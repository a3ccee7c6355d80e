"""gunicorn settings (``gunicorn -c python:yinghuo.gunicorn_conf yinghuo.wsgi:app``): (2 x cores)
+ 1 sync workers, bound to loopback by default. Without ``REDIS_URL`` one worker at a time also
runs the periodic jobs (``yinghuo.periodic``): a file lock in the instance folder picks it, and
another worker takes over when it exits."""
import multiprocessing
import os

bind = os.environ.get("YINGHUO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("YINGHUO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
accesslog = "-"


def post_worker_init(worker):
    from yinghuo.periodic import start_runner
    from yinghuo.wsgi import app
    start_runner(app)
