"""The role × state × action table through the pages: every allowed cell works, every other one
is refused (a flashed message, or 404 where the user may not even see the programme) and changes
nothing."""

import pytest

from chibo_flow import messages
from tests.web.support import bring_to, flashes, snapshot, transition

ROLES = ("secretary", "committee", "member", "admin", "outsider")  # secretary = the submitter
STATES = ("draft", "review", "approved")
ACTIONS = ("submit", "approve", "request_changes", "withdraw")

# (role, state, action) → the state it leads to; every cell not listed is refused.
ALLOWED = {
    ("secretary", "draft", "submit"): "review",
    ("secretary", "review", "withdraw"): "draft",
    ("committee", "review", "approve"): "review",  # one of the two approvals needed
    ("committee", "review", "request_changes"): "draft",
}
# Who may not see the programme at all in a state: the page and its buttons answer 404.
HIDDEN = {("member", "draft"), ("member", "review")} | {("outsider", s) for s in STATES}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_transition_table(db, world, browser, role, state, action):
    programme = bring_to(world, state)
    client = browser(world.users[role])
    before = snapshot(db, programme.id)
    comment = "Cần bổ sung số liệu." if action == "request_changes" else None

    response = transition(client, programme.id, action, programme.version, comment)

    if (role, state) in HIDDEN:
        assert response.status_code == 404
        assert snapshot(db, programme.id) == before
    elif (role, state, action) in ALLOWED:
        assert response.status_code == 200
        assert flashes(response, "success") == [messages.ACTION_DONE[action]]
        assert flashes(response, "danger") == []
        assert snapshot(db, programme.id)[0] == ALLOWED[role, state, action]
    else:
        assert response.status_code == 200
        refused = flashes(response, "danger")
        assert len(refused) == 1 and refused[0] in (
            messages.FORBIDDEN,
            messages.TRANSITION_NOT_ALLOWED,
            messages.SELF_APPROVAL,
        ), refused
        assert flashes(response, "success") == []
        assert snapshot(db, programme.id) == before
