#!/usr/bin/env python3
"""Rule codes as `psops_core::rule::Rule`, not string literals (issue 11).

Finds every call that hands a rule code to a `FieldError` — `FieldError::new`,
`Error::invalid`, `Error::conflict`, `Checks::check`, the web crate's `Params::add` and
`ApiError::bad_request`, and the few local helpers that pass their code on — and reads
the code argument.

    scripts/typed_rules.py collect    # every code in use, with its call sites; non-literal
                                      # code arguments listed for review
    scripts/typed_rules.py enum       # the variants of `Rule` for those codes (docs to fill)
    scripts/typed_rules.py rewrite    # "code" -> Rule::Code at each call site, plus the import
    scripts/typed_rules.py check      # every code used is a variant, every variant is used

`rewrite` is idempotent: run it again after a merge brings in new call sites. Run
`cargo fmt --all` afterwards (it sorts the imports the script adds).
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = os.path.join(ROOT, "crates")
RULE_RS = os.path.join(CRATES, "psops-core", "src", "rule.rs")

# (pattern that ends at the call's opening parenthesis, index of the code argument,
#  path filter). The compiler catches a call the filters let through by mistake: the
#  argument's type would no longer match.
CONDUITS = [
    (r"\bFieldError::new\(", 1, None),
    (r"\bError::invalid\(", 1, None),
    (r"\bError::conflict\(", 1, None),
    (r"\bApiError::bad_request\(", 1, None),
    # validate::Checks::check(ok, field, rule, message)
    (r"\.check\(", 2, None),
    # psops_web::params::Params::add(field, rule, message)
    (r"\.add\(", 1, "crates/psops-web/"),
    # psops_store::timesheet_steps::nothing(rule, message)
    (r"(?<![.:\w])nothing\(", 0, "crates/psops-store/src/timesheet"),
    # holidays_import::at(line, rule, message)
    (r"(?<![.:\w])at\(", 1, "crates/psops-core/src/holidays_import.rs"),
    # the `invalid` closure of psops_web::api::period::range
    (r"(?<![.:\w])invalid\(", 1, "crates/psops-web/src/api/period.rs"),
    # One broken rule in one imported row: RowError::new(line, column, value, rule, message)
    (r"\bRowError::new\(", 3, None),
    # imports::records: fail(col, rule, message), parsed(col, rule, what, parse)
    (r"\.fail\(", 1, "crates/psops-core/src/imports/records.rs"),
    (r"\.parsed\(", 1, "crates/psops-core/src/imports/records.rs"),
    # interchange::mapping::resolve: fail(col, value, rule, message)
    (r"\.fail\(", 2, "crates/psops-core/src/interchange/mapping/resolve.rs"),
    # interchange::table::Rec: fail(col, rule, message), parse(col, rule, f, expect),
    # parse_required(col, rule, f, expect), called by every format's reader
    (r"\.(?:fail|parse|parse_required)\(", 1, "crates/psops-core/src/interchange/[a-z_]+\.rs"),
    # psops_store::import::records: err(line, column, value, rule, message)
    (r"(?<![.:\w])err\(", 3, "crates/psops-store/src/import/records.rs"),
]

# Codes that reach a conduit through a variable: held in a constant or a field, or
# chosen by a match. (file pattern, regex whose group 1 is the quoted code)
EXTRA = [
    (r"crates/psops-core/src/(dates|time_entries)\.rs", r'const [A-Z_]+: &str = ("[a-z0-9_]+");'),
    (r"crates/psops-core/src/csv_file\.rs", r'rule: ("[a-z0-9_]+"),'),
    (r"crates/psops-core/src/csv_file\.rs", r'(?:\(|=> \()\s*("[a-z0-9_]+"),'),
    (r"crates/psops-core/src/imports/records\.rs", r'\.rule = ("[a-z0-9_]+")'),
    (r"crates/psops-web/src/extract\.rs", r'\((?:field|join\(parent, name\)|field_or_body\(parent\)), ("[a-z0-9_]+")\)'),
    (r"crates/psops-web/src/params\.rs", r'\n\s+("[a-z0-9_]+")\n'),
]

CODE = re.compile(r'^"([a-z][a-z0-9_]*)"$')
RULE_REF = re.compile(r"^(?:crate::rule::|psops_core::rule::)?Rule::([A-Z][A-Za-z0-9]*)$")


def rust_files():
    for dirpath, dirnames, filenames in os.walk(CRATES):
        dirnames[:] = [d for d in dirnames if d != "target"]
        for f in sorted(filenames):
            if f.endswith(".rs"):
                yield os.path.join(dirpath, f)


def skip_literal(src, i):
    """If a string, char, or comment starts at i, the index just past it; else None."""
    c = src[i]
    if c == "/" and src.startswith("//", i):
        j = src.find("\n", i)
        return len(src) if j < 0 else j
    if c == "/" and src.startswith("/*", i):
        depth, j = 0, i
        while j < len(src):
            if src.startswith("/*", j):
                depth, j = depth + 1, j + 2
            elif src.startswith("*/", j):
                depth, j = depth - 1, j + 2
                if depth == 0:
                    return j
            else:
                j += 1
        return j
    m = re.compile(r'b?r(#*)"').match(src, i)
    if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
        end = '"' + m.group(1)
        return src.index(end, m.end()) + len(end)
    if c == '"' or (c == "b" and src.startswith('b"', i) and not (src[i - 1].isalnum() or src[i - 1] == "_")):
        j = i + (2 if c == "b" else 1)
        while src[j] != '"':
            j += 2 if src[j] == "\\" else 1
        return j + 1
    if c == "'":
        # a char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a, 'static)
        m = re.compile(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'").match(src, i)
        if m:
            return m.end()
    return None


def call_args(src, open_paren):
    """The top-level arguments of the call whose `(` is at open_paren, as (start, end) spans."""
    depth, i, start, args = 0, open_paren, open_paren + 1, []
    while i < len(src):
        j = skip_literal(src, i)
        if j is not None:
            i = j
            continue
        c = src[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                if src[start:i].strip():
                    args.append((start, i))
                return args
        elif c == "," and depth == 1:
            args.append((start, i))
            start = i + 1
        i += 1
    raise ValueError("unbalanced call")


def code_spans(src, rel):
    """Every (start, end, text) of a code argument in src."""
    found = []
    for pattern, index, only in CONDUITS:
        if only and not re.match(only, rel):
            continue
        for m in re.finditer(pattern, src):
            # a match inside a comment or string is not a call
            if in_literal(src, m.start()):
                continue
            args = call_args(src, m.end() - 1)
            if len(args) <= index:
                continue
            s, e = args[index]
            text = src[s:e]
            lead = len(text) - len(text.lstrip())
            trail = len(text.rstrip())
            found.append((s + lead, s + trail, text.strip()))
    for only, pattern in EXTRA:
        if re.match(only, rel):
            for m in re.finditer(pattern, src):
                found.append((m.start(1), m.end(1), m.group(1)))
    return found


_literal_cache = {}


def in_literal(src, pos):
    spans = _literal_cache.get(id(src))
    if spans is None or spans[0] is not src:
        out, i = [], 0
        while i < len(src):
            j = skip_literal(src, i)
            if j is not None:
                out.append((i, j))
                i = j
            else:
                i += 1
        spans = (src, out)
        _literal_cache[id(src)] = spans
    return any(a <= pos < b for a, b in spans[1])


def line_of(src, pos):
    return src.count("\n", 0, pos) + 1


def variant(code):
    return "".join(w[:1].upper() + w[1:] for w in code.split("_"))


def heck_snake(name):
    """What strum's `serialize_all = "snake_case"` (heck) makes of a variant name."""
    words, cur, mode = [], "", None
    for i, c in enumerate(name):
        nxt = name[i + 1] if i + 1 < len(name) else None
        cur += c
        if c.islower():
            cur_mode = "lower"
        elif c.isupper():
            cur_mode = "upper"
        else:
            cur_mode = mode
        if nxt is None:
            break
        if cur_mode == "lower" and nxt.isupper():
            words.append(cur)
            cur, mode = "", None
        elif mode == "upper" and c.isupper() and nxt.islower() and len(cur) > 1:
            words.append(cur[:-1])
            cur, mode = c, cur_mode
        else:
            mode = cur_mode
    words.append(cur)
    return "_".join(w.lower() for w in words if w)


