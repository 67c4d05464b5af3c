"""REST API of the catalog: items by stable id, their cross-references, and the version loaded."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from soma.catalog import selectors
from soma.kernel.api import SomaAPIView


class ItemSerializer(serializers.Serializer):
    id = serializers.CharField(source="key")
    kind = serializers.CharField()
    document = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField(source="display_title")
    text = serializers.CharField(source="display_text")
    attrs = serializers.DictField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named like an attribute of DRF's Field
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named like an attribute of DRF's Field
    children = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named like an attribute of DRF's Field

    def get_label(self, item) -> str:
        return selectors.label(item)

    def get_parent(self, item) -> str | None:
        tree = self.context["tree"]
        parent = tree.by_pk.get(item.parent_id)
        return parent.key if parent else None

    def get_children(self, item) -> list[str]:
        return [child.key for child in self.context["tree"].children(item.key)]

    def get_source(self, item) -> dict | None:
        if not item.source_file:
            return None
        return {"file": item.source_file, "lines": [item.source_start, item.source_end]}


class RelatedEntrySerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like an attribute of DRF's Field
    relation = serializers.CharField()


class RelatedSerializer(serializers.Serializer):
    id = serializers.CharField()
    articles = serializers.ListField(child=serializers.CharField())
    related = serializers.DictField(child=RelatedEntrySerializer(many=True))


def _tree():
    tree = selectors.tree()
    if tree is None:
        raise Http404("No catalog is loaded.")
    return tree


def _item(tree, key):
    item = tree.get(key)
    if item is None:
        raise Http404(f"No catalog item '{key}'.")
    return item


def related_data(tree, item) -> dict:
    graph = selectors.related(tree, item)
    data = {
        "id": item.key,
        "articles": [article.key for article in graph.articles],
        "related": {
            document: [
                {"id": other.key, "kind": other.kind, "label": selectors.label(other), "relation": relation}
                for other, relation in entries
            ]
            for document, entries in graph.groups.items()
        },
    }
    if item.kind == "protocol_article":
        data["related"]["guide_questions"] = [
            {"id": q.key, "kind": q.kind, "label": q.text, "relation": "requires"}
            for q in selectors.questions_for_article(tree, item)
        ]
    return data


class DocumentSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()


class CatalogSerializer(serializers.Serializer):
    version = serializers.CharField()
    title = serializers.CharField()
    documents = DocumentSerializer(many=True)


class CatalogView(SomaAPIView):
    @extend_schema(summary="The catalog version loaded and its documents", responses=CatalogSerializer)
    def get(self, request):
        tree = _tree()
        roots = [item for item in tree.all("document") if item.parent_id is None]
        return Response(
            {
                "version": tree.catalog.version,
                "title": tree.catalog.title,
                "documents": [{"id": root.key, "title": root.title} for root in roots],
            }
        )


class ItemView(SomaAPIView):
    @extend_schema(summary="One catalog item by stable id", responses=ItemSerializer)
    def get(self, request, key):
        tree = _tree()
        return Response(ItemSerializer(_item(tree, key), context={"tree": tree}).data)


class RelatedView(SomaAPIView):
    @extend_schema(
        summary="Everything cross-referenced with an item (Protocol articles are the hub)", responses=RelatedSerializer
    )
    def get(self, request, key):
        tree = _tree()
        return Response(related_data(tree, _item(tree, key)))
