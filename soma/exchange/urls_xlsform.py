"""Exchange pages: xlsform (filled in by its module)."""

urlpatterns: list = []
