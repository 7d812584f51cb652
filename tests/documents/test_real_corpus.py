"""Real Party documents from public sources are read as a clerk reads them, field by field."""

import pytest

from tests.documents.real_corpus import REAL, documents, mismatches, words_retained

CORPUS = documents()


def test_the_real_corpus_is_there():
    assert CORPUS, f"no <slug>.expected.json with its document in {REAL}"


@pytest.mark.parametrize("source", [source for _, source in CORPUS], ids=[s for s, _ in CORPUS])
def test_real_document_fields(source):
    wrong = mismatches(source)
    assert not wrong, "\n".join(
        f"{name}: expected {e!r}, got {p!r}" for name, (e, p) in wrong.items()
    )


@pytest.mark.parametrize("source", [source for _, source in CORPUS], ids=[s for s, _ in CORPUS])
def test_real_document_keeps_its_words(source):
    found, total = words_retained(source)
    assert found >= 0.99 * total, f"{total - found} of {total} words lost"
