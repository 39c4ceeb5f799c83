"""Maker-checker for accounts that read children's data (issue 10 §10): the system administrator asks, a county
manager of the region (or staff of a level above) decides, the decision log is append-only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts import services
from tonghu.accounts.models import RoleDecision, RoleRequest, User
from tonghu.accounts.roles import Role
from tonghu.registry.models import Child

NEW_OFFICER = {"username": "new-officer", "full_name": "新经办人", "role": Role.COUNTY_OFFICER, "region": "451027000000",
               "department": "civil_affairs", "unit": "", "phone": "", "is_active": "on", "password": "Village-2026-ok"}


def _create_officer(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("user_create"), NEW_OFFICER, follow=True)
    assert response.status_code == 200
    assert "须经该区域的县级民政负责人或上级民政工作人员审批" in response.content.decode()
    return User.objects.get(username="new-officer")


@pytest.mark.django_db
def test_an_account_created_by_the_sysadmin_reads_nothing_until_approved(world, users, client):
    child = Child.objects.create(name="本村儿童", sex="M", birth_date="2014-02-02", village=world[IN_SCOPE_VILLAGE])
    officer = _create_officer(client, users[Role.SYSADMIN])
    assert officer.role == "" and officer.region_id == "451027000000"
    assert "待审批：县级民政经办人" in client.get(reverse("user_list")).content.decode()
    client.force_login(officer)
    assert client.get(reverse("child_list")).status_code == 403
    assert client.get(reverse("child_detail", kwargs={"pk": child.pk})).status_code == 404
    assert client.get(reverse("child-list")).status_code == 403

    req = RoleRequest.objects.get(user=officer)
    assert req.status == "pending" and req.requested_by == users[Role.SYSADMIN]
    client.force_login(users[Role.COUNTY_MANAGER])
    assert "new-officer" in client.get(reverse("approval_list")).content.decode()
    response = client.post(reverse("approval_decide", kwargs={"pk": req.pk}), {"decision": "approve", "reason": "新入职"}, follow=True)
    assert "已批准用户" in response.content.decode()
    officer.refresh_from_db()
    assert officer.role == Role.COUNTY_OFFICER
    decision = RoleDecision.objects.get(request=req)
    assert (decision.decision, decision.decided_by, decision.reason) == ("approved", users[Role.COUNTY_MANAGER], "新入职")
    client.force_login(officer)
    assert client.get(reverse("child_detail", kwargs={"pk": child.pk})).status_code == 200


@pytest.mark.django_db
def test_the_sysadmin_cannot_approve_even_for_themselves(world, users, client):
    sysadmin = users[Role.SYSADMIN]
    client.force_login(sysadmin)
    data = {"username": sysadmin.username, "full_name": "管理员", "role": Role.COUNTY_OFFICER, "region": "451027000000",
            "department": "", "unit": "", "phone": "", "is_active": "on", "password": ""}
    assert client.post(reverse("user_edit", kwargs={"pk": sysadmin.pk}), data).status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSADMIN  # still no children's files
    req = RoleRequest.objects.get(user=sysadmin)
    assert client.get(reverse("approval_list")).status_code == 403
    assert client.post(reverse("approval_decide", kwargs={"pk": req.pk}), {"decision": "approve"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.role_decide(actor=sysadmin, request=req, approve=True)
    assert RoleRequest.objects.get(pk=req.pk).status == "pending" and not RoleDecision.objects.exists()


@pytest.mark.django_db
def test_nobody_approves_their_own_request_or_their_own_account(world, users, make_user):
    manager = users[Role.COUNTY_MANAGER]
    other = make_user(Role.CHILD_DIRECTOR, IN_SCOPE_VILLAGE)
    own_request = RoleRequest.objects.create(user=other, role=Role.CHILD_DIRECTOR, region_id="451027001201", requested_by=manager)
    own_account = RoleRequest.objects.create(user=manager, role=Role.COUNTY_MANAGER, region_id="451027000000", requested_by=users[Role.SYSADMIN])
    for req in (own_request, own_account):
        with pytest.raises(PermissionDenied, match="不能审批自己"):
            services.role_decide(actor=manager, request=req, approve=True)


@pytest.mark.django_db
def test_only_approvers_of_that_region_or_above_decide(world, users, make_user, client):
    foreign_manager = make_user(Role.COUNTY_MANAGER, "533401000000")
    req = RoleRequest.objects.create(user=make_user(Role.SUPERVISOR, "451027001000"), role=Role.COUNTY_OFFICER, region_id="451027000000",
                                     requested_by=users[Role.SYSADMIN])
    client.force_login(foreign_manager)
    assert client.post(reverse("approval_decide", kwargs={"pk": req.pk}), {"decision": "approve"}).status_code == 404
    with pytest.raises(PermissionDenied, match="不在您的辖区"):
        services.role_decide(actor=foreign_manager, request=req, approve=True)
    for role in (Role.COUNTY_OFFICER, Role.AUDITOR, Role.CHILD_DIRECTOR):
        with pytest.raises(PermissionDenied):
            services.role_decide(actor=users[role], request=req, approve=True)
    services.role_decide(actor=users[Role.CITY_STAFF], request=req, approve=False, reason="不是本局人员")
    req.refresh_from_db()
    assert req.status == "rejected" and req.user.role == Role.SUPERVISOR
    with pytest.raises(ValidationError, match="已处理"):
        services.role_decide(actor=users[Role.PROVINCE_STAFF], request=req, approve=True)


@pytest.mark.django_db
def test_roles_without_childrens_data_need_no_approval(world, users, client):
    client.force_login(users[Role.SYSADMIN])
    data = {**NEW_OFFICER, "username": "second-admin", "role": Role.SYSADMIN}
    assert client.post(reverse("user_create"), data).status_code == 302
    assert User.objects.get(username="second-admin").role == Role.SYSADMIN and not RoleRequest.objects.exists()
    assert {r for r in Role.values if services.role_needs_approval(r)} == set(Role.values) - {Role.SYSADMIN}


@pytest.mark.django_db
def test_the_decision_log_is_append_only(world, users):
    req = RoleRequest.objects.create(user=users[Role.CHILD_DIRECTOR], role=Role.CHILD_DIRECTOR, region_id="451027001201",
                                     requested_by=users[Role.SYSADMIN])
    services.role_decide(actor=users[Role.COUNTY_MANAGER], request=req, approve=True)
    decision = RoleDecision.objects.get()
    decision.reason = "改写"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    if connection.vendor == "postgresql":
        from django.db import DatabaseError

        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            RoleDecision.objects.filter(pk=decision.pk).update(reason="改写")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            RoleDecision.objects.filter(pk=decision.pk).delete()
    assert RoleDecision.objects.get().reason == ""
