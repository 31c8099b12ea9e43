//! The HTTP request as SigV4 sees it: plain borrowed slices, so that any server (hyper, a test,
//! a fuzzer) can hand one over without this crate knowing about HTTP libraries.

/// One received HTTP request, borrowed from whatever server read it.
///
/// `path` and `query` are exactly as they appeared on the wire (still percent-encoded); `headers`
/// keeps every header line in arrival order, names in any case, repeated names repeated. A server
/// on HTTP/2 should pass the `:authority` pseudo-header as a `host` header.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The raw, undecoded path, e.g. `/` or `/a%20b`.
    pub path: &'a str,
    /// The raw query string without the leading `?` (empty when there is none).
    pub query: &'a str,
    /// Every header as `(name, value)`, in arrival order.
    pub headers: &'a [(&'a str, &'a str)],
    /// The request body.
    pub body: &'a [u8],
}

impl<'a> HttpRequest<'a> {
    /// The first value of header `name` (ASCII case-insensitive), as AWS uses the first one.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers_named(name).next()
    }

    /// Every value of header `name` (ASCII case-insensitive), in arrival order.
    pub fn headers_named<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a str> + 'n
    where
        'a: 'n,
    {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive_and_keeps_order() {
        let headers = [("Host", "a"), ("X-Amz-Date", "d"), ("host", "b")];
        let request = HttpRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        assert_eq!(request.header("HOST"), Some("a"));
        assert_eq!(
            request.headers_named("host").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(request.header("date"), None);
    }
}
