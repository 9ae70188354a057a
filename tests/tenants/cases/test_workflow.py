"""The state machine's one table drives the API's actions and the pages' forms: nothing is listed twice."""

from tenants.cases import services
from tenants.cases.api import CaseViewSet
from tenants.cases.workflow import STEPS
from web.forms import case_step_form


def test_every_step_is_an_api_action_at_its_url():
    actions = {action.__name__: action for action in CaseViewSet.get_extra_actions()}
    assert set(actions) == set(STEPS)
    for name, step in STEPS.items():
        assert actions[name].url_path == step.url_path
        assert actions[name].mapping == {"post": name}


def test_every_step_names_a_service_and_builds_its_page_form():
    for name, step in STEPS.items():
        assert callable(getattr(services, step.service)), step.service
        form = case_step_form(step)
        assert form.prefix == name
        assert set(form.fields) == set(step.input().fields)
        assert not any(field.required for field in form.fields.values())  # the service says what is missing
