"""The catalog as stored: versioned items in a tree, the links between them, and translations.

One generic item table rather than a table per kind of content: the catalog is read-only reference text
from documents of very different shapes, and content packs (the Framework for Action's table texts, a
translation of the guide) must load without a code change or a migration. What differs between kinds
lives in `attrs`; the kinds and their attributes are fixed by soma/catalog/content/schema.json.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CatalogVersion(models.Model):
    version = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    digest = models.CharField(_("content digest"), max_length=64)
    is_current = models.BooleanField(_("current"), default=False)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_catalog_version"
            )
        ]

    def __str__(self):
        return self.version


class Pack(models.Model):
    """A file of content loaded into a catalog version: the built-in content or an administrator's pack."""

    class Kind(models.TextChoices):
        CONTENT = "content", _("content")
        TRANSLATION = "translation", _("translation")

    catalog = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="packs")
    pack_id = models.CharField(_("pack"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    digest = models.CharField(_("digest"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalog", "pack_id"], name="unique_pack_per_version")]

    def __str__(self):
        return f"{self.pack_id} ({self.catalog})"


class Item(models.Model):
    catalog = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="items")
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("stable id"), max_length=120)
    kind = models.CharField(_("kind"), max_length=40)
    document = models.CharField(_("document"), max_length=20)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.TextField(_("title"), blank=True)
    text = models.TextField(_("text"), blank=True)
    attrs = models.JSONField(default=dict, blank=True)
    source_file = models.CharField(max_length=80, blank=True)
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["catalog", "key"], name="unique_item_key_per_version")]
        indexes = [models.Index(fields=["catalog", "kind"]), models.Index(fields=["catalog", "document"])]

    def __str__(self):
        return self.key

    def translated(self, field: str) -> str:
        """The title or text in the active language when a translation pack provides it."""
        language = (get_language() or "en").split("-")[0]
        for translation in getattr(self, "_prefetched_translations", None) or self.translations.all():
            if translation.language == language and getattr(translation, field):
                return getattr(translation, field)
        return getattr(self, field)

    @property
    def display_title(self) -> str:
        return self.translated("title")

    @property
    def display_text(self) -> str:
        return self.translated("text")


class ItemTranslation(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="translations")
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    title = models.TextField(blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "language"], name="one_translation_per_language")]

    def __str__(self):
        return f"{self.item_id} [{self.language}]"


class Link(models.Model):
    """A typed edge of the cross-reference graph, e.g. a guide subsection requires a Protocol provision."""

    catalog = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="links")
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=40)
    basis = models.CharField(max_length=20, default="explicit")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "relation"], name="unique_link"),
        ]
        indexes = [models.Index(fields=["catalog", "relation"])]

    def __str__(self):
        return f"{self.source_id} {self.relation} {self.target_id}"
