"""Demo regions and one demo account per role (password printed by ``tonghu demo``)."""


from tonghu.core.demo_loader import DEMO_PASSWORD, demo_step
from tonghu.core.models import Region

from .models import User
from tonghu.core.roles import Department, Role


@demo_step(10)
def regions(ctx):
    from tonghu.core.demo.regions import demo_region_rows
    from tonghu.core.services import regions_import
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["code", "name", "parent_code", "level", "kind", "urban_rural"])
    writer.writeheader()
    for row in demo_region_rows():
        writer.writerow({k: row.get(k, "") or "" for k in writer.fieldnames})
    report = regions_import(buf.getvalue(), actor="demo")
    if report.errors:
        raise RuntimeError("; ".join(str(e) for e in report.errors[:5]))
    ctx.say(f"    {report.created} regions")


@demo_step(20)
def users(ctx):
    from tonghu.core.demo.names import person_name
    from tonghu.core.demo.regions import demo_county_code, other_county_code

    county = Region.objects.get(code=demo_county_code())
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    villages = list(Region.objects.filter(level="village", code__startswith=county.prefix).order_by("code"))
    city, province = county.parent, county.parent.parent
    other = Region.objects.get(code=other_county_code())
    from django.contrib.auth.hashers import make_password

    hashed = make_password(DEMO_PASSWORD)  # hash once: ~130 accounts share the demo password

    def make(username, role, region, **extra):
        sex = ctx.rng.choice("MF")
        user = User(username=username, role=role, region=region, full_name=person_name(ctx.rng, "01", sex), is_demo=True, **extra)
        user.password = hashed
        user.save()
        ctx.accounts.append((username, str(Role(role).label), region.path_display()))
        return user

    # Every village has a child director, every township a supervisor (the workforce the later issues use);
    # only the first of each is printed.
    for index, village in enumerate(villages, start=1):
        user = User(username=f"zhuren{index:03d}", role=Role.CHILD_DIRECTOR, region=village,
                    full_name=person_name(ctx.rng, "01", ctx.rng.choice("MF")), unit=f"{village.name}村（居）民委员会", is_demo=True)
        user.password = hashed
        user.save()
        if index == 1:
            ctx.accounts.append((user.username, str(Role.CHILD_DIRECTOR.label), village.path_display()))
    for index, township in enumerate(townships, start=1):
        user = User(username=f"dudao{index:02d}", role=Role.SUPERVISOR, region=township,
                    full_name=person_name(ctx.rng, "01", ctx.rng.choice("MF")), unit=f"{township.name}人民政府", is_demo=True)
        user.password = hashed
        user.save()
        if index == 1:
            ctx.accounts.append((user.username, str(Role.SUPERVISOR.label), township.path_display()))
    make("jingban", Role.COUNTY_OFFICER, county, department=Department.CIVIL_AFFAIRS, unit=f"{county.name}民政局")
    make("fuze", Role.COUNTY_MANAGER, county, department=Department.CIVIL_AFFAIRS, unit=f"{county.name}民政局")
    make("shiji", Role.CITY_STAFF, city, department=Department.CIVIL_AFFAIRS, unit=f"{city.name}民政局")
    make("shengji", Role.PROVINCE_STAFF, province, department=Department.CIVIL_AFFAIRS, unit=f"{province.name}民政厅")
    make("jiaoshi", Role.REPORTER, county, department=Department.SCHOOL, unit=f"{county.name}第一小学")
    make("jingcha", Role.REPORTER, county, department=Department.PUBLIC_SECURITY, unit=f"{county.name}公安局")
    make("jiancha", Role.PROCURATOR, county, department=Department.PROCURATORATE, unit=f"{county.name}人民检察院")
    make("shenji", Role.AUDITOR, county, unit=f"{county.name}民政局")
    make("admin", Role.SYSADMIN, county, unit=f"{county.name}民政局")
    make("qita", Role.COUNTY_OFFICER, other, department=Department.CIVIL_AFFAIRS, unit=f"{other.name}民政局")
    ctx.data["county"] = county
