"""One photo, streamed from the media storage after a scope check: its thumbnail
(``?size=thumbnail``, until it is made the original stands in), the original shown in the
page, or the original as a download (``?download=1``). Outside the scope: 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from server.accounts.models import Role
from server.submissions.browse import attachment_open
from server.web.access import current_user, role_required
from server.web.photos import photo_for


@require_safe
@role_required(Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR, hidden_from=(Role.DESIGNER,))
def photo(request: HttpRequest, pk: int) -> FileResponse:
    attachment = photo_for(user=current_user(request), pk=pk)
    if attachment is None:
        raise Http404
    try:
        opened = attachment_open(attachment, thumbnail=request.GET.get("size") == "thumbnail")
    except (FileNotFoundError, OSError) as missing:
        raise Http404 from missing
    response = FileResponse(
        opened.file,
        as_attachment=request.GET.get("download") == "1",
        filename=opened.name,
        content_type=opened.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response
