"""Everyday use (issue 18 §4): policy pages say things in plain words; keys and citations stay behind 依据."""

from __future__ import annotations

import re

from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role
from tonghu.policy.tests.django_helpers import profiles  # noqa: F401


def _outside_details(page: str) -> str:
    main = page[page.index('<main'):page.index('</main>')]
    return re.sub(r"<details.*?</details>", "", main, flags=re.S)


def test_directors_do_not_get_the_rule_sets(world, users, client, profiles):
    client.force_login(users[Role.CHILD_DIRECTOR])
    assert client.get(reverse("policy_profile_list")).status_code == 403
    assert client.get(reverse("policy_profile_detail", kwargs={"key": "national"})).status_code == 404


def test_profile_page_shows_values_in_plain_words_and_keys_only_behind_the_disclosure(world, users, client, profiles):
    client.force_login(users[Role.COUNTY_OFFICER])
    listing = _outside_details(client.get(reverse("policy_profile_list")).content.decode())
    assert "national" not in re.sub(r'href="[^"]*"', "", listing), "profile keys are not shown"
    page = client.get(reverse("policy_profile_detail", kwargs={"key": "national"})).content.decode()
    visible = re.sub(r'(href|data-setting)="[^"]*"', "", _outside_details(page))
    assert "left_behind.age_limit" in page, "the key is still there for officers, behind 依据"
    for internal in ("left_behind.age_limit", "national@", "DOMAIN.md", "R-A1", "true", "false", '["'):
        assert internal not in visible, internal
    values = re.findall(r'data-testid="setting-value">(.*?)</td>', page, re.S)
    assert values and any(v.strip() in ("是", "否") for v in values), values


def test_director_file_page_keeps_rule_names_and_versions_out(world, users, client, profiles, make_child):
    from tonghu.policy.services import classification_refresh

    child = make_child(village=world[IN_SCOPE_VILLAGE], name="韦小宝")
    classification_refresh(child=child)
    client.force_login(users[Role.CHILD_DIRECTOR])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    section = page[page.index('data-testid="policy-section"'):]
    section = section[:section.index("</section>")]
    assert "@" not in re.sub(r"<details.*?</details>", "", section, flags=re.S), "profile@version only behind 依据 (R-A4)"
    assert "<code>" not in section, "no rule keys"
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("child_detail", kwargs={"pk": child.pk})).content.decode()
    assert "<code>" in page[page.index('data-testid="policy-section"'):], "officers still see the rule behind 依据"
