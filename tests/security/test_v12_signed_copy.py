"""ASVS V12 (files) and V50 (documents): the copy an org signs with its own tool is accepted only
as the approved PDF with a signature added. What an uploader adds before signing, a note that
prints over the approved text or a link running a script in the reader of every recipient, is
signed with it and sent as the final copy; such a copy is refused like any other content."""

import pytest

from chibo_flow import messages
from chibo_flow.demo import ORG
from chibo_flow.documents.final_copy import final_copy_for, final_copy_ready
from chibo_flow.documents.signing import sign_pdf
from tests.documents.test_external_signing import approved, upload  # noqa: F401
from tests.verify.forgeries import with_note, with_script_link

pytestmark = pytest.mark.one_database  # see tests/conftest.py


@pytest.mark.parametrize("addition", [with_note, with_script_link], ids=["note", "script-link"])
def test_an_annotation_added_before_signing_is_refused(app, db, client, approved, addition):  # noqa: F811
    programme, copy = approved
    signed = sign_pdf(addition(copy.pdf), ORG, app.config)

    answer = upload(client, programme, signed)

    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"] == messages.SIGNED_COPY_OTHER_CONTENT
    db.session.expire_all()
    assert final_copy_for(programme).pdf == copy.pdf
    assert final_copy_ready(programme) is False
