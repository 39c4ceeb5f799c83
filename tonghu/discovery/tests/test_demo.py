"""The demo county's rosters (issue 12, "Done when"): matched, possible and new children with reasons."""

import pytest

from tonghu.core.demo_loader import load_demo
from tonghu.discovery.models import Candidate, CandidateKind, Dataset


@pytest.mark.django_db
def test_the_demo_links_an_education_and_a_justice_roster():
    load_demo(scale=0.03)
    edu, prison = Dataset.objects.get(source="education"), Dataset.objects.get(source="prison")
    assert edu.summary["match"] >= 0.8 * (edu.rows - 8) and edu.summary["new"] >= 8
    assert 8 <= Candidate.objects.filter(dataset=edu, kind=CandidateKind.NEW_CHILD).count() <= 10  # the eight, at most two near misses
    assert Candidate.objects.filter(dataset=edu, kind=CandidateKind.DROPOUT).exists()
    parents = Candidate.objects.filter(dataset=prison, kind=CandidateKind.PARENT_RESTRICTED)
    assert parents.count() == 3 and all(c.child_id and c.reasons for c in parents)
