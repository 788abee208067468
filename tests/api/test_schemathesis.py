"""Schemathesis against the live OpenAPI schema, through the Django WSGI app, signed in as a
caseworker: a bounded number of generated requests per operation, 0 server errors, 0 answers
that contradict the schema (status codes, content types, headers, bodies)."""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.services import case_open, followup_add, goal_add, note_add
from iom_cases.wsgi import application
from tests.assistance.factories import AssistanceFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import api_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests run inside the test's transaction: like Django's test client, stop the WSGI
    handler from closing the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caseworker_token(alice, partner_a, project):
    # A few records so that list, detail and filters have something to answer with.
    person = BeneficiaryFactory(organisation=partner_a)
    AssistanceFactory(beneficiary=person, project=project)
    # A case with its plan, a follow-up and a note.
    case = case_open(beneficiary=person, acting_user=alice, opened_on=datetime.date(2024, 3, 1))
    goal_add(case=case, acting_user=alice, title="Objectif", services=["medical"])
    followup_add(case=case, acting_user=alice, due_on=case.opened_on, action="Appeler")
    note_add(case=case, body="Note", acting_user=alice)
    return api_token(alice)


# The schema the running app serves, built in-process by the same generator as its view: the
# view is for signed-in users only, and no user exists when this module is collected. The
# generated requests then go through the Django WSGI app like any client's.
# Bounded: the fuzzing phase only (the coverage phase enumerates every boundary value of every
# field, minutes of requests), MAX_EXAMPLES generated requests per operation.
MAX_EXAMPLES = 10
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"max-examples": MAX_EXAMPLES}}
)
SERVED = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(SERVED, config=CONFIG)
schema.app = application


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, caseworker_token):
    case.call_and_validate(headers={"Authorization": f"Token {caseworker_token}"}, checks=CHECKS)
