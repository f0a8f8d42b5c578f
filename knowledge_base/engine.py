"""The knowledge base: entries + BM25 indexes + service directory -> one SearchResult per question."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from knowledge_base import replies
from knowledge_base.cues import CueMatcher
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.governance import footer, servable
from knowledge_base.index import FloatArray, GroupMax, IntArray, LangIndex, Match
from knowledge_base.loading import CONFIG_FILE, load_config, load_topics, read_entries, read_yaml_file
from knowledge_base.mixed import ask_part, segments
from knowledge_base.model import LANGS, Entry, KBConfig, TopicName
from knowledge_base.result import SearchResult
from knowledge_base.scope import RefusalReason, asks_for_services, refusal_reason
from knowledge_base.scope_model import ScopeModel, ScopeScores, load_scope, size
from knowledge_base.semantic import SemanticIndex, load_encoder, load_glosser, relative
from knowledge_base.services import Directory, services_answer
from knowledge_base.text import chinese_ready, detect_lang, normalise, tokenize, warm_up

SERVICES_FILE = CONFIG_FILE.parent / "services.yaml"
SERVICE_TOPIC = "service_info"
SPECIAL_AUDIENCE_PRIOR = 0.85  # entry-choice tie-breaker only (see _best_entry); topics are unaffected
MAX_QUESTION_CHARS = 1000  # a longer message is a story, not a question: its start carries the ask
SOCIAL_KNOWN = 0.5  # see scope_model: "asdf qwer" (0 of 3 known) is not social, "ok cool" (3 of 3) is
SOCIAL_MAX_SIZE = 24  # scope_model.size (Han characters + 2 per English word): longer is never just "hi"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Features:
    """What the confidence is computed from (all 0..1 but strength).

    coverage: share of the question's weight (IDF) found in the best entry's title and paraphrases;
    known: share found anywhere in the knowledge base (a question about passwords is mostly unknown
    words); margin: lead of the best topic over the runner-up; strength: best BM25 score per unit of
    question weight; cue: the best topic's cue word appears in the question; semantic: cosine of the
    question with the best topic's closest paraphrase in static MiniLM space (0 while not loaded).
    """

    coverage: float
    known: float
    margin: float
    strength: float
    cue: float
    semantic: float = 0.0

    def vector(self) -> tuple[float, ...]:
        return (self.coverage, self.known, self.margin, self.strength, self.cue, self.semantic)


@dataclass(frozen=True)
class Ranking:
    """How the topics rank for one question, the best entry of the best topic, and the confidence.

    scores: the final score of every topic (topics.yaml order); entry_scores: every entry's score.
    """

    lang: str
    topics: tuple[str, ...]
    best_entry: int
    features: Features
    confidence: float
    scores: FloatArray | None = None
    entry_scores: FloatArray | None = None


@dataclass(frozen=True)
class Scores:
    """One piece of text scored against every topic and entry (see KnowledgeBase._scores)."""

    match: Match
    top: float
    cues: FloatArray
    final: FloatArray
    entries: FloatArray
    semantic: FloatArray
    with_semantic: bool
    bm25: FloatArray  # normalised BM25 per topic, before cues and semantic are mixed in
    semantic_relative: FloatArray

    def parts(self) -> FloatArray:
        """The mix's three parts per topic (rows): BM25, cue bonus, relative semantic."""
        return np.stack([self.bm25, self.cues, self.semantic_relative], axis=1)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


