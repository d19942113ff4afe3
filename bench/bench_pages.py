"""Foundation pages through the real server: home, sign-in, accessibility statement, API schema,
each as a ratio of /healthz measured in the same run."""

import sys

from common import Server, measure, report

if __name__ == "__main__":
    seconds = 2.0 if "--quick" in sys.argv else 5.0
    with Server() as server:
        floor = measure(server.url("/healthz"), seconds=seconds)
        report("/healthz (floor)", floor, floor)
        for label, path in [("home page (ja)", "/"), ("home page (en)", "/en/"), ("sign-in page", "/sign-in/"),
                            ("accessibility statement", "/accessibility/"), ("OpenAPI document", "/api/schema")]:
            report(label, measure(server.url(path), seconds=seconds), floor)
