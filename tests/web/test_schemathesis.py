"""The JSON API against its own OpenAPI schema (schemathesis): whatever the schema allows,
no request gets a server error. Bounded: a fixed number of generated cases per operation."""
import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the test extra")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from web.fixtures import corpus_db  # noqa: E402,F401

CASES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def api_schema(corpus_db):  # noqa: F811
    from annalist.web import create_app

    app = create_app(corpus_db)
    yield schemathesis.openapi.from_asgi("/api/openapi.json", app)
    app.state.reader.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=CASES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_request_the_schema_allows_gets_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
