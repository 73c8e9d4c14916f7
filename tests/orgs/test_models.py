import pytest
from django.core.exceptions import ValidationError

from sinergi.orgs.models import Facility, TimeZoneName
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def test_facility_code_rejects_capitals_and_spaces():
    facility = FacilityFactory.build(code="Lapas Selong", region=FacilityFactory().region)
    with pytest.raises(ValidationError) as exc:
        facility.full_clean()
    assert "code" in exc.value.message_dict


def test_facility_edits_keep_their_history():
    facility = FacilityFactory(name="Lapas Lama")
    facility.name = "Lapas Baru"
    facility.save(update_fields=["name"])
    assert [h.name for h in facility.history.all()] == ["Lapas Baru", "Lapas Lama"]


def test_facility_time_zone_label_is_the_indonesian_abbreviation():
    facility = Facility(time_zone=TimeZoneName.WITA)
    assert facility.time_zone_label == "WITA"
