"""bench/ drives the app as it is: its login (a recovery code for those with a second factor)
and its count of a list page's statements, run here so that a change in the app cannot leave
`make bench` stopping before it measures (a renamed function did, for three sessions)."""

from bench.pages import statements_per_page
from bench.scale import USERS
from chibo_flow.demo import load_demo


def test_the_bench_logs_in_each_measured_user_and_the_list_page_runs_two_statements(app, db):
    load_demo()
    db.session.commit()

    counts = {user.email: statements_per_page(app, user) for user in USERS}

    # the login session, then the one UNION ALL of the page's lists (programmes/lists.py)
    assert counts == {user.email: 2 for user in USERS}
