"""Serve the floor app: `python bench/floor/serve.py --port P --workers W --threads T [--server waitress]`.

With the platform's own server module (smartkoto.core.webserver, found on PYTHONPATH) it runs exactly as
`smartkoto serve` does; `--server waitress` serves it as the code before gunicorn did (one process, threads),
for measuring that code against its own floor."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--server", choices=["smartkoto", "waitress"], default="smartkoto")
    args = parser.parse_args()

    def load_application():
        from floorapp import application

        return application

    if args.server == "waitress":
        from waitress import serve

        serve(load_application(), host=args.host, port=args.port, threads=args.threads, ident="floor",
              clear_untrusted_proxy_headers=True)
    else:
        from smartkoto.core import webserver

        webserver.serve(load_application, args.host, args.port, workers=args.workers, threads=args.threads,
                        log_level="WARNING", name="floor")
