//! One definition of a response's members, written to two readers: the wire's XML and the audit
//! event's `responseElements`. An output implements [`Shape`] once, against [`ShapeWriter`];
//! [`XmlWriter`] writes AWS's Query XML from it and the audit log's writer CloudTrail's JSON,
//! so the two can never disagree. Secrets ([`ShapeWriter::secret`]) reach the wire only.

use time::OffsetDateTime;

use crate::xml::XmlWriter;

/// The members of a result, written member by member.
pub trait Shape {
    fn write<W: ShapeWriter>(&self, w: &mut W);
}

/// Where a [`Shape`] is written. Names are the wire's (`AccessKeyId`); a JSON writer spells them
/// as CloudTrail does (`accessKeyId`).
pub trait ShapeWriter: Sized {
    fn string(&mut self, name: &str, value: &str);
    /// A member the audit log must never show (a secret key, a password, a seed).
    fn secret(&mut self, name: &str, value: &str);
    fn number(&mut self, name: &str, value: i64);
    fn boolean(&mut self, name: &str, value: bool);
    fn timestamp(&mut self, name: &str, at: OffsetDateTime);
    /// An IAM `policyDocumentType` member (URL-encoded JSON on the wire).
    fn policy_document(&mut self, name: &str, json: &str);
    /// A structure member.
    fn structure(&mut self, name: &str, content: impl FnOnce(&mut Self));
    /// A list of structures.
    fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        item: impl FnMut(&mut Self, T),
    );
    /// A list of strings.
    fn strings<S: AsRef<str>>(&mut self, name: &str, items: &[S]);
    /// A map of names to integers (`GetAccountSummary`'s `SummaryMap`).
    fn number_map(&mut self, name: &str, entries: &[(&str, i64)]);

    /// A member present only when it has a value.
    fn optional(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.string(name, value);
        }
    }
}

impl ShapeWriter for XmlWriter {
    fn string(&mut self, name: &str, value: &str) {
        self.element(name, value);
    }

    fn secret(&mut self, name: &str, value: &str) {
        self.element(name, value);
    }

    fn number(&mut self, name: &str, value: i64) {
        self.element(name, itoa::Buffer::new().format(value));
    }

    fn boolean(&mut self, name: &str, value: bool) {
        self.element(name, if value { "true" } else { "false" });
    }

    fn timestamp(&mut self, name: &str, at: OffsetDateTime) {
        XmlWriter::timestamp(self, name, at);
    }

    fn policy_document(&mut self, name: &str, json: &str) {
        XmlWriter::policy_document(self, name, json);
    }

    fn structure(&mut self, name: &str, content: impl FnOnce(&mut Self)) {
        self.nested(name, content);
    }

    fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Self, T),
    ) {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            self.empty_element(name);
            return;
        }
        self.nested(name, |w| {
            for each in items {
                w.nested("member", |w| item(w, each));
            }
        });
    }

    fn strings<S: AsRef<str>>(&mut self, name: &str, items: &[S]) {
        self.string_members(name, items);
    }

    /// `<name><entry><key>K</key><value>V</value></entry>…</name>`: the model names no
    /// locations, so botocore reads the defaults.
    fn number_map(&mut self, name: &str, entries: &[(&str, i64)]) {
        self.nested(name, |w| {
            for (key, value) in entries {
                w.nested("entry", |w| {
                    w.element("key", key);
                    w.element("value", itoa::Buffer::new().format(*value));
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample;

    impl Shape for Sample {
        fn write<W: ShapeWriter>(&self, w: &mut W) {
            w.structure("User", |w| {
                w.string("UserName", "alice");
                w.secret("Password", "hunter2");
                w.optional("Missing", None);
                w.number("Count", 3);
                w.boolean("IsTruncated", false);
            });
            w.list("Groups", ["a", "b"], |w, name| w.string("GroupName", name));
            w.list("Empty", std::iter::empty::<&str>(), |w, name| {
                w.string("X", name);
            });
            w.strings("Names", &["x"]);
        }
    }

    #[test]
    fn writes_query_xml() {
        let mut w = XmlWriter::new();
        Sample.write(&mut w);
        let xml = w.finish().unwrap();
        assert_eq!(
            xml,
            "<User>\n  <UserName>alice</UserName>\n  <Password>hunter2</Password>\n  \
             <Count>3</Count>\n  <IsTruncated>false</IsTruncated>\n</User>\n<Groups>\n  \
             <member>\n    <GroupName>a</GroupName>\n  </member>\n  <member>\n    \
             <GroupName>b</GroupName>\n  </member>\n</Groups>\n<Empty/>\n<Names>\n  \
             <member>x</member>\n</Names>\n"
        );
    }
}
