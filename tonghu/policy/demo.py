"""The policy app's part of the demo: load the profiles (step 5), classify every demo child (step 40)."""

from tonghu.core.demo_loader import demo_step


@demo_step(5)
def load_profiles(ctx):
    from .services import policy_load

    report = policy_load()
    ctx.say(f"    认定规则方案 {len(report['profiles_created'])} 个，版本 {len(report['versions_created'])} 个")


@demo_step(40)
def classify_children(ctx):
    from tonghu.registry.models import Child

    from .childfacts import facts_queryset  # everything child_facts reads, prefetched
    from .models import ChildClassification
    from .services import classification_refresh_many

    qs = facts_queryset(Child.objects.filter(classification__isnull=True).order_by("pk"))
    n = classification_refresh_many(qs.iterator(chunk_size=500))
    left = ChildClassification.objects.filter(left_behind=True).count()
    diff = ChildClassification.objects.filter(in_difficulty=True).count()
    ctx.say(f"    已认定 {n} 名儿童：留守 {left}，困境 {diff}")
