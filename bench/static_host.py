"""A plain static web server for the atlas's benchmark (``bench_site.py``): Python's own
``http.server`` file handler, threaded, with the listen backlog of nginx (511).

``python -m http.server`` keeps socketserver's backlog of 5: beyond five connections
waiting to be accepted, the kernel drops new ones and browsers retry after 1, 3, 7 s…;
a web host does not. Nothing of the project runs here: files are sent as they are.

    python bench/static_host.py 8000 --bind 127.0.0.1      # the current folder, as http.server
"""

from __future__ import annotations

import argparse
import functools
import http.server


class Host(http.server.ThreadingHTTPServer):
    request_queue_size = 511
    daemon_threads = True


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--directory", default=".")
    args = parser.parse_args()
    handler = functools.partial(Quiet, directory=args.directory)
    with Host((args.bind, args.port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
