"""The WSGI app of GunicornIT, run by real Gunicorn with sync workers.

/upload reads the whole request body and answers its length; /big answers 32 MiB (more than
socket buffers can hide); every other path answers at once.
"""

BIG = 32 * 1024 * 1024
CHUNK = b"x" * 65536


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/upload":
        stream = environ["wsgi.input"]
        n = 0
        while True:
            part = stream.read(65536)
            if not part:
                break
            n += len(part)
        return answer(start_response, str(n).encode())
    if path == "/big":
        start_response(
            "200 OK",
            [("Content-Type", "application/octet-stream"), ("Content-Length", str(BIG))],
        )
        return (CHUNK for _ in range(BIG // len(CHUNK)))
    return answer(start_response, b"ok\n")


def answer(start_response, body):
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
    )
    return [body]
