"""One photo, streamed from the media storage after a scope check: its thumbnail
(``?size=thumbnail``, until it is made the original stands in), the original shown in the
page, or the original as a download (``?download=1``). Outside the scope: 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from server.accounts.models import Role
from server.web.access import current_user, role_required
from server.web.photos import photo_for


@require_safe
@role_required(Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR, hidden_from=(Role.DESIGNER,))
def photo(request: HttpRequest, pk: int) -> FileResponse:
    attachment = photo_for(user=current_user(request), pk=pk)
    if attachment is None:
        raise Http404
    thumbnail = request.GET.get("size") == "thumbnail" and bool(attachment.thumbnail)
    download = request.GET.get("download") == "1"
    stored = attachment.thumbnail if thumbnail else attachment.file
    try:
        opened = stored.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404 from missing
    response = FileResponse(
        opened,
        as_attachment=download,
        filename=attachment.name,
        content_type="image/jpeg" if thumbnail else attachment.content_type or None,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response
