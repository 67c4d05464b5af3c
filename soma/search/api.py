from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from soma.search import services


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Text around the match; matched words are in <mark> elements.")
    score = serializers.FloatField()
    guide_subsection = serializers.CharField(allow_null=True)
    document = serializers.CharField()
    url = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    results = HitSerializer(many=True)


class SearchView(APIView):
    @extend_schema(
        summary="Ranked full-text search of the catalog",
        parameters=[
            OpenApiParameter("q", str, required=True, description='Words, "quoted phrases", prefixes ending in *'),
            OpenApiParameter("document", str, enum=["guide", "protocol", "ffa", "toolkit", "wg", "instruments"]),
            OpenApiParameter("section", str, description="Guide section, e.g. V"),
            OpenApiParameter("article", int, description="Protocol article number, 1 to 25"),
            OpenApiParameter("limit", int, description="At most this many hits (1 to 100, default 20)"),
        ],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        params = request.query_params
        query = params.get("q", "").strip()
        if not query:
            raise ValidationError({"q": "Give the words to search for in q."})
        try:
            filters = services.Filters.clean(params.get("document"), params.get("section"), params.get("article"))
            limit = int(params.get("limit", 20))
        except services.SearchError as error:
            raise ValidationError({"detail": str(error)}) from None
        except ValueError:
            raise ValidationError({"limit": "limit must be a whole number from 1 to 100."}) from None
        hits = services.search(request.user, query, filters=filters, limit=limit)
        return Response({"query": query, "count": len(hits), "results": [hit.as_dict() for hit in hits]})
