"""``full_name_expression``: what ``User.get_full_name`` gives, read by the database (the
worklist's wali on each row, the wali filter's options)."""

import pytest

from sinergi.accounts.models import User, full_name_expression
from sinergi.inmates.models import Inmate
from tests.factories import FacilityFactory
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("full_name", "first_name", "last_name", "expected"),
    [
        ("Baiq Nurul Hidayah", "Baiq", "Nurul", "Baiq Nurul Hidayah"),
        ("", "Lalu", "Muhammad", "Lalu Muhammad"),
        ("", "Ahmad", "", "Ahmad"),
        ("", "", "Saputra", "Saputra"),
        ("", "", "", "wali.tanpa.nama"),
    ],
)
def test_the_database_gives_the_name_the_model_gives(full_name, first_name, last_name, expected):
    user = User.objects.create_user(
        username="wali.tanpa.nama",
        password="x",
        full_name=full_name,
        first_name=first_name,
        last_name=last_name,
    )
    assert user.get_full_name() == expected
    read = User.objects.filter(pk=user.pk).values_list(full_name_expression(), flat=True)
    assert list(read) == [expected]
    # through a relation: the wali a person's row names
    person = make_inmate(facility=FacilityFactory())
    Inmate.objects.filter(pk=person.pk).update(wali=user)
    through = Inmate.objects.filter(pk=person.pk).values_list(
        full_name_expression("wali__"), flat=True
    )
    assert list(through) == [expected]
