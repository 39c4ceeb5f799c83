from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "tonghu.policy"
    label = "policy"
    verbose_name = _("认定规则")

    def ready(self):
        # Profiles come from the database (administrators' versions included), falling back to the YAML files.
        from tonghu.core.events import subscribe

        from . import engine, services, store

        engine.set_profile_provider(store.db_profiles)
        # A child's facts changed (tonghu.core.events): the classification first, the visit schedules read it.
        subscribe(services.classification_facts_changed, order=10, name="policy.classification")