def scan():
    uses, others = defaultdict(list), []
    for path in rust_files():
        rel = os.path.relpath(path, ROOT)
        src = open(path, encoding="utf-8").read()
        for s, _, text in code_spans(src, rel):
            where = f"{rel}:{line_of(src, s)}"
            m = CODE.match(text)
            r = RULE_REF.match(text)
            if m:
                uses[m.group(1)].append(where)
            elif r:
                uses[heck_or_explicit(r.group(1))].append(where)
            else:
                others.append((where, text))
    return uses, others


def declared_variants():
    """Variant name -> code, from rule.rs as it stands."""
    if not os.path.exists(RULE_RS):
        return {}
    src = open(RULE_RS, encoding="utf-8").read()
    body = src[src.index("pub enum Rule {") :]
    body = body[: body.index("\n}")]
    out, explicit = {}, None
    for line in body.splitlines():
        line = line.strip()
        m = re.match(r'#\[strum\(serialize = "([a-z0-9_]+)"\)\]', line)
        if m:
            explicit = m.group(1)
            continue
        m = re.match(r"([A-Z][A-Za-z0-9]*),$", line)
        if m:
            out[m.group(1)] = explicit or heck_snake(m.group(1))
            explicit = None
    return out


def heck_or_explicit(name):
    return declared_variants().get(name) or heck_snake(name)


