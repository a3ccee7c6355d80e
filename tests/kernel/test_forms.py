"""Page forms are read through the API's schemas (yinghuo.api.load_form): one set of rules."""
import pytest
from marshmallow import Schema, fields, validate

from yinghuo.api import Invalid, LocalDateTime, load_form


class SlotForm(Schema):
    place = fields.String(required=True, validate=validate.Length(1, 20))
    capacity = fields.Integer(load_default=6)
    starts_at = LocalDateTime(required=True)
    tags = fields.List(fields.String(), load_default=list)
    id = fields.Integer(dump_only=True)


def test_a_form_loads_through_the_schema_with_defaults_for_empty_fields(app, clock):
    with app.test_request_context("/", method="POST", data={
            "place": "302", "capacity": "", "starts_at": clock.local(days=2, hour=14), "tags": ["a", "", "b"],
            "id": "99", "unexpected": "x"}):
        data = load_form(SlotForm())
    assert data["place"] == "302" and data["capacity"] == 6 and data["tags"] == ["a", "b"] and "id" not in data
    assert data["starts_at"] == clock.at(days=2, hour=14)          # no zone in the form: China time


def test_a_bad_form_value_is_refused_naming_the_field(app):
    with app.test_request_context("/", method="POST", data={"place": "", "capacity": "many", "starts_at": "soon"}):
        with pytest.raises(Invalid) as refused:
            load_form(SlotForm())
    assert set(refused.value.fields) == {"place", "capacity", "starts_at"}


def test_a_reason_with_numbers_reads_in_chinese_with_its_field(app):
    """marshmallow's range and length reasons carry their numbers: read through the catalog."""
    from yinghuo.i18n import describe_fields
    with app.test_request_context("/"):
        assert describe_fields({"settings": {"audit_retention_days": [
            "Must be greater than or equal to 183 and less than or equal to 3650."]}}) == \
            "设置: 审计日志保留天数（不少于 183 天，即六个月）: 应在 183 到 3650 之间"
        assert describe_fields({"name": ["Longer than maximum length 40."]}) == "姓名: 不能超过 40 个字"
