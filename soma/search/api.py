from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from soma.kernel.api import SomaAPIView
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


MAX_QUERY_LENGTH = 500
DOCUMENTS = ["guide", "protocol", "ffa", "toolkit", "wg", "instruments"]


class SearchParamsSerializer(serializers.Serializer):
    """The query parameters of a search, with their bounds (declared in the schema as they are checked)."""

    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, help_text='Words, "quoted phrases", prefixes ending in *')
    document = serializers.ChoiceField(
        choices=DOCUMENTS, required=False,
        error_messages={"invalid_choice": f"Unknown document \"{{input}}\". Use one of: {', '.join(DOCUMENTS)}."})
    section = serializers.RegexField(r"^[IVXL]{1,5}$", max_length=5, required=False,
                                     help_text="Guide section, a Roman numeral: V")
    article = serializers.IntegerField(min_value=1, max_value=25, required=False,
                                       help_text="Protocol article number, 1 to 25")
    limit = serializers.IntegerField(min_value=1, max_value=services.MAX_LIMIT, default=20,
                                     help_text="At most this many hits (1 to 100, default 20)")


class SearchView(SomaAPIView):
    query_parameters = frozenset(SearchParamsSerializer().fields)

    @extend_schema(
        summary="Ranked full-text search of the catalog",
        parameters=[SearchParamsSerializer],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        fields = params.validated_data
        query = fields["q"].strip()
        if not query:
            raise ValidationError({"q": ["Give the words to search for in q."]})
        try:
            filters = services.Filters.clean(fields.get("document"), fields.get("section"), fields.get("article"))
        except services.SearchError as error:
            raise ValidationError({"detail": str(error)}) from None
        hits = services.search(request.user, query, filters=filters, limit=fields["limit"])
        return Response({"query": query, "count": len(hits), "results": [hit.as_dict() for hit in hits]})