def collect():
    uses, others = scan()
    for code in sorted(uses):
        print(f"{code}  ({len(uses[code])})")
        for w in uses[code]:
            print(f"    {w}")
    print(f"\n{len(uses)} codes, {sum(len(v) for v in uses.values())} call sites")
    if others:
        print("\ncode arguments that are not a literal (check by hand):")
        for where, text in others:
            print(f"    {where}: {text}")


def enum():
    uses, _ = scan()
    for code in sorted(uses, key=variant):
        v = variant(code)
        print("    /// TODO")
        if heck_snake(v) != code:
            print(f'    #[strum(serialize = "{code}")]')
        print(f"    {v},")


def rewrite():
    declared = {code: name for name, code in declared_variants().items()}
    missing = set()
    changed = 0
    for path in rust_files():
        rel = os.path.relpath(path, ROOT)
        if path == RULE_RS:
            continue
        src = open(path, encoding="utf-8").read()
        spans = [(s, e, CODE.match(t).group(1)) for s, e, t in code_spans(src, rel) if CODE.match(t)]
        if not spans:
            continue
        out, last = [], 0
        for s, e, code in sorted(set(spans)):
            name = declared.get(code)
            if name is None:
                missing.add(code)
                continue
            out.append(src[last:s])
            out.append(f"Rule::{name}")
            last = e
        out.append(src[last:])
        new = "".join(out)
        if new != src:
            new = add_import(new, rel)
            open(path, "w", encoding="utf-8").write(new)
            changed += 1
    print(f"rewrote {changed} files")
    if missing:
        print("codes with no variant in rule.rs (add them, then run again):", ", ".join(sorted(missing)))
        sys.exit(1)


def add_import(src, rel):
    """`use crate::rule::Rule;` (in psops-core) or `use psops_core::rule::Rule;`, once,
    beside the first `use` of the file or of the first inline test module that needs it."""
    path = "crate::rule::Rule" if rel.startswith("crates/psops-core/src/") else "psops_core::rule::Rule"
    # Each module scope that mentions Rule:: needs it in scope: the file itself and any
    # `mod tests { ... }` that uses it, unless it imports `super::*`.
    scopes = module_scopes(src)
    inserts = []
    for start, end, is_file in scopes:
        body = src[start:end]
        inner = body
        for s2, e2, _ in scopes:
            if (s2, e2) != (start, end) and start <= s2 and e2 <= end:
                inner = inner.replace(src[s2:e2], "")
        if "Rule::" not in inner:
            continue
        if re.search(r"^\s*use (crate::rule::Rule|psops_core::rule::Rule|crate::rule::\{[^}]*\bRule\b)", inner, re.M):
            continue
        if not is_file and re.search(r"^\s*use super::\*;", inner, re.M) and "Rule::" in outer_text(src, scopes, start, end):
            continue
        m = re.search(r"^([ \t]*)use [^;]+;\n", body, re.M)
        if m:
            inserts.append((start + m.start(), f"{m.group(1)}use {path};\n"))
        else:
            inserts.append((start, f"use {path};\n\n"))
    for pos, text in sorted(inserts, reverse=True):
        src = src[:pos] + text + src[pos:]
    return src


def outer_text(src, scopes, start, end):
    return src[:start] + src[end:]


def module_scopes(src):
    """(start, end, is_file) of the file and of each inline `mod name {` body."""
    scopes = [(0, len(src), True)]
    for m in re.finditer(r"^\s*(?:pub(?:\([^)]*\))? )?mod \w+ \{", src, re.M):
        if in_literal(src, m.start()):
            continue
        depth, i = 0, m.end() - 1
        while i < len(src):
            j = skip_literal(src, i)
            if j is not None:
                i = j
                continue
            if src[i] == "{":
                depth += 1
            elif src[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        scopes.append((m.end(), i, False))
    return scopes


def check():
    declared = declared_variants()
    uses, others = scan()
    problems = []
    for code in sorted(uses):
        if code not in declared.values():
            problems.append(f"code {code!r} is used but is no variant: {uses[code][0]}")
    used_names = set()
    for path in rust_files():
        if path != RULE_RS:
            used_names.update(re.findall(r"\bRule::([A-Z][A-Za-z0-9]*)", open(path, encoding="utf-8").read()))
    for name, code in sorted(declared.items()):
        if name not in used_names:
            problems.append(f"variant {name} ({code}) is used nowhere")
    for p in problems:
        print(p)
    print(f"{len(declared)} variants, {len(uses)} codes at call sites, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    {"collect": collect, "enum": enum, "rewrite": rewrite, "check": check}[sys.argv[1] if len(sys.argv) > 1 else "collect"]()
