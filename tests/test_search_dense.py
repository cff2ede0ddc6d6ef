"""The numpy query encoder is the same model as the sentence-transformers passage encoder."""

from __future__ import annotations

import pytest

from kartoteka.nlp.embed import MAX_TOKENS, encode_passages, model_dir, stage_available

pytestmark = pytest.mark.skipif(not stage_available(), reason="the embed extra is not installed")

TEXTS = [
    "Who replaced the people's commissar in the autumn?",
    "The widow was deported to a labour camp, where she spent eight years.",
    "A long passage " + "about the trial and the verdict, the appeal and the sentence, " * 20,
    "é",
]


def test_numpy_encoder_matches_sentence_transformers() -> None:
    import os

    import numpy as np

    from kartoteka.nlp.minilm import encoder

    path = model_dir()
    assert path is not None
    ours = encoder(path, MAX_TOKENS).encode(TEXTS)
    os.environ["KARTOTEKA_EMBED_FP32"] = "1"
    try:
        theirs = encode_passages(TEXTS)
    finally:
        del os.environ["KARTOTEKA_EMBED_FP32"]
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.abs(ours - theirs).max() < 1e-4
    # Different texts are different vectors (the test cannot pass on a constant encoder).
    assert float(ours[0] @ ours[1]) < 0.9


def test_bf16_passage_vectors_agree_with_fp32() -> None:
    import numpy as np

    from kartoteka.nlp.minilm import encoder

    path = model_dir()
    assert path is not None
    ours = encoder(path, MAX_TOKENS).encode(TEXTS)
    theirs = encode_passages(TEXTS)  # bf16 where the CPU has it
    assert float(np.min(np.sum(ours * theirs, axis=1))) > 0.99


def test_batches_encoded_side_by_side_come_back_in_input_order() -> None:
    import os

    import numpy as np

    # Enough texts of mixed lengths for several batches, so several threads share the work.
    texts = [f"Report number {n} on the {'long ' * (n % 17)}inquiry into the grain harvest." for n in range(75)]
    os.environ["KARTOTEKA_EMBED_FP32"] = "1"
    try:
        together = encode_passages(texts)
        alone = np.vstack([encode_passages([t]) for t in texts[::7]])
    finally:
        del os.environ["KARTOTEKA_EMBED_FP32"]
    assert together.shape == (75, 384)
    assert np.abs(together[::7] - alone).max() < 1e-4
    assert float(together[0] @ together[8]) < 0.95
