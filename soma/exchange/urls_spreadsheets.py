"""Exchange pages: spreadsheets (filled in by its module)."""

urlpatterns: list = []
