"""Exchange pages: bundle (filled in by its module)."""

urlpatterns: list = []
