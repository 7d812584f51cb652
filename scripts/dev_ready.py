"""Procfile.dev helper: once the web app answers, print its URL and the demo logins, then idle.

It must stay alive: honcho stops every process when one of them exits.
"""

import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LOGINS = Path("instance/demo-logins.txt")


def answers(url: str) -> bool:
    """True once the web app serves its login page."""
    try:
        with urllib.request.urlopen(f"{url}/login", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main(url: str) -> None:
    """Wait up to a minute for the web app, then print where to go."""
    deadline = time.monotonic() + 60
    while not answers(url):
        if time.monotonic() > deadline:
            print(f"{url} does not answer after 60 s; see the web process above.", flush=True)
            break
        time.sleep(0.3)
    else:
        print(f"\n  chibo_flow: {url}   (Ctrl-C stops everything)", flush=True)
        print("  Emails sent go to the capture server: instance/mailbox/", flush=True)
        print("  " + LOGINS.read_text(encoding="utf-8").replace("\n", "\n  "), flush=True)
    signal.pause()


if __name__ == "__main__":
    main(sys.argv[1])
