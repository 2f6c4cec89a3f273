"""The merge template for ``chalice package``: everything the deployed platform needs that
Chalice does not make, generated from the code's own definitions.

``build_merge_template(stage, inventory)`` returns one CloudFormation fragment that
``chalice package --merge-template`` deep-merges into its SAM template: the tables
(from the PynamoDB models), a queue pair per agency (from ``agencies.json``), the SSM
parameters the code reads, one least-privilege role per function, the web app's bucket
and CloudFront distribution, the alarms and the ops dashboard. Nothing in it is written
per agency or per table by hand, so adding an agency or a model needs no change here.
"""

from __future__ import annotations

from typing import Any

from . import alarms, api, dashboard, data, functions, queues, web
from .inventory import Inventory
from .stage import StageConfig

DESCRIPTION = "Nagorik Sheba ({stage}): API, agency workers, data, web app and alarms"


def build_merge_template(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """The CloudFormation fragment to merge into Chalice's SAM template for ``stage``."""
    template: dict[str, Any] = {
        "Description": DESCRIPTION.format(stage=stage.name),
        "Parameters": stage.parameters(),
        "Conditions": stage.conditions(),
        "Resources": {},
        "Outputs": {},
    }
    for part in (data, queues, functions, api, web, alarms, dashboard):
        fragment = part.resources(stage, inventory)
        overlap = set(fragment["Resources"]) & set(template["Resources"])
        if overlap:
            raise ValueError(f"two parts of the template define {sorted(overlap)}")
        template["Resources"].update(fragment["Resources"])
        template["Outputs"].update(fragment.get("Outputs", {}))
    return template
