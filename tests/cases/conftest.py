import io

import pytest

from tests.builders import CaseWorld
from tests.helpers import pdf_upload


@pytest.fixture
def world(db):
    """A small office on a Monday (tests.builders.CaseWorld)."""
    return CaseWorld()


@pytest.fixture
def upload():
    return pdf_upload


@pytest.fixture
def bytes_io():
    return io.BytesIO
