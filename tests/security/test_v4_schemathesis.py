"""ASVS V4 (API): schemathesis generates requests from /api/v1/openapi.json (valid ones and,
as a second pass, ones that break the schema) and sends them in-process (WSGI) with a
secretary's and an admin's token: no request may end in a server error. The examples are
bounded and derandomised (the same requests on every run, on both databases)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.web.support import bring_to

EXAMPLES_PER_OPERATION = 25
CALLERS = ("secretary", "admin")


def test_no_request_to_the_api_ends_in_a_server_error(app, world, token):
    bring_to(world, "approved")  # real rows behind some ids: the seed, approved, its deliveries
    headers = {who: token(world.users[who]) for who in CALLERS}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      derandomize=True, suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(case=operation.as_strategy(generation_mode=mode), who=st.sampled_from(CALLERS))
            def call(case, who: str) -> None:
                response = case.call(headers=headers[who])
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {case.method} {case.formatted_path} as {who}: "
                        f"query={case.query!r} body={str(case.body)[:300]!r}"
                    )

            call()

    assert failures == []
