"""gunicorn settings for chibo_flow (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Behind a TLS reverse proxy on the same machine. A request is bounded by `timeout` (the worker is
restarted past it); the app bounds what it renders in a request (chibo_flow.security.limits),
so no page comes near it. gunicorn writes a `Server: gunicorn` header into every response,
which tells an attacker what to look up; it has no setting for it, so the header is dropped
from its default headers here.
"""

from gunicorn.http import wsgi

bind = "127.0.0.1:8000"
accesslog = "-"
timeout = 30
graceful_timeout = 30

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
