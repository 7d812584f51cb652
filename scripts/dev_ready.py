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
# What `make run` prints, in Vietnamese as the rest of its output.
READY = "\n  chibo_flow: {url}   (bấm Ctrl-C để dừng tất cả)"
MAILBOX = (
    "  Thư hệ thống gửi đi được giữ trong hộp thư thử: instance/mailbox/"
    " (xem ở {url}/admin/mailbox)"
)
NO_ANSWER = "{url} chưa trả lời sau 60 giây; xem thông báo của tiến trình web ở trên."


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
            print(NO_ANSWER.format(url=url), flush=True)
            break
        time.sleep(0.3)
    else:
        print(READY.format(url=url), flush=True)
        print(MAILBOX.format(url=url), flush=True)
        print("  " + LOGINS.read_text(encoding="utf-8").replace("\n", "\n  "), flush=True)
    signal.pause()


if __name__ == "__main__":
    main(sys.argv[1])
