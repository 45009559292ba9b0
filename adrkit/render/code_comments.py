"""A trade-off as a code comment, in the comment syntax of about 80 languages:
"// Using PostgreSQL over MongoDB because: + ACID, - less flexible schema".

Every line is made safe for its marker, so no argument text can end the comment
early or carry it onto the next line.
"""
from __future__ import annotations

import re
from typing import Sequence

from adrkit.core.errors import UsageError, ValidationError
from adrkit.core.tradeoff import Tradeoff

__all__ = ["comment_marker", "tradeoff_comment"]

_MARKERS: dict[str, tuple[str, str]] = {}
for _names, _marker in (
    ("c cpp c++ cc h hpp cs csharp c# java js javascript mjs cjs ts typescript tsx jsx go golang rs "
     "rust kt kotlin kts swift scala sc dart php groovy gradle proto protobuf zig v sol solidity "
     "fs fsharp jsonc scss less", ("// ", "")),
    ("py python rb ruby sh bash zsh fish shell ps1 powershell pl perl r yaml yml toml tf hcl "
     "terraform ex exs elixir nim cmake make makefile dockerfile conf ini properties jl julia "
     "cr crystal coffee tcl awk nix", ("# ", "")),
    ("sql hs haskell lua ada adb elm purs purescript vhdl", ("-- ", "")),
    ("lisp el elisp clj clojure cljs scm scheme rkt racket asm s ini-semicolon", (";; ", "")),
    ("erl erlang hrl tex latex m matlab octave prolog", ("% ", "")),
    ("vb vbnet vba bas", ("' ", "")),
    ("f90 fortran", ("! ", "")),
    ("bat cmd batch", ("REM ", "")),
    ("html htm xml svg xhtml md markdown vue", ("<!-- ", " -->")),
    ("css", ("/* ", " */")),
    ("ml ocaml", ("(* ", " *)")),
):
    for _n in _names.split():
        _MARKERS[_n] = _marker


# languages whose compilers turn \uXXXX into a character before reading comments
_UNICODE_ESCAPES = {"java", "scala", "sc"}
# languages in which a backslash at the end of a line continues a line comment
_LINE_SPLICE = {"c", "cpp", "c++", "cc", "h", "hpp", "make", "makefile"}


def _language_key(language: str) -> str:
    key = str(language).strip().lower()
    return key.rsplit(".", 1)[-1] if "." in key and not key.endswith(".") else key


def comment_marker(language: str) -> tuple[str, str]:
    """(prefix, suffix) of a line comment in a language, given by name or file suffix."""
    key = _language_key(language)
    if key in _MARKERS:
        return _MARKERS[key]
    raise UsageError(f"no comment marker known for language '{language}'",
                     fix="use a language name or file suffix such as java, go, py, sql, html")


def _comment_safe(text: str, key: str, suffix: str) -> str:
    """One line of comment text that cannot end the comment it sits in: the closing
    sequence of a block-style marker is broken up, and so are the tricks that end a
    line comment early (Java's \\u escapes) or carry it onto the next line (a final
    backslash in C and make)."""
    text = " ".join(str(text).split())
    if suffix == " */":
        text = text.replace("*/", "* /")
    elif suffix == " -->":
        text = re.sub(r"--(!?)>", r"--\1&gt;", text)
    elif suffix == " *)":  # OCaml comments nest and read string literals inside them
        text = text.replace("(*", "( *").replace("*)", "* )").replace('"', "'")
        text = re.sub(r"\{([a-z_]*)\|", r"{\1 |", text)
    if key in _UNICODE_ESCAPES:  # an odd run of backslashes before 'u' starts an escape
        text = re.sub(r"\\+(?=u)", lambda m: m.group(0) + "\\" * (len(m.group(0)) % 2), text)
    if key in _LINE_SPLICE:
        text = text.rstrip("\\").rstrip()
    return text


def tradeoff_comment(t: Tradeoff, language: str = "java", *, over: str | Sequence[str] | None = None) -> str:
    """'// Using X over Y because:' with '+' and '-' lines from X's arguments; the
    comment marker follows the language (name or file suffix). With nothing chosen
    and a tie for first place it names the tie instead (`over` is then only checked),
    with each tied option's arguments. No text can end the comment early."""
    prefix, suffix = comment_marker(language)
    key = _language_key(language)
    t._require_valid()
    if not t.options:
        raise ValidationError("there are no options to write about", where="options", fix="add options first")
    ranking = t.ranking() if t.criteria else None
    if over is not None:
        for name in [over] if isinstance(over, str) else list(over):
            t.option(name)
    lines: list[str] = []
    if not t.chosen and ranking is not None and ranking.tied:
        # nothing chosen and no single winner: name the tie, with each tied option's case
        tied = ranking.winners
        lines.append(f"No winner yet: {_join(tied)} tie on the weighted score.")
        for name in tied:
            opt = t.option(name)
            cases = ([f"+ {a.text}" for a in opt.arguments_of("good")]
                     + [f"- {a.text}" for a in opt.arguments_of("bad")])
            if cases:
                lines += [f"{name}:", *cases]
    else:
        using = t.chosen or (ranking.names[0] if ranking else t.options[0].name)
        t.option(using)
        if over is None:
            order = ranking.names if ranking else t.option_names
            others = [n for n in order if n != using][:1]
        else:
            others = [over] if isinstance(over, str) else list(over)
        lines.append(f"Using {using}" + (f" over {_join(others)}" if others else "") + " because:")
        opt = t.option(using)
        lines += [f"+ {a.text}" for a in opt.arguments_of("good")]
        lines += [f"- {a.text}" for a in opt.arguments_of("bad")]
        if len(lines) == 1 and t.because:
            lines.append(f"+ {t.because}")
    return "\n".join(f"{prefix}{_comment_safe(line, key, suffix)}{suffix}".rstrip()
                     for line in lines) + "\n"


def _join(names: Sequence[str]) -> str:
    """'A', 'A and B', or 'A, B, C' (unquoted, for code comments)."""
    return " and ".join(names) if len(names) < 3 else ", ".join(names)
