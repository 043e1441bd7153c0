"""The bare WSGI app benchmarks/load.py measures first: the ceiling of server, client, machine."""


def app(environ, start_response):
    body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
