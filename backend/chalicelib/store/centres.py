"""The centre registry on DynamoDB: one item per centre, found by id or by area (Query).

Each centre is written with one PutItem, whole: never half a row. The two indexes carry
the area in their sort keys, so each filter the locator offers is one Query:

    district                      by-district-upazila, district_id = D
    district + upazila (+ type)   by-district-upazila, begins_with "U#" ("U#T#")
    district + type               by-district-type, begins_with "T#"
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import GetError, PutError, PynamoDBException

from ..domain.centres import Centre, CentrePage, CentreType
from ..domain.errors import ServiceUnavailable
from ..domain.messages import Text
from .cursors import decode_cursor, read_page
from .models import CentreModel


def to_model(centre: Centre) -> CentreModel:
    """The stored form of a centre, with its index keys."""
    return CentreModel(
        id=centre.id, type=centre.type.value, name_bn=centre.name.bn, name_en=centre.name.en,
        division_id=centre.division_id, district_id=centre.district_id,
        upazila_id=centre.upazila_id, union_id=centre.union_id,
        address_bn=centre.address.bn, address_en=centre.address.en,
        hours_bn=centre.hours.bn, hours_en=centre.hours.en, demo=int(centre.demo),
        upazila_key=f"{centre.upazila_id}#{centre.type.value}#{centre.id}",
        type_key=f"{centre.type.value}#{centre.upazila_id}#{centre.id}",
        updated_at=datetime.now(UTC).isoformat(),
    )


def to_centre(item: CentreModel) -> Centre:
    """The domain object of a stored centre."""
    return Centre(
        id=item.id, type=CentreType(item.type), name=Text(item.name_bn, item.name_en),
        division_id=item.division_id, district_id=item.district_id,
        upazila_id=item.upazila_id, union_id=item.union_id,
        address=Text(item.address_bn, item.address_en),
        hours=Text(item.hours_bn, item.hours_en), demo=bool(item.demo),
    )


class DynamoCentres:
    """``CentreStore`` on the centres table."""

    def put(self, centre: Centre) -> bool:
        """Write the centre whole; ``True`` if its id was new, ``False`` if it replaced one."""
        item = to_model(centre)
        try:
            item.save(condition=CentreModel.id.does_not_exist())
            return True
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise ServiceUnavailable("service_unavailable") from error
        try:
            item.save()
        except PynamoDBException as error:
            raise ServiceUnavailable("service_unavailable") from error
        return False

    def get(self, centre_id: str) -> Centre | None:
        """The centre with this id, or ``None``."""
        try:
            return to_centre(CentreModel.get(centre_id))
        except CentreModel.DoesNotExist:
            return None
        except GetError as error:
            raise ServiceUnavailable("service_unavailable") from error

    def in_area(self, district_id: str, *, upazila_id: str | None, type: CentreType | None,
                limit: int, cursor: str | None) -> CentrePage:
        """A district's centres (of one upazila, of one type), by one Query on an index."""
        start = decode_cursor(cursor)
        results: Any
        if upazila_id is None and type is not None:
            results = CentreModel.by_district_type.query(
                district_id, CentreModel.type_key.startswith(f"{type.value}#"),
                limit=limit, last_evaluated_key=start)
        else:
            prefix = None if upazila_id is None else (
                f"{upazila_id}#" + (f"{type.value}#" if type is not None else ""))
            results = CentreModel.by_district_upazila.query(
                district_id,
                CentreModel.upazila_key.startswith(prefix) if prefix else None,
                limit=limit, last_evaluated_key=start)
        items, next_cursor = read_page(results, to_centre)
        return CentrePage(items, next_cursor)
