"""Server time of the home page for a signed-in user, against a minimal Django view (the framework floor)."""

from bench.harness import emit, paired_figure, sample_pairs


def run(repeat: int = 300) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench.demo")
    client = Client()
    client.force_login(user)

    def home():
        assert client.get("/").status_code == 200

    def floor():
        assert client.get("/__bench_floor__").status_code == 200

    emit(paired_figure("home_page", sample_pairs(home, floor, repeat), "minimal Django view"))
