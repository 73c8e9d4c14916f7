from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from sinergi.core.api import PageNumber, api_user, errors
from sinergi.orgs.models import Facility, FacilityKind, Partner, PartnerKind

router = Router(tags=["organisations"])


class FacilityOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    facility_class: str
    region: str
    regency: str
    time_zone: str

    @staticmethod
    def resolve_region(obj: Facility) -> str:
        return obj.region.code


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent: str | None
    regency: str

    @staticmethod
    def resolve_parent(obj: Partner) -> str | None:
        return obj.parent.code if obj.parent else None


@router.get(
    "/facilities",
    response={200: list[FacilityOut], **errors(401, 422)},
    summary="Facilities you can reach",
)
@paginate(PageNumber)
def list_facilities(
    request: HttpRequest, kind: FacilityKind | None = None, q: str = ""
) -> QuerySet[Facility]:
    facilities = Facility.objects.for_user(api_user(request)).select_related("region")
    if kind:
        facilities = facilities.filter(kind=kind)
    if q:
        facilities = facilities.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return facilities.order_by("name", "id")


@router.get(
    "/facilities/{code}",
    response={200: FacilityOut, **errors(401, 404, 422)},
    summary="One facility",
)
def get_facility(request: HttpRequest, code: str) -> Facility:
    return get_object_or_404(
        Facility.objects.for_user(api_user(request)).select_related("region"),
        code=code,
    )


@router.get(
    "/partners",
    response={200: list[PartnerOut], **errors(401, 422)},
    summary="Partner organisations",
)
@paginate(PageNumber)
def list_partners(
    request: HttpRequest, kind: PartnerKind | None = None, q: str = ""
) -> QuerySet[Partner]:
    partners = Partner.objects.for_user(api_user(request)).select_related("parent")
    if kind:
        partners = partners.filter(kind=kind)
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return partners.order_by("name", "id")
