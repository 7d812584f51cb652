"""ASVS V12.6 (server-side request forgery): an uploaded .odt or .doc may link a picture to any
address; LibreOffice, which converts it on the server, would fetch it from there (an address
inside the office network, a cloud's metadata service). The conversion reaches no address: the
draft is still read, and nothing is asked of the linked server."""

import html
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chibo_flow.documents.reading import DOC_CONVERSION_TIMEOUT_S, convert_with_office
from tests.api.test_programmes import SEED_TITLE
from tests.support import SEED, free_port

ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


@pytest.fixture
def linked_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on this machine: its address and the paths asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def handle_one_request(self) -> None:
            super().handle_one_request()
            if self.path:
                asked.append(self.path)

        def do_GET(self) -> None:
            self.send_error(404)

        do_HEAD = do_OPTIONS = do_PROPFIND = do_GET

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()


def odt_linking(picture_url: str) -> bytes:
    """The seed programme as an .odt whose first paragraph holds a picture linked to
    `picture_url`."""
    picture = (
        '<text:p><draw:frame draw:name="anh" svg:width="1cm" svg:height="1cm">'
        f'<draw:image xlink:href="{html.escape(picture_url)}" xlink:type="simple" '
        'xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
    )
    lines = SEED.read_text(encoding="utf-8").split("\n")
    paragraphs = "".join(f"<text:p>{html.escape(line)}</text:p>" for line in lines)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NAMESPACES} '
        f'office:version="1.2"><office:body><office:text>{picture}{paragraphs}'
        "</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", content)
        odt.writestr("META-INF/manifest.xml", MANIFEST)
    return out.getvalue()


@pytest.mark.one_database
@pytest.mark.parametrize("kind", ["odt", "doc"])
def test_a_picture_linked_in_an_uploaded_document_is_not_fetched(
    db, world, client, token, linked_server, kind
):
    address, asked = linked_server
    data = odt_linking(f"{address}/anh-noi-bo.png")
    if kind == "doc":  # the same document saved by Writer as Word 97, the link kept
        data = convert_with_office(data, "odt", "doc", DOC_CONVERSION_TIMEOUT_S)
        assert f"{address}/anh-noi-bo.png".encode() in data
    asked.clear()

    response = client.post(
        "/api/v1/programmes/import",
        data={"file": (io.BytesIO(data), f"chuong-trinh.{kind}")},
        headers=token(world.users["secretary"]),
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["title"] == SEED_TITLE
    assert asked == []
