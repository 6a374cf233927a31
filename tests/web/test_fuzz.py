"""Property-based fuzzing of the running API with schemathesis: every operation, as an admin
(so that each request is authorised and reaches its code), against the real database, the
real Redis and channels on the sandbox. Two checks on every answer: it is not a server
error, and it conforms to the OpenAPI document. No answer may carry a credential.

``SIARAN_FUZZ_EXAMPLES`` sets the examples per operation: a few in ``make test``, many in
``make fuzz``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from orchestrator.cli.sample_image import FLAG_JPEG
from orchestrator.web.app import openapi_document
from tests.fixtures.web import Office, leaked, running_office

EXAMPLES = int(os.environ.get("SIARAN_FUZZ_EXAMPLES", "6"))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, redis_url, sandbox_server) -> Iterator[Office]:
    """A running API holding posts in every state, a stored image and a delivery or two."""
    # Schemathesis also sends wrong tokens on purpose: throttling them would turn most of
    # the run into 429s (the throttle has its own tests).
    with running_office(tmp_path_factory.mktemp("fuzz"), redis_url, sandbox_server.url,
                        SIARAN_WEB_AUTH_FAILURES="1000000/60") as running:
        for status in ("draft", "in_review", "approved", "rejected", "publishing"):
            running.post(status)
        running.api("ani").post("/api/v1/media",
                                files={"file": ("bendera.jpg", FLAG_JPEG, "image/jpeg")})
        yield running


#: The document built from the code; the app serves the same (test_openapi_is_served).
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error_or_an_answer_off_the_schema(case, fuzzed):
    # A fresh admin token per request: a fuzzed revocation may hit the one just used.
    token = fuzzed.token_for("adm")["token"]
    response = case.call(base_url=fuzzed.url, headers={"Authorization": f"Bearer {token}"})
    assert not leaked(response.content, fuzzed.secrets)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


def test_openapi_is_served(fuzzed):
    served = fuzzed.api().get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json() == openapi_document()
    assert served.json()["openapi"].startswith("3.1")
