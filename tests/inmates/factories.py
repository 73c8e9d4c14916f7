from __future__ import annotations

import datetime

import factory

from sinergi.inmates.calculation import recalculate
from sinergi.inmates.custody import follow_status
from sinergi.inmates.models import CustodyEpisode, Inmate, Sentence
from tests.factories import FacilityFactory

LONG_AGO = datetime.date(2000, 1, 1)


class InmateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inmate
        skip_postgeneration_save = True

    facility = factory.SubFactory(FacilityFactory)
    registration_number = factory.Sequence(lambda n: f"BI {n + 1000}/25")
    name = factory.Sequence(lambda n: f"Warga Binaan {n}")
    sex = "M"
    religion = "islam"

    @factory.post_generation
    def custody(obj: Inmate, create: bool, extracted: object, **kwargs: object) -> None:
        """The person's custody episodes, as the actions that admit and release keep them.
        Without an admission date, held since long before any period a test looks at.
        ``custody=False``: none (a record written around the actions)."""
        if not create or extracted is False:
            return
        follow_status([obj], strict=False)
        if obj.admission_date is None:
            CustodyEpisode.objects.filter(inmate=obj).update(started_on=LONG_AGO)


class SentenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sentence

    inmate = factory.SubFactory(InmateFactory)
    crime_category = "general"
    term_years = 3
    detention_start = datetime.date(2024, 1, 10)


def make_inmate(**kwargs: object) -> Inmate:
    """An inmate with a sentence and its computed dates."""
    sentence_fields = {
        k: kwargs.pop(k)
        for k in list(kwargs)
        if k
        in {
            "crime_category",
            "term_years",
            "term_months",
            "term_days",
            "term_kind",
            "detention_start",
            "remission_days",
        }
    }
    inmate = InmateFactory(**kwargs)
    SentenceFactory(inmate=inmate, **sentence_fields)
    recalculate([inmate.pk])
    inmate.refresh_from_db()
    return inmate


def sentence_form_data(sentence: Sentence, **changes: object) -> dict[str, object]:
    """What the sentence correction page posts for ``sentence``, with ``changes``."""
    from sinergi.inmates.forms import SentenceForm

    data = {
        f: getattr(sentence, f)
        for f in SentenceForm.Meta.fields
        if getattr(sentence, f) is not None
    }
    return {**data, **changes}
