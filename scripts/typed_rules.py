#!/usr/bin/env python3
"""Rule codes as `psops_core::rule::Rule`, not string literals (issue 11).

Finds every call that hands a rule code to a `FieldError` — `FieldError::new`,
`Error::invalid`, `Error::conflict`, `Checks::check`, the web crate's `Params::add` and
`ApiError::bad_request`, and the few local helpers that pass their code on — or to an
import's `RowError` (`RowError::new` and the row readers' `fail`/`parse` helpers), and
reads the code argument.

    scripts/typed_rules.py collect    # every code in use, with its call sites; non-literal
                                      # code arguments listed for review
    scripts/typed_rules.py enum       # the variants of `Rule` for those codes (docs to fill)
    scripts/typed_rules.py rewrite    # "code" -> Rule::Code at each call site, plus the import
    scripts/typed_rules.py check      # every code used is a variant, every variant is used
    scripts/typed_rules.py things     # the kind a 404 or a refusal names: "person" ->
                                      # Entity::Person, "timesheet" -> Thing::Timesheet, in
                                      # Error::not_found, the Guarded labels and Fixed
    scripts/typed_rules.py compare    # where the compiler finds a code compared as a string
                                      # with a Rule (`e.rule == "x"`, `assert_eq!(rule, "x")`,
                                      # `e.rule.as_str()`), the Rule instead; repeats until
                                      # nothing of that kind is left

`rewrite` and `compare` are idempotent: run them again after a merge brings in new
call sites or tests, then `cargo fmt --all` (it sorts the imports the script adds) and
`check`. What they cannot do — a test helper that turned an error into a `field:code`
string, a `Vec<(.., &str)>` annotation — the compiler points at, and is done by hand.
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
        new = add_import("".join(out), rel)
        if new != src:
            open(path, "w", encoding="utf-8").write(new)
            changed += 1
    print(f"rewrote {changed} files")
    if missing:
        print("codes with no variant in rule.rs (add them, then run again):", ", ".join(sorted(missing)))
        sys.exit(1)


def uses_name(name):
    return re.compile(rf"\b{name}::|(?:[:(<,&]|->)\s*{name}\b")


def add_import(src, rel, module="rule", name="Rule"):
    """`use crate::rule::Rule;` (in psops-core) or `use psops_core::rule::Rule;` (or another
    `module::name`), once in each module scope that names it (the file, an inline
    `mod tests`): beside the scope's other imports of the crate, or after its last `use`
    as a group of its own."""
    core = rel.startswith("crates/psops-core/src/")
    if re.search(rf"^\s*pub (?:enum|struct) {name}\b", src, re.M):
        return src  # its own module
    path = f"crate::{module}::{name}" if core else f"psops_core::{module}::{name}"
    sibling = r"crate::" if core else r"psops_core\b"
    mentions = uses_name(name)
    scopes = module_scopes(src)
    inserts, file_has_it = [], False
    for start, end, is_file in scopes:
        # the scope's own text, without the inline modules inside it
        inner, holes = src[start:end], []
        for s2, e2, _ in scopes:
            if (s2, e2) != (start, end) and start <= s2 and e2 <= end:
                holes.append((s2 - start, e2 - start))
        for a, b in sorted(holes, reverse=True):
            inner = inner[:a] + " " * (b - a) + inner[b:]
        code = "\n".join(l for l in inner.splitlines() if not l.lstrip().startswith(("//", "use ", "pub use ")))
        if not mentions.search(code):
            continue
        imported = rf"^\s*use (?:crate|psops_core)::(?:{module}::(?:{name}|\{{[^}}]*\b{name}\b[^}}]*\}})|\{{[^;]*\b{module}::{name}\b[^;]*\}});"
        if re.search(imported, inner, re.M):
            file_has_it |= is_file
            continue
        if not is_file and file_has_it and re.search(r"^\s*use super::\*;", inner, re.M):
            continue  # the file imports it
        uses = [m for m in re.finditer(r"^([ \t]*)(?:pub(?:\([^)]*\))? )?use ([^;]*);\n", inner, re.M)]
        local = ("std::", "core::", "alloc::", "crate::", "super::", "self::")
        if core:
            group = [m for m in uses if m.group(2).startswith("crate::")]
        else:
            group = [m for m in uses if m.group(2).startswith("psops_core")]
            group = group or [m for m in uses if not m.group(2).startswith(local)]
        file_has_it |= is_file
        if group:
            m = group[0]
            inserts.append((start + m.start(), f"{m.group(1)}use {path};\n"))
        elif uses:
            m = uses[-1]
            gap = "\n" if is_file else ""
            inserts.append((start + m.end(), f"{gap}{m.group(1)}use {path};\n"))
        else:
            indent = "" if is_file else "    "
            inserts.append((start + (0 if is_file else 1), f"{indent}use {path};\n\n"))
    for pos, text in sorted(inserts, reverse=True):
        src = src[:pos] + text + src[pos:]
    return src


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


# Names a 404 or a refusal gives that are no Entity (psops_core::error::Thing).
THINGS = {
    "timesheet": "Timesheet",
    "calendar": "Calendar",
    "compliance_report": "ComplianceReport",
    "compliance report": "ComplianceReportPage",
    "audit_log": "AuditLog",
    "utilization": "Utilization",
    "import": "Import",
    "object": "Object",
}


def entities():
    """Variant name -> name, of psops_core::record::Entity (strum snake_case)."""
    src = open(os.path.join(CRATES, "psops-core", "src", "record.rs"), encoding="utf-8").read()
    body = src[src.index("pub enum Entity {") :]
    body = body[: body.index("\n}")]
    return {heck_snake(v): v for v in re.findall(r"^\s+([A-Z][A-Za-z0-9]*),$", body, re.M)}


def things():
    known = entities()

    def target(name, bare_entity):
        if name in known:
            return f"Entity::{known[name]}" if bare_entity else f"Thing::Entity(Entity::{known[name]})"
        if name in THINGS:
            return f"Thing::{THINGS[name]}"
        raise SystemExit(f"'{name}' is neither an Entity nor a Thing: add it to one")

    names = r'"([a-z][a-z_ ]*)"'
    web = "crates/psops-web/src/"
    rules = [
        # (path prefix, pattern with the name as the last group, bare Entity?)
        ("crates/", r"\bnot_found\(\s*" + names, True),
        (web, r"\bFixed\([^;\n]*?, " + names + r"\)", False),
        (web, r"\(\s*" + names + r",\s*(?:self[\w.]*\.id\.to_string\(\)|String::new\(\))\s*\)", False),
        (web + "authorize.rs", r"=> \(\s*" + names + r",", False),
    ]
    signatures = [
        ("fn label(&self) -> (&'static str, String)", "fn label(&self) -> (Thing, String)"),
        ("pub struct Fixed(pub Resource, pub &'static str);", "pub struct Fixed(pub Resource, pub Thing);"),
        ("-> Option<(&'static str, Resource)>", "-> Option<(Thing, Resource)>"),
        ("Error::not_found(self.entity.name(), id)", "Error::not_found(self.entity, id)"),
    ]
    changed = 0
    for path in rust_files():
        rel = os.path.relpath(path, ROOT)
        src = open(path, encoding="utf-8").read()
        new = src
        for a, b in signatures:
            new = new.replace(a, b)
        for prefix, pattern, bare in rules:
            if not rel.startswith(prefix):
                continue
            out, last = [], 0
            for m in re.finditer(pattern, new):
                if in_literal(new, m.start()) or m.group(0).startswith('"'):
                    continue
                s1, e1 = m.start(1) - 1, m.end(1) + 1  # the quotes too
                out.append(new[last:s1])
                out.append(target(m.group(1), bare))
                last = e1
            out.append(new[last:])
            new = "".join(out)
        if new != src:
            new = add_import(new, rel, "record", "Entity")
            new = add_import(new, rel, "error", "Thing")
            open(path, "w", encoding="utf-8").write(new)
            changed += 1
    print(f"rewrote {changed} files")


def split_top_spans(text):
    """(start, end) of each top-level comma-separated part of text."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        j = skip_literal(text, i)
        if j is not None:
            i = j
            continue
        c = text[i]
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        elif c == "," and depth == 0:
            out.append((start, i))
            start = i + 1
        i += 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def split_top(text):
    return [text[a:b] for a, b in split_top_spans(text)]


