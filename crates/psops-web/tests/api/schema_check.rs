//! A small checker of JSON values against the OpenAPI document's schemas — the subset
//! utoipa writes: `$ref`, `allOf`, `oneOf`/`anyOf`, `type` (one or several, `null`
//! among them), `properties`/`required`/`additionalProperties: false`, `items`, `enum`,
//! `minimum`/`maximum` — and,
//! because the document must be exact, properties an answer has that its schema does
//! not name. Tests use it to prove answers match what a generated client expects.

use std::collections::BTreeSet;

use serde_json::Value;

pub struct Checker<'a> {
    doc: &'a Value,
}

impl<'a> Checker<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Checker { doc }
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                self.resolve(&self.doc["components"]["schemas"][name])
            }
            None => schema,
        }
    }

    /// Every way the value differs from the schema, each with its JSON path.
    pub fn check(&self, schema: &'a Value, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(schema, value, "$", true, &mut out);
        out.sort();
        out.dedup();
        out
    }

    /// The property names a schema allows, through `$ref` and `allOf`; `None` when it
    /// allows any (no `properties`, `additionalProperties`, or a `oneOf`/`anyOf`).
    fn names(&self, schema: &'a Value) -> Option<BTreeSet<String>> {
        let s = self.resolve(schema);
        if s.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false))
            || s.get("oneOf").is_some()
            || s.get("anyOf").is_some()
        {
            return None;
        }
        let mut names = BTreeSet::new();
        let mut any = false;
        if let Some(p) = s["properties"].as_object() {
            names.extend(p.keys().cloned());
            any = true;
        }
        if let Some(all) = s["allOf"].as_array() {
            for part in all {
                names.extend(self.names(part)?);
                any = true;
            }
        }
        any.then_some(names)
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        }
    }

    /// `whole`: the schema is the value's whole schema, not one part of an `allOf`, so
    /// properties it does not name are reported.
    fn walk(&self, schema: &'a Value, v: &Value, at: &str, whole: bool, out: &mut Vec<String>) {
        let s = self.resolve(schema);
        if let Some(all) = s["allOf"].as_array() {
            for part in all {
                self.walk(part, v, at, false, out);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = s[key].as_array() {
                let fits = options.iter().any(|o| {
                    let mut e = Vec::new();
                    self.walk(o, v, at, whole, &mut e);
                    e.is_empty()
                });
                if !fits {
                    out.push(format!("{at}: {v} fits none of {key}"));
                }
            }
        }
        match &s["type"] {
            Value::String(t) if !Self::type_ok(t, v) => {
                out.push(format!("{at}: {v} is not {t}"));
                return;
            }
            Value::Array(ts) if !ts.iter().any(|t| Self::type_ok(t.as_str().unwrap_or(""), v)) => {
                out.push(format!("{at}: {v} is none of {ts:?}"));
                return;
            }
            _ => {}
        }
        if let Some(allowed) = s["enum"].as_array()
            && !allowed.contains(v)
        {
            out.push(format!("{at}: {v} is not one of {allowed:?}"));
        }
        if let (Some(min), Some(n)) = (s["minimum"].as_f64(), v.as_f64())
            && n < min
        {
            out.push(format!("{at}: {n} is below the minimum {min}"));
        }
        if let (Some(max), Some(n)) = (s["maximum"].as_f64(), v.as_f64())
            && n > max
        {
            out.push(format!("{at}: {n} is above the maximum {max}"));
        }
        if let Some(obj) = v.as_object() {
            if let Some(req) = s["required"].as_array() {
                for r in req.iter().filter_map(Value::as_str) {
                    if !obj.contains_key(r) {
                        out.push(format!("{at}: required property {r} is missing"));
                    }
                }
            }
            if let Some(props) = s["properties"].as_object() {
                for (k, sub) in props {
                    if let Some(val) = obj.get(k) {
                        self.walk(sub, val, &format!("{at}.{k}"), true, out);
                    }
                }
            }
            // As JSON Schema reads it: `additionalProperties: false` refuses every property
            // its own `properties` does not name, even as one part of an `allOf` (where the
            // record envelope's parts refused one another's properties).
            if s["additionalProperties"] == Value::Bool(false) {
                let own = s["properties"].as_object();
                for k in obj.keys().filter(|k| !own.is_some_and(|p| p.contains_key(*k))) {
                    out.push(format!("{at}: property {k} is refused by additionalProperties: false"));
                }
            }
            if let Some(names) = self.names(schema).filter(|_| whole) {
                for k in obj.keys().filter(|k| !names.contains(*k)) {
                    out.push(format!("{at}: property {k} is not in the schema"));
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, item) in arr.iter().enumerate() {
                self.walk(items, item, &format!("{at}[{i}]"), true, out);
            }
        }
    }
}
