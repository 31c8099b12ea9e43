//! `responseElements`: an output's [`Shape`] written as CloudTrail writes it, member names in
//! lower camel case (`AccessKeyId` → `accessKeyId`), lists as arrays, and secrets left out.

use rolegate_protocol::{Shape, ShapeWriter, format_timestamp};
use time::OffsetDateTime;

use super::ResponseElements;

/// The JSON of `output`'s members; `None` when it has none (CloudTrail writes `null`).
pub fn response_elements(output: &impl Shape) -> Option<ResponseElements> {
    let mut writer = JsonWriter::default();
    writer.out.push(b'{');
    output.write(&mut writer);
    if writer.out.len() == 1 {
        return None;
    }
    writer.out.push(b'}');
    Some(ResponseElements(writer.out))
}

/// Writes the members of one JSON object after another, into one buffer.
#[derive(Default)]
struct JsonWriter {
    out: Vec<u8>,
    /// Whether the current object or array already has an entry (a comma goes before the next).
    started: bool,
}

impl JsonWriter {
    fn separate(&mut self) {
        if self.started {
            self.out.push(b',');
        }
        self.started = true;
    }

    /// `"accessKeyId":` for member `AccessKeyId`. Member names are the service model's ASCII
    /// identifiers, so nothing in them needs escaping.
    fn key(&mut self, name: &str) {
        self.separate();
        self.out.push(b'"');
        if let Some((first, rest)) = name.as_bytes().split_first() {
            self.out.push(first.to_ascii_lowercase());
            self.out.extend_from_slice(rest);
        }
        self.out.extend_from_slice(b"\":");
    }

    fn push_string(&mut self, text: &str) {
        // serde_json's escaping, straight into the buffer; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, text);
    }

    /// `open` + the members `content` writes + `close`, with its own comma state.
    fn nest(&mut self, open: u8, close: u8, content: impl FnOnce(&mut Self)) {
        self.out.push(open);
        let outer = std::mem::replace(&mut self.started, false);
        content(self);
        self.started = outer;
        self.out.push(close);
    }
}

impl ShapeWriter for JsonWriter {
    fn string(&mut self, name: &str, value: &str) {
        self.key(name);
        self.push_string(value);
    }

    fn secret(&mut self, _name: &str, _value: &str) {}

    fn number(&mut self, name: &str, value: i64) {
        self.key(name);
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.key(name);
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn timestamp(&mut self, name: &str, at: OffsetDateTime) {
        self.string(name, &format_timestamp(at));
    }

    fn policy_document(&mut self, name: &str, json: &str) {
        // CloudTrail records policy documents URL-encoded, as the wire carries them.
        self.string(name, &rolegate_protocol::encode_policy_document(json));
    }

    fn structure(&mut self, name: &str, content: impl FnOnce(&mut Self)) {
        self.key(name);
        self.nest(b'{', b'}', content);
    }

    fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Self, T),
    ) {
        self.key(name);
        self.nest(b'[', b']', |w| {
            for each in items {
                w.separate();
                w.nest(b'{', b'}', |w| item(w, each));
            }
        });
    }

    fn number_map(&mut self, name: &str, entries: &[(&str, i64)]) {
        self.key(name);
        self.nest(b'{', b'}', |w| {
            for (key, value) in entries {
                w.separate();
                w.push_string(key);
                w.out.push(b':');
                w.out
                    .extend_from_slice(itoa::Buffer::new().format(*value).as_bytes());
            }
        });
    }

    fn strings<S: AsRef<str>>(&mut self, name: &str, items: &[S]) {
        self.key(name);
        self.nest(b'[', b']', |w| {
            for each in items {
                w.separate();
                w.push_string(each.as_ref());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Created;

    impl Shape for Created {
        fn write<W: ShapeWriter>(&self, w: &mut W) {
            w.structure("AccessKey", |w| {
                w.string("UserName", "alice \"a\"");
                w.string("AccessKeyId", "AKIA");
                w.secret("SecretAccessKey", "never logged");
                w.boolean("Active", true);
                w.number("Count", 2);
            });
            w.list("Members", ["a", "b"], |w, name| w.string("UserName", name));
            w.strings("Names", &["x", "y"]);
            w.optional("Absent", None);
        }
    }

    struct Nothing;

    impl Shape for Nothing {
        fn write<W: ShapeWriter>(&self, _: &mut W) {}
    }

    #[test]
    fn writes_cloudtrail_json_without_secrets() {
        let elements = response_elements(&Created).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&elements.0).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "accessKey": {"userName": "alice \"a\"", "accessKeyId": "AKIA", "active": true, "count": 2},
                "members": [{"userName": "a"}, {"userName": "b"}],
                "names": ["x", "y"],
            })
        );
        assert!(
            !String::from_utf8(elements.0)
                .unwrap()
                .contains("never logged")
        );
    }

    #[test]
    fn an_empty_output_records_null() {
        assert!(response_elements(&Nothing).is_none());
    }
}
