from django.http import HttpRequest
from ninja import Router, Schema

from sinergi.core.api import api_user, errors
from sinergi.core.scoping import scope_of

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    type: str
    id: int
    code: str
    name: str
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    organisations: list[OrganisationOut]


@router.get("/me", response={200: MeOut, **errors(401)}, summary="Who am I")
def me(request: HttpRequest) -> MeOut:
    """The caller's username, roles and the organisations they hold them in."""
    user = api_user(request)
    organisations = [
        OrganisationOut(
            type=type(m.organisation)._meta.model_name or "",
            id=m.organisation.pk,
            code=m.organisation.code,
            name=m.organisation.name,
            role=m.role,
        )
        for m in user.active_memberships
        if m.organisation is not None
    ]
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        roles=sorted(scope_of(user).roles),
        organisations=organisations,
    )
