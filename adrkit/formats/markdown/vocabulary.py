"""The words people write in ADRs, in several languages, and what they mean to adrkit:
metadata keys (`Status`, `Statut`, `Estado`, `状态`, `Deciders`, `Datum`...), section
headings (`Context`, `Kontext`, `决策`...), status words (`Accepted`, `Superceded`,
`Depreciated`, `Akzeptiert`, `已接受`, `✅`...) and the words that introduce a
successor or another typed link (`Superseded by`, `Ersetzt durch`, `Remplacé par`,
`已被 ... 取代`).

Matching folds case and accents (`Décideurs` = `decideurs`) and ignores emphasis,
emoji and punctuation around the words. Words are kept as written everywhere else;
this module only says what they mean.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "field_of_key", "section_key", "status_word", "statuses_named", "SUCCESSOR_WORDS",
           "rel_of", "rel_label", "REL_WORDS", "CHANGELOG_HEADINGS"]


def fold(text: str) -> str:
    """Lower-case, accents removed, emphasis/code marks and outer punctuation dropped,
    spaces squashed: for matching words written in any language and style."""
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[*_`~]", "", text)
    text = " ".join(text.split())
    return text.strip(" :：.-–—|>")


# --- metadata keys ----------------------------------------------------------------------

_KEYS = {
    "status": ("status", "statut", "estado", "estatus", "stato", "zustand", "situacao", "stav", "state",
               "статус", "состояние",
               "decision status", "current status", "adr status", "status of the decision",
               "状态", "狀態", "状態", "ステータス", "상태"),
    "date": ("date", "datum", "fecha", "data", "date de la decision", "date of decision", "decision date",
             "decided on", "decided", "accepted on", "data decisione", "datum besluit", "дата",
             "日期", "日付", "날짜"),
    "created": ("created", "creation date", "created on", "created at", "date created", "creation",
                "erstellt", "erstellt am", "fecha de creacion", "date de creation", "data de criacao",
                "创建日期", "创建时间", "proposed on", "proposed date"),
    "updated": ("last updated", "last update", "last modified", "updated", "modified", "updated on",
                "last reviewed", "aktualisiert", "actualizado", "mis a jour", "atualizacao",
                "ultima atualizacao", "updated at", "modified at", "更新日期", "更新时间"),
    "decision-makers": ("deciders", "decision-makers", "decision makers", "decision-maker", "decision maker",
                        "decided by", "decideurs", "decisores", "entscheider", "entscheidungstrager",
                        "决策者", "决策人", "approvers", "approved by", "decisori", "beslissers", "участники"),
    "authors": ("author", "authors", "author(s)", "autor", "autoren", "auteur", "auteurs", "autores",
                "作者", "written by", "proposed by"),
    "consulted": ("consulted", "consultes", "consultados", "konsultiert"),
    "informed": ("informed", "informes", "informados", "informiert"),
    "tags": ("tags", "tag", "categories", "category", "labels", "keywords", "schlagworter", "etiquetas",
             "etiquettes", "标签"),
    "title": ("title", "titre", "titel", "titulo", "标题"),
    "supersedes": ("supersedes", "supercedes", "replaces", "ersetzt", "remplace", "reemplaza",
                   "substitui"),
    "superseded-by": ("superseded by", "superceded by", "replaced by", "ersetzt durch", "remplace par",
                      "reemplazado por", "substituido por"),
}
def _key_words(key: str) -> str:
    inner = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", str(key).strip())  # emphasis around the key
    return " ".join(fold(re.sub(r"[_-]+", " ", inner)).split())


_KEY_OF = {_key_words(word): field for field, words in _KEYS.items() for word in words}


def field_of_key(key: str) -> str | None:
    """The field a metadata key names ('Status' -> 'status', 'Décideurs' ->
    'decision-makers', 'Last Modified' and 'updated_at' -> 'updated'), or None."""
    return _KEY_OF.get(_key_words(key))


# --- section headings -----------------------------------------------------------------------

_SECTIONS = {
    "context": ("context and problem statement", "context", "contexte", "contexte et problematique",
                "problem statement", "kontext", "contexto", "contexto y problema", "背景", "上下文",
                "context and problem", "background"),
    "drivers": ("decision drivers", "drivers", "facteurs de decision", "entscheidungskriterien"),
    "options": ("considered options", "options considerees", "options", "optionen", "opciones consideradas",
                "opcoes consideradas"),
    "outcome": ("decision outcome", "resultat de la decision", "ergebnis der entscheidung",
                "resultado de la decision"),
    "decision": ("decision", "entscheidung", "decision prise", "decisao", "决策", "决定"),
    "consequences": ("consequences", "konsequenzen", "consecuencias", "consequencias", "后果", "结果"),
    "confirmation": ("confirmation",),
    "pros-and-cons": ("pros and cons of the options", "avantages et inconvenients des options"),
    "more-information": ("more information", "informations complementaires", "weitere informationen"),
    "links": ("links", "liens", "enlaces", "related", "related decisions", "related adrs", "references",
              "links to other adrs"),
    "status": tuple(_KEYS["status"]),
}
_SECTION_OF = {fold(word): key for key, words in _SECTIONS.items() for word in words}
CHANGELOG_HEADINGS = ("changelog", "change log", "history", "revision history", "changes", "historie",
                      "historique", "historial", "变更记录", "修订记录")


def section_key(heading: str | None) -> str | None:
    """The MADR section a heading names ('Context and Problem Statement' ->
    'context', '## Statut' -> 'status'), or None."""
    if not heading:
        return None
    text = re.sub(r"<!--.*?-->", "", heading, flags=re.S)
    return _SECTION_OF.get(fold(text))


# --- status words --------------------------------------------------------------------------

_STATUS_WORDS = {
    "draft": ("draft", "drafting", "wip", "work in progress", "in progress", "in arbeit", "in bearbeitung",
              "entwurf", "brouillon", "borrador", "rascunho", "bozza", "concept", "черновик",
              "草稿", "草案", "起草", "下書き", "초안"),
    "proposed": ("proposed", "proposal", "pending", "in review", "under review", "under consideration",
                 "in discussion", "open", "suggested", "review", "rfc", "request for comments",
                 "incomplete", "on hold", "deferred", "provisional", "postponed", "new", "todo",
                 "vorgeschlagen", "vorschlag", "propose", "proposee", "en cours", "en revision",
                 "propuesto", "propuesta", "en revision", "proposto", "proposta", "em revisao",
                 "proposto", "in revisione", "voorgesteld", "предложено", "предложен", "на рассмотрении",
                 "提议", "已提议", "提案", "建议", "待定", "审核中", "讨论中", "検討中", "제안", "제안됨", "검토중"),
    "accepted": ("accepted", "approved", "agreed", "adopted", "decided", "done", "implemented",
                 "implementable", "active", "complete", "completed", "final", "merged", "amended",
                 "in effect", "current", "valid", "ratified", "enacted",
                 "akzeptiert", "angenommen", "genehmigt", "umgesetzt", "beschlossen", "entschieden",
                 "accepte", "acceptee", "valide", "validee", "adopte", "approuve",
                 "merge", "mergee", "fusionne", "fusionnee",  # French 'mergé': merged, so accepted
                 "aceptado", "aceptada", "aprobado", "aprobada", "aceito", "aceita", "aprovado", "aprovada",
                 "accettato", "accettata", "approvato", "approvata", "geaccepteerd", "goedgekeurd",
                 "принято", "принят", "утверждено", "утвержден",
                 "已接受", "接受", "通过", "已通过", "完成", "已完成", "采纳", "已采纳", "批准", "已批准",
                 "承認", "承認済み", "採用", "승인", "승인됨", "채택"),
    "rejected": ("rejected", "declined", "refused", "abandoned", "withdrawn", "wont do", "won't do",
                 "wontfix", "not accepted", "dismissed", "cancelled", "canceled",
                 "abgelehnt", "verworfen", "zuruckgezogen", "rejete", "rejetee", "refuse", "refusee",
                 "abandonne", "rechazado", "rechazada", "descartado", "rejeitado", "rejeitada",
                 "rifiutato", "rifiutata", "respinto", "afgewezen", "verworpen", "отклонено", "отклонен",
                 "已拒绝", "拒绝", "驳回", "已驳回", "放弃", "却下", "거부", "거부됨", "반려"),
    "deprecated": ("deprecated", "depreciated", "depricated", "deprected", "obsolete", "retired", "reverted",
                   "sunset", "sunsetted", "archived", "outdated",
                   "veraltet", "uberholt", "abgekundigt", "deprecie", "depreciee", "obsolete", "obsolet",
                   "obsoleto", "obsoleta", "depreciado", "depreciada", "descontinuado",
                   "deprecato", "deprecata", "obsoleto", "verouderd", "устарело", "устарел", "устаревшее",
                   "已弃用", "弃用", "废弃", "已废弃", "过时", "非推奨", "廃止", "폐기", "폐기됨", "사용 중단"),
    "superseded": ("superseded", "superceded", "superseeded", "supersceded", "replaced", "partly superseded",
                   "partially superseded", "ersetzt", "abgelost", "remplace", "remplacee", "reemplazado",
                   "reemplazada", "sustituido", "sustituida", "anulado", "anulada", "substituido",
                   "substituida", "sostituito", "sostituita", "vervangen", "заменено", "заменен",
                   "已取代", "取代", "已被取代", "已替代", "替代", "被取代", "置き換え", "대체", "대체됨"),
}
_WORD_STATUS = {fold(word): status for status, words in _STATUS_WORDS.items() for word in words}
_MAX_WORDS = max(len(w.split()) for w in _WORD_STATUS)
_CJK = [w for w in _WORD_STATUS if re.search(r"[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af]", w)]
_CJK.sort(key=len, reverse=True)


def status_word(text: str) -> tuple[str, int, int] | None:
    """The first status word of `text` and where it is in the folded words: (status,
    index of its first word, count of words), or None. CJK words are found inside
    running text ('已被 X 取代'); other words by whole words, longest phrase first."""
    words = fold(re.sub(r"[^\w\s'’-]", " ", text)).replace("’", "'").split()
    best: tuple[str, int, int] | None = None
    for i in range(len(words)):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in _WORD_STATUS:
                best = (_WORD_STATUS[phrase], i, n)
                break
        if best:
            break
    if best is None:
        folded = fold(text)
        hits = [(folded.find(w), w) for w in _CJK if w in folded]
        if hits:
            pos, word = min(hits, key=lambda h: (h[0], -len(h[1])))
            return _WORD_STATUS[word], pos, 1
    return best


def statuses_named(text: str) -> set[str]:
    """Every canonical status some word of `text` names (to tell a list of choices,
    'proposed | accepted | rejected', from one status)."""
    found = set()
    for piece in re.split(r"[,/|;]|\bor\b|\bo\b|\bou\b|\boder\b", text):
        hit = status_word(piece)
        if hit:
            found.add(hit[0])
    return found


# --- link words ------------------------------------------------------------------------------

_REL_WORDS = {
    "superseded by": "superseded-by", "superceded by": "superseded-by", "replaced by": "superseded-by",
    "partly superseded by": "superseded-by", "partially superseded by": "superseded-by",
    "supersedes": "supersedes", "supercedes": "supersedes", "replaces": "supersedes",
    "superseded": "superseded-by", "superceded": "superseded-by",
    "ersetzt durch": "superseded-by", "abgelost durch": "superseded-by", "ersetzt": "supersedes",
    "remplace par": "superseded-by", "remplacee par": "superseded-by", "remplace": "supersedes",
    "reemplazado por": "superseded-by", "reemplazada por": "superseded-by", "sustituido por": "superseded-by",
    "sustituida por": "superseded-by", "reemplaza": "supersedes", "substituido por": "superseded-by",
    "substituida por": "superseded-by", "substitui": "supersedes",
}
REL_WORDS = {fold(words): rel for words, rel in _REL_WORDS.items()}
SUCCESSOR_WORDS = tuple(w for w, rel in REL_WORDS.items() if rel == "superseded-by")
_REL_LABELS = {"supersedes": "Supersedes", "superseded-by": "Superseded by"}


def rel_of(words: str) -> str | None:
    """'Amended by' -> 'amended-by', 'Superceded by' -> 'superseded-by', 'Ersetzt durch'
    -> 'superseded-by'; None when `words` are not a link type."""
    words = fold(re.sub(r"<!--.*?-->", "", words))
    if words in REL_WORDS:
        return REL_WORDS[words]
    if not words or not re.fullmatch(r"[a-z][a-z -]*", words) or len(words.split()) > 4:
        return None
    return words.replace(" ", "-")


def rel_label(rel: str) -> str:
    """'amended-by' -> 'Amended by' (the words adr-tools writes before a link)."""
    if rel in _REL_LABELS:
        return _REL_LABELS[rel]
    words = rel.replace("-", " ")
    return words[:1].upper() + words[1:]
