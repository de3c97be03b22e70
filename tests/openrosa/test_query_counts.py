"""The hot paths cost a constant, small number of queries however much data there is
(the performance target: ≥110 submissions/s with a photo, shared/OPENROSA.md, issue 4)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.xforms.models import FormVersion
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo, visit_xml

# A new submission with a photo, once the phone is signed in: the sign-in throttle (cache),
# the collector with their Digest secret, then the submission and its attachment rows in one
# transaction (savepoint here, BEGIN/COMMIT in production). The version and permission and the
# grid are remembered per process; the instanceID is not looked up first (the unique
# constraint finds resubmissions). The background task's INSERT runs after the commit.
SUBMISSION_QUERIES = 6
SUBMISSION_QUERY_BUDGET = 14  # a resubmission: the failed insert, then the lookup and update


def queries_for_a_submission(phone: CollectClient, version: FormVersion) -> int:
    xml = visit_xml(version)
    with CaptureQueriesContext(connection) as queries:
        response = phone.request_submission(xml, [Part("1763859601123.jpg", photo())])
    assert response.status_code == 201
    return len(queries)


def test_a_submission_costs_the_same_queries_with_more_submissions_stored(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    bob_phone.head("submission")  # signed in: later requests authenticate preemptively
    queries_for_a_submission(bob_phone, visit_form)  # the phone's first sending is recorded
    first = queries_for_a_submission(bob_phone, visit_form)
    for _ in range(25):
        queries_for_a_submission(bob_phone, visit_form)
    later = queries_for_a_submission(bob_phone, visit_form)
    assert later == first == SUBMISSION_QUERIES


def test_a_resubmission_costs_no_more_than_a_submission(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    bob_phone.head("submission")
    xml = visit_xml(visit_form)
    parts = [Part("1763859601123.jpg", photo())]
    bob_phone.request_submission(xml, parts)
    with CaptureQueriesContext(connection) as queries:
        assert bob_phone.request_submission(xml, parts).status_code == 201
    assert len(queries) <= SUBMISSION_QUERY_BUDGET


def test_head_submission_costs_two_queries(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    bob_phone.head("submission")
    with CaptureQueriesContext(connection) as queries:
        assert bob_phone.head("submission").status_code == 204
    assert len(queries) == 2  # the sign-in throttle (cache) and the user with their secret