def compare():
    import json
    import subprocess

    declared = {code: name for name, code in declared_variants().items()}
    rule_ty = re.compile(r"`(?:[a-z_]+::)*Rule`")
    for _ in range(10):
        out = subprocess.run(
            ["cargo", "check", "--workspace", "--all-targets", "--message-format=json"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout
        edits = defaultdict(set)  # path -> {(start byte, end byte, replacement)}
        for line in out.splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("reason") != "compiler-message":
                continue
            d = msg["message"]
            if d["level"] != "error":
                continue
            code = (d.get("code") or {}).get("code")
            for span in d["spans"]:
                if not span["is_primary"]:
                    continue
                # an error inside a macro of std (assert_eq!) is reported at its call site
                while span["file_name"].startswith("/") and span.get("expansion"):
                    span = span["expansion"]["span"]
                if span["file_name"].startswith("/"):
                    continue
                one_line = span["line_start"] == span["line_end"]
                path = os.path.join(ROOT, span["file_name"])
                text = "".join(t["text"][t["highlight_start"] - 1 : t["highlight_end"] - 1] for t in span["text"])
                label = span.get("label") or ""
                if code == "E0308" and one_line and rule_ty.search(label) and re.search(r"found `(&str|String)`", label):
                    m = CODE.match(re.sub(r"\.(?:to_string|to_owned|into)\(\)$", "", text))
                    if m and m.group(1) in declared:
                        edits[path].add((span["byte_start"], span["byte_end"], f"Rule::{declared[m.group(1)]}"))
                elif code == "E0308" and one_line and text.startswith("(") and text.endswith(")"):
                    # a tuple compared with one that holds a Rule: `(field, "code")`
                    t = re.search(r"expected tuple `\((.*)\)`", d["rendered"])
                    if not t:
                        continue
                    types = [x.strip() for x in split_top(t.group(1))]
                    inner_spans = split_top_spans(text[1:-1])
                    if len(types) != len(inner_spans):
                        continue
                    for ty, (a, b) in zip(types, inner_spans):
                        elem = text[1 + a : 1 + b]
                        lead = len(elem) - len(elem.lstrip())
                        m = CODE.match(elem.strip())
                        if rule_ty.search(f"`{ty}`") and m and m.group(1) in declared:
                            start = span["byte_start"] + len(text[: 1 + a + lead].encode())
                            end = start + len(elem.strip().encode())
                            edits[path].add((start, end, f"Rule::{declared[m.group(1)]}"))
                elif code == "E0277" and re.search(r"`(?:[a-z_]+::)*Rule: From<&str>`", d["message"]) and text == "into":
                    # `"code".into()` where a Rule is expected
                    raw = open(path, "rb").read()
                    m = re.search(rb'"([a-z][a-z0-9_]*)"\.$', raw[: span["byte_start"]])
                    if m and m.group(1).decode() in declared:
                        a = span["byte_start"] - len(m.group(0))
                        edits[path].add((a, span["byte_end"] + 2, f"Rule::{declared[m.group(1).decode()]}"))
                elif code == "E0277" and "can't compare" in d["message"]:
                    # `assert_eq!(found, [(1, "col", "code"), ...])` where found holds Rules
                    m = re.search(r"can't compare `\((.*)\)` with `\((.*)\)`", d["message"])
                    if not m:
                        continue
                    types = [x.strip() for x in split_top(m.group(1))]
                    at = [i for i, ty in enumerate(types) if rule_ty.search(f"`{ty}`")]
                    raw = open(path, "rb").read()
                    region = raw[span["byte_start"] : span["byte_end"]].decode()
                    for tm in re.finditer(r"\(([^()]*)\)", region):
                        parts = split_top_spans(tm.group(1))
                        if len(parts) != len(types):
                            continue
                        for i in at:
                            a, b = parts[i]
                            elem = tm.group(1)[a:b]
                            lit = CODE.match(elem.strip())
                            if lit and lit.group(1) in declared:
                                lead = len(elem) - len(elem.lstrip())
                                off = span["byte_start"] + len(region[: tm.start(1) + a + lead].encode())
                                edits[path].add((off, off + len(elem.strip().encode()), f"Rule::{declared[lit.group(1)]}"))
                elif code == "E0599" and rule_ty.search(d["message"]) and text == "as_str":
                    # `.rule.as_str()` -> `.rule`
                    edits[path].add((span["byte_start"] - 1, span["byte_end"] + 2, ""))
        if not edits:
            break
        for path, spans in edits.items():
            raw = open(path, "rb").read()
            for a, b, rep in sorted(spans, reverse=True):
                if rep == "" and raw[a:b] != b".as_str()":
                    continue
                raw = raw[:a] + rep.encode() + raw[b:]
            src = add_import(raw.decode("utf-8"), os.path.relpath(path, ROOT))
            open(path, "w", encoding="utf-8").write(src)
            print(f"{os.path.relpath(path, ROOT)}: {len(spans)} comparisons")


if __name__ == "__main__":
    {"collect": collect, "enum": enum, "rewrite": rewrite, "check": check, "compare": compare, "things": things}[sys.argv[1] if len(sys.argv) > 1 else "collect"]()
