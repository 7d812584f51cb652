"""What `make run` prints once the web app answers (scripts/dev_ready.py, run as Procfile.dev
runs it): the address, where the emails go and the demo logins, in Vietnamese like the rest of
its output."""

import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support import ROOT, free_port

LOGINS = "Tài khoản demo (mật khẩu chung: demo):\n  secretary  bithu@chibo.test  Vũ Thị Xuyên\n"
# Words of the English lines it printed ("Ctrl-C stops everything", "Emails sent go to the
# capture server", "does not answer").
ENGLISH = re.compile(r"\b(stops|everything|Emails?|sent|go|capture|server|answer)\b")


class _Login(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"login")

    def log_message(self, *args) -> None:
        pass


def test_the_ready_lines_are_in_vietnamese(tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "demo-logins.txt").write_text(LOGINS, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Login)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    ready = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "dev_ready.py"), url],
        cwd=tmp_path, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )  # fmt: skip
    try:
        lines = [ready.stdout.readline() for _ in range(6)]  # it then idles until stopped
    finally:
        ready.terminate()
        ready.wait(timeout=10)
        ready.stdout.close()
        server.shutdown()
        server.server_close()
    printed = "".join(lines)
    assert f"chibo_flow: {url}" in printed and "Vũ Thị Xuyên" in printed
    assert "hộp thư thử: instance/mailbox/" in printed
    assert ENGLISH.findall(printed) == []
