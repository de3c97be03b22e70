"""Run inside the fault tests' Gridbook environment (``python -m tests.faults.seed``): the
test world and the visit form, opened and published, made by the product's own services.
Prints bob's token URL key."""

from __future__ import annotations

import django


def main() -> None:
    django.setup()
    from server.accounts.collector_tokens import collector_token_issue
    from server.xforms.services import form_publish, form_set_state
    from tests.conftest import build_world
    from tests.openrosa.conftest import upload_visit_form

    world = build_world()
    version = upload_visit_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    print(collector_token_issue(user=world.bob))


if __name__ == "__main__":
    main()
