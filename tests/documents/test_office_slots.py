"""LibreOffice conversions of .doc uploads are limited across the app's processes
(OFFICE_CONVERSIONS): real uploads converted at once, by separate processes as gunicorn's
workers are, each with its own app on one instance."""

import multiprocessing
import os
import time
from pathlib import Path

from chibo_flow import create_app
from chibo_flow.documents.parse import DocumentError, parse_upload
from tests.documents.samples import office, programme_docx
from tests.support import config_for

UPLOADS = 3
TITLE = "Hành động năm 2023 của chi bộ"


def _upload_in_a_worker(slots_dir: str, slots: int, doc: bytes, results) -> None:
    """One web worker's import of `doc`: its own app, the instance's slots."""
    app = create_app(config_for({"SECRET_KEY": "office-slots-test-" * 2}))
    app.config.update(OFFICE_SLOTS_DIR=slots_dir, OFFICE_CONVERSIONS=slots, OFFICE_WAIT_S=20)
    with app.app_context():
        try:
            results.put(("read", parse_upload(doc, "chuong-trinh.doc").title))
        except DocumentError as error:
            results.put(("refused", error.message))


def _office_processes_under(parents: set[int]) -> int:
    """How many LibreOffice processes (soffice.bin) run below the processes `parents`."""
    parent_of, names = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        parent_of[int(entry.name)] = int(rest.split()[1])
        names[int(entry.name)] = name
    count = 0
    for pid, name in names.items():
        if not name.startswith("soffice.bin"):
            continue
        ancestor = parent_of.get(pid)
        while ancestor and ancestor not in parents:
            ancestor = parent_of.get(ancestor)
        count += ancestor in parents
    return count


def test_simultaneous_doc_uploads_convert_one_at_a_time_and_all_are_read(tmp_path):
    doc = office(programme_docx(), "docx", "doc")
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [
        spawn.Process(target=_upload_in_a_worker, args=(str(tmp_path), 1, doc, results))
        for _ in range(UPLOADS)
    ]
    for worker in workers:
        worker.start()
    pids, most = {worker.pid for worker in workers}, 0
    seen = 0
    deadline = time.monotonic() + 240
    while any(worker.is_alive() for worker in workers) and time.monotonic() < deadline:
        running = _office_processes_under(pids)
        most, seen = max(most, running), seen + (running > 0)
        time.sleep(0.02)
    for worker in workers:
        worker.join(5)
    outcomes = [results.get(timeout=5) for _ in workers]
    assert outcomes == [("read", TITLE)] * UPLOADS
    assert seen > 0  # the watch saw the conversions run
    assert most == 1
    assert os.listdir(tmp_path) == ["slot-0"]
