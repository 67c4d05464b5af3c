from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.fixture
def seeds():
    if not (SEEDS / "assessment-guide.txt").exists():
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    return SEEDS
