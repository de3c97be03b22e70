"""/api/v1/areas/: the area tree a person may see, with register figures rolled up from the
grids (``server.grids.selectors.area_figures``). Designers get the tree without figures
(they publish forms to areas and see no resident data)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.selectors import Scope, scope_for
from server.api.permissions import AreaTreeReaders
from server.grids.selectors import AreaFigures, area_figures


class AreaFiguresSerializer(serializers.Serializer):
    households = serializers.IntegerField()
    priority = serializers.IntegerField(help_text="Households visited every month.")
    flags = serializers.DictField(
        child=serializers.IntegerField(), help_text="Households per special-population flag."
    )


class AreaNodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    figures = AreaFiguresSerializer(allow_null=True)
    children = serializers.ListField(child=serializers.DictField(), help_text="Areas below.")


def area_node(node: AreaFigures, parent: str | None, scope: Scope) -> dict[str, Any]:
    figures = None
    if scope.sees_residents:
        figures = {
            "households": node.households,
            "priority": node.priority,
            "flags": dict(sorted(node.flags.items())),
        }
    return {
        "code": node.area.code,
        "name": node.area.name,
        "level": node.area.level,
        "parent_code": parent,
        "figures": figures,
        "children": [area_node(child, node.area.code, scope) for child in node.children],
    }


class AreaTreeView(APIView):
    """GET: the visible area tree (district → street → community → grid), each node with
    its household, priority and special-population counts. Three queries."""

    permission_classes = [AreaTreeReaders]

    @extend_schema(responses=AreaNodeSerializer(many=True))
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        tops = area_figures(scope=scope)
        return Response(
            [
                area_node(top, top.area.parent.code if top.area.parent else None, scope)
                for top in tops
            ]
        )