class KnowledgeBase:
    """Answers questions from reviewed entries; pure after construction."""

    def __init__(self, entries: Sequence[Entry], topics: dict[str, TopicName], config: KBConfig,
                 directory: Directory, background: bool = True, demo: bool | None = None):
        # demo: the deployment's mode (HOTLINE_DEMO, passed by the bot); None reads kb.yaml's switch.
        self.demo = config.governance.demo if demo is None else demo
        served = servable(entries, self.demo)
        self._served = frozenset(e.id for e in served)
        # Nothing published yet outside demo mode: every entry is still indexed, so service
        # questions, social turns and refusals work as usual, but no entry text is ever served
        # (the resident is told there is no reviewed answer yet and offered a counselor).
        entries = served or list(entries)
        if not entries:
            raise KnowledgeBaseError("no knowledge-base entries found")
        if not served:
            log.warning("no published entries: answers are withheld until `hotline kb review --record` "
                        "publishes some (HOTLINE_DEMO=true serves drafts, marked as such)")
        self.entries = tuple(entries)
        # Topics a "closest topic" button may offer: one with a served entry, or the directory's.
        self._offered = frozenset({e.topic for e in served} | {SERVICE_TOPIC})
        self.topics = topics
        self.config = config
        self.directory = directory
        self._by_id = {e.id: e for e in self.entries}
        self._topic_of = np.asarray([list(topics).index(e.topic) if e.topic in topics else -1
                                     for e in self.entries])
        self._topic_ids = tuple(topics)
        self._entry_prior = np.asarray([1.0 if "general" in e.audience else SPECIAL_AUDIENCE_PRIOR
                                        for e in self.entries])
        self._topic_max = GroupMax(self._topic_of, len(self._topic_ids))
        self._members = [np.flatnonzero(self._topic_of == t) for t in range(len(self._topic_ids))]
        self._cues = CueMatcher(topics, config.weights.group_cue)
        # Small (a few hundred kB), loaded here: it decides what is a question for us at all.
        self._scope: ScopeModel | None = load_scope() if config.scope.enabled else None
        self._index = {lang: LangIndex(self.entries, lang, config.weights, config.k1, config.b,
                                       {t: n.name(lang) for t, n in topics.items()})
                       for lang in LANGS}
        # Beside the server, one after the other in one thread (both are Python work and would
        # share one interpreter lock): jieba's dictionary, needed by Chinese questions (and by the
        # entries when their tokens are not in var/kb/, knowledge_base/tokcache.py: then the build
        # above has loaded it already), then the semantic index (word vectors, CC-CEDICT, entry
        # vectors); until it is ready, questions are answered lexically.
        self._semantic: SemanticIndex | None = None
        self._semantic_done = threading.Event()
        if background:
            threading.Thread(target=self._load_rest, name="kb-background", daemon=True).start()
        else:
            self._load_rest()

    def _load_rest(self) -> None:
        try:
            warm_up()
        except Exception:  # a Chinese question retries the load; the semantic index still comes
            log.exception("jieba's dictionary not loaded in the background")
        if self.config.semantic.enabled:
            self._build_semantic()
        else:
            self._semantic_done.set()

    def _build_semantic(self) -> None:
        try:
            encoder = load_encoder()
            if encoder is None:
                return
            units: dict[str, list[str]] = {lang: [] for lang in LANGS}
            owners: dict[str, list[int]] = {lang: [] for lang in LANGS}
            for i, e in enumerate(self.entries):
                for lang in LANGS:
                    v = e.version(lang)
                    units[lang].extend([v.title, *v.questions])
                    owners[lang].extend([i] * (1 + len(v.questions)))
            self._semantic = SemanticIndex(encoder, load_glosser(), units, owners,
                                           [int(t) for t in self._topic_of], len(self._topic_ids))
        except Exception:  # a broken vector file must never take the lexical service down
            log.exception("semantic index not built: knowledge-base retrieval stays lexical")
        finally:
            self._semantic_done.set()

    def wait_semantic(self, timeout: float | None = None) -> bool:
        """Block until the semantic index is built (or given up); True when it is in use."""
        self._semantic_done.wait(timeout)
        return self._semantic is not None

    @property
    def chinese_ready(self) -> bool:
        """Whether a Chinese question is answered at once (jieba's dictionary is loaded)."""
        return chinese_ready()

    # -- ranking ---------------------------------------------------------------------------------
    def rank(self, question: str, lang: str) -> Ranking:
        """Score topics for a question in `lang`; confidence from the calibrated features.

        A long question's asked part (mixed.ask_part) is scored again and added with weight
        `ask_weight` + `ask_sure_weight` x its own confidence: the story may dwell on work while
        the ask is about sleep.
        """
        sc = self._scores(question, lang)
        final = sc.final
        ask = ask_part(question, lang)
        if ask is not None and self.config.ask_weight > 0:
            extra = self._scores(ask, lang)
            if float(extra.final.max()) > 0:
                weight = self.config.ask_weight
                if self.config.ask_sure_weight > 0:
                    weight += self.config.ask_sure_weight * self._judge(extra, extra.final, lang)[2]
                final = final / max(float(final.max()), 1e-9) \
                    + weight * extra.final / float(extra.final.max())
        order, f, conf = self._judge(sc, final, lang)
        best_entry = self._best_entry(sc.entries, int(order[0]), prior=True)
        return Ranking(lang, tuple(self._topic_ids[i] for i in order), best_entry, f, conf,
                       final, sc.entries)

    def _judge(self, sc: Scores, final: FloatArray, lang: str) -> tuple[IntArray, Features, float]:
        """Topic order, the features of the best topic and the calibrated confidence."""
        index = self._index[lang]
        order = np.argsort(-final, kind="stable")
        matched = self._best_entry(sc.entries, int(order[0]), prior=False)
        s1, s2 = float(final[order[0]]), float(final[order[1]])
        m = sc.match
        f = Features(coverage=index.coverage(m, matched), known=index.known(m),
                     margin=(s1 - s2) / s1 if s1 > 0 else 0.0,
                     strength=sc.top / m.query_mass if m.query_mass > 0 else 0.0,
                     cue=float(sc.cues[order[0]] > 0), semantic=float(sc.semantic[order[0]]))
        # Nothing of the question in the entry's title or paraphrases and no topic cue: a match on
        # answer text alone is too weak to answer from, whatever the margin says.
        grounded = m.query_mass > 0 and sc.top > 0 and (f.coverage > 0 or f.cue > 0)
        return order, f, self._calibrated(f, sc.with_semantic) if grounded else 0.0

    def _scores(self, question: str, lang: str) -> Scores:
        """BM25 topic and entry scores, topic cues and (once loaded) the semantic signal."""
        m = self._index[lang].match(tokenize(question, lang))
        topic_best = self._topic_max(m.scores)
        topic_best += self.config.weights.topic * m.topic_scores
        top = float(topic_best.max())
        if top > 0:
            topic_best /= top
        cues = np.asarray(self._cues.bonus(question, lang), dtype=np.float64)
        entry_scores = m.scores
        sem_topics = np.zeros(len(self._topic_ids))
        sem_relative = sem_topics
        sem = self._semantic
        st = self.config.semantic
        if sem is not None:
            sem_entries = sem.entry_scores(question, lang)
            sem_topics = sem.topic_scores(sem_entries)
            sem_relative = relative(sem_topics)
            top_entry = float(m.scores.max())
            entry_scores = (m.scores / top_entry if top_entry > 0 else m.scores) \
                + st.entry_weight * relative(sem_entries)
        # The topic score is a linear mix of three parts; knowledge_base/mixfit.py fits the weights.
        final = topic_best + self.config.weights.cue * cues + st.topic_weight * sem_relative
        return Scores(m, top, cues, final, entry_scores, sem_topics, sem is not None, topic_best,
                      sem_relative)

    def topic_parts(self, question: str, lang: str) -> tuple[FloatArray, FloatArray | None]:
        """Per topic: normalised BM25, cue bonus, relative semantic similarity (rows in topics.yaml
        order), for the whole question and for its asked part (None when short): what the mix of
        config weights.cue and semantic.topic_weight is fitted on (knowledge_base/mixfit.py)."""
        ask = ask_part(question, lang)
        return self._scores(question, lang).parts(), (self._scores(ask, lang).parts() if ask else None)

    def also(self, question: str, lang: str, r: Ranking) -> tuple[str, int] | None:
        """A second worry in a long question: (topic, entry index), or None.

        Each stretch of the question (mixed.segments) is ranked on its own; a stretch that would be
        answered, confidently, from another topic than the main answer names a candidate; the most
        confident candidate wins. Its entry is the one the whole question scores best in that topic.
        """
        parts = segments(question, lang)
        if len(parts) < 2 or r.entry_scores is None:
            return None
        best: tuple[float, str] | None = None
        for part in parts:
            seg = self.rank(part, lang)
            t = seg.topics[0]
            if t in (r.topics[0], SERVICE_TOPIC) or seg.confidence < self.config.also_floor:
                continue
            if best is None or seg.confidence > best[0]:
                best = (seg.confidence, t)
        if best is None:
            return None
        return best[1], self._best_entry(r.entry_scores, self._topic_ids.index(best[1]), prior=True)

    def _best_entry(self, scores: FloatArray, topic: int, prior: bool) -> int:
        """The best entry of a topic; an entry for everyone beats one for a special group on a near tie.

        A general question ("work stress and poor sleep") should get the general entry, not the one
        written for workers with a disability, unless the group's words tip the score.
        """
        members = self._members[topic]  # entry indices in order: argmax keeps the first of equals
        if members.size == 0:
            return int(np.argmax(scores))
        ranked = scores[members] * (self._entry_prior[members] if prior else 1.0)
        return int(members[int(np.argmax(ranked))])

    def _calibrated(self, f: Features, semantic: bool) -> float:
        c = self.config.calibration
        if not semantic and self.config.lexical_calibration is not None:
            c = self.config.lexical_calibration
        z = c.bias + sum(w * x for w, x in zip(c.weights(), f.vector(), strict=True))
        return _sigmoid(z)

    def _named(self, topic_ids: Sequence[str], lang: str, k: int | None = None
               ) -> tuple[tuple[str, str], ...]:
        n = k or self.config.alternatives
        offered = [t for t in topic_ids if t in self._offered]
        return tuple((t, self.topics[t].name(lang)) for t in offered[:n])

    # -- answers ---------------------------------------------------------------------------------
    def search(self, question: str, lang: str | None = None, now: datetime | None = None) -> SearchResult:
        """Answer, fall back, refuse or point to services; the reply is in the asker's language.

        `lang` is a hint used only when the text itself shows no language; `now` (aware, or naive
        local time) lets service answers say what is open; without it hours are not checked.
        """
        text = normalise(question)[:MAX_QUESTION_CHARS]
        qlang = detect_lang(text, lang if lang in LANGS else "zh")
        if not text:
            return self._fallback(qlang, None, 0.0, ("seeking_help", SERVICE_TOPIC, "relaxation",
                                                     *self._topic_ids))
        r = self.rank(text, qlang)
        reason = refusal_reason(text)
        if reason is not None and (reason != "out_of_scope" or r.confidence < self.config.refusal_floor):
            return self._refusal(reason, qlang, r)
        scope = self._scope.predict(text) if self._scope is not None else None
        turned = self._out_of_scope(text, qlang, r, scope) if scope is not None else None
        if turned is not None:
            return turned
        sure = r.confidence >= self.config.answer_threshold or (
            scope is not None and scope.in_share >= self.config.scope.sure_share
            and r.confidence >= self.config.scope.sure_confidence)
        service_topic_near = SERVICE_TOPIC in r.topics[: self.config.alternatives]
        # The directory answers when retrieval says service_info, or when it is unsure and the words
        # ask for a station, hours or a number (a pattern alone must not overrule a confident topic).
        if (sure and r.topics[0] == SERVICE_TOPIC) or (not sure and asks_for_services(text)
                                                       and service_topic_near):
            return self._services(text, qlang, now, max(r.confidence, self.config.answer_threshold))
        if not sure:
            return self._fallback(qlang, r.topics[0], r.confidence, r.topics)
        if self.entries[r.best_entry].id not in self._served:
            return SearchResult("fallback", qlang, replies.UNREVIEWED[qlang], r.confidence,
                                best_topic=r.topics[0])
        second = self.also(text, qlang, r)
        other = self.entries[second[1]] if second is not None else None
        if other is not None and other.id not in self._served:
            other = None
        return self._entry_result(self.entries[r.best_entry], qlang, r.confidence, r.topics, other)

    def _out_of_scope(self, text: str, lang: str, r: Ranking, s: ScopeScores) -> SearchResult | None:
        """A social turn answered in kind, or a message the scope model says is not for us.

        Checked after the safety refusals (a goodbye with a plan is crisis, not social) and before
        retrieval's confidence: one shared word gives BM25 a confident-looking match ("good
        morning" -> sleep 0.80, 嗯 -> parenting_teen 0.80), the scope model reads the whole line.
        """
        st = self.config.scope
        if s.social >= st.social_floor and s.known >= SOCIAL_KNOWN and size(text) <= SOCIAL_MAX_SIZE:
            lines = [ln.number for ln in self.directory.lines[:2]]
            return SearchResult("social", lang, replies.social(text, lang, lines), s.social,
                                best_topic=r.topics[0])
        # A question about our stations, hours or lines is ours whatever else it mentions.
        if s.in_share < st.scope_floor and not asks_for_services(text):
            return self._refusal("out_of_scope", lang, r)
        return None

    def _refusal(self, reason: RefusalReason, lang: str, r: Ranking) -> SearchResult:
        lines = [ln.number for ln in self.directory.lines[:2]]
        return SearchResult("refusal", lang, replies.refusal(reason, lang, lines), r.confidence,
                            best_topic=r.topics[0], alternatives=self._named(r.topics, lang),
                            refusal_reason=reason)

    def answer(self, question: str, lang: str, now: datetime) -> SearchResult:
        """The bot's port (bot/conversation/ports.py KnowledgePort.answer)."""
        return self.search(question, lang, now)

    def topic_answer(self, topic: str, lang: str, now: datetime | None = None) -> SearchResult:
        """The lead entry of a topic (a pressed "closest topic" button); fallback for an unknown id."""
        lang = lang if lang in LANGS else "zh"
        if topic == SERVICE_TOPIC:
            return self._services("", lang, now, 1.0)
        first = next((e for e in self.entries if e.topic == topic and e.id in self._served), None)
        if first is None:
            return self._fallback(lang, None, 0.0, self._topic_ids)
        return self._entry_result(first, lang, 1.0, (topic,))

    def entry(self, entry_id: str) -> Entry | None:
        """A served entry by id, or None."""
        return self._by_id.get(entry_id) if entry_id in self._served else None

    def _entry_result(self, e: Entry, lang: str, conf: float, topics: Sequence[str],
                      other: Entry | None = None) -> SearchResult:
        """An entry's answer and where to seek help; the second worry named (`other`), then the
        governance footer."""
        v = e.version(lang)
        parts = [v.answer.strip(), v.seek_help.strip()]
        also = None
        if other is not None:
            also = (other.topic, other.id, other.version(lang).title)
            parts.append(replies.ALSO[lang].format(title=also[2]))
        note = footer(e, lang, self.demo)
        text = "\n\n".join(parts + ([note] if note else []))
        return SearchResult("answer", lang, text, conf, topic=e.topic, entry_id=e.id, title=v.title,
                            best_topic=e.topic, alternatives=self._named(topics, lang), also=also)

    def _services(self, text: str, lang: str, now: datetime | None, conf: float) -> SearchResult:
        body = services_answer(self.directory, text, lang, now)
        title = self.topics[SERVICE_TOPIC].name(lang) if SERVICE_TOPIC in self.topics else None
        return SearchResult("services", lang, body, conf, topic=SERVICE_TOPIC, title=title,
                            best_topic=SERVICE_TOPIC)

    def _fallback(self, lang: str, best: str | None, conf: float, topics: Sequence[str]) -> SearchResult:
        alts = self._named([t for t in topics if t in self.topics], lang)
        return SearchResult("fallback", lang, replies.not_sure(lang, alts), conf, best_topic=best,
                            alternatives=alts)


def load_directory(path: Path | None = None) -> Directory:
    """config/services.yaml as a Directory."""
    from pydantic import ValidationError

    p = path or SERVICES_FILE
    try:
        return Directory.model_validate(read_yaml_file(p))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise KnowledgeBaseError(f"{p}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def load_kb(entries_dir: Path | None = None, config: KBConfig | None = None,
            services: Path | None = None, topics: Path | None = None, strict: bool = True,
            demo: bool | None = None) -> KnowledgeBase:
    """Read entries, topics, kb.yaml and services.yaml and build the indexes (the only I/O).

    strict: a broken entry file stops the load (the default for serving); otherwise it is skipped.
    demo: serve unpublished entries (marked so); None follows kb.yaml's governance.demo.
    """
    loaded, problems = read_entries(entries_dir)
    if problems and strict:
        raise KnowledgeBaseError(f"{len(problems)} broken entries, first: {problems[0]}")
    return KnowledgeBase([x.entry for x in loaded], load_topics(topics), config or load_config(),
                         load_directory(services), demo=demo)
