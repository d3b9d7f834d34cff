"""FieldIs: a named question about a choice field, the same from code and templates."""

import pytest
from django.template import Context, Template

from common.predicates import FieldIs
from postal.models import DeliveryOrder, OrderStatus


class Parcel:
    is_held = FieldIs("status", OrderStatus.HELD)
    is_moving = FieldIs("status", OrderStatus.PICKED_UP, OrderStatus.IN_TRANSIT)

    def __init__(self, status):
        self.status = status


def test_it_answers_for_one_value_or_any_of_several():
    assert Parcel(OrderStatus.HELD).is_held and not Parcel(OrderStatus.PENDING).is_held
    assert Parcel(OrderStatus.IN_TRANSIT).is_moving and not Parcel(OrderStatus.DELIVERED).is_moving
    assert Parcel("held").is_held  # the value as the database returns it


def test_templates_read_it_like_an_attribute():
    rendered = Template("{% if parcel.is_held %}held{% else %}not held{% endif %}").render(
        Context({"parcel": Parcel(OrderStatus.HELD)})
    )
    assert rendered == "held"


def test_on_the_class_it_is_the_question_itself_and_it_cannot_be_asked_empty():
    assert isinstance(DeliveryOrder.is_held, FieldIs) and DeliveryOrder.is_held.field == "status"
    with pytest.raises(TypeError):
        FieldIs("status")
