//! `rolegate lint --endpoint URL`: reads the caller's account from a running Rolegate with IAM
//! `GetAccountAuthorizationDetails` (SigV4-signed with the environment's credentials, following
//! `Marker` pages) and turns the XML into the JSON `aws iam get-account-authorization-details`
//! prints, so that the analyzer's inventory reads it exactly as it reads an exported file.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use quick_xml::events::Event;
use serde_json::{Map, Value};

const ACTION: &str = "GetAccountAuthorizationDetails";
const IAM_VERSION: &str = "2010-05-08";
/// The most IAM returns in one page.
const PAGE_SIZE: &str = "1000";
/// One request, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// A response body larger than this is refused rather than buffered.
const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// Deeper XML than any IAM response is refused (the conversion recurses).
const MAX_DEPTH: usize = 32;
/// The lists that pages extend, in the order the CLI prints them.
const PAGED_LISTS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// Why the inventory could not be read from the endpoint (the caller names the URL).
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("not an http:// URL with a host")]
    Url,
    #[error("https is not supported (no TLS in this build); use http://")]
    Https,
    #[error("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")]
    NoCredentials,
    #[error("cannot sign the request: {0}")]
    Signing(String),
    #[error("{0}")]
    Connect(std::io::Error),
    #[error("{0}")]
    Http(hyper::Error),
    #[error("no answer within {}s", REQUEST_TIMEOUT.as_secs())]
    Timeout,
    #[error("reading the response failed: {0}")]
    Body(String),
    /// IAM's error envelope.
    #[error("{code}: {message} (HTTP {status})")]
    Aws {
        status: u16,
        code: String,
        message: String,
    },
    #[error("HTTP {0} without an AWS error envelope")]
    Status(u16),
    #[error("unexpected response: {0}")]
    Response(String),
}

/// Long-term or temporary keys and the region to sign for.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: String,
}

impl Credentials {
    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, and
    /// `AWS_REGION` / `AWS_DEFAULT_REGION` (default `us-east-1`), as the AWS CLI reads them.
    pub fn from_env() -> Result<Self, EndpointError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, EndpointError> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let (Some(access_key_id), Some(secret_access_key)) =
            (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(EndpointError::NoCredentials);
        };
        Ok(Self {
            access_key_id,
            secret_access_key,
            session_token: get("AWS_SESSION_TOKEN"),
            region: get("AWS_REGION")
                .or_else(|| get("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "us-east-1".to_owned()),
        })
    }
}

/// Where requests go: `http://host[:port][/path]`.
#[derive(Debug)]
struct Target {
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, EndpointError> {
        let bad = || EndpointError::Url;
        let uri: Uri = url.parse().map_err(|_| bad())?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => return Err(EndpointError::Https),
            _ => return Err(bad()),
        }
        let authority = uri.authority().ok_or_else(bad)?;
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            host: host.to_owned(),
            port: authority.port_u16().unwrap_or(80),
            authority: authority.as_str().to_owned(),
            path: uri.path().to_owned(),
        })
    }
}

/// The form body of one page's request.
fn page_body(marker: Option<&str>) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", ACTION)
        .append_pair("Version", IAM_VERSION)
        .append_pair("MaxItems", PAGE_SIZE);
    if let Some(marker) = marker {
        form.append_pair("Marker", marker);
    }
    form.finish()
}

/// The request's headers, SigV4 headers included (`Authorization`, `X-Amz-Date`, and
/// `X-Amz-Security-Token` for temporary credentials).
fn signed_headers(
    target: &Target,
    body: &str,
    credentials: &Credentials,
    at: SystemTime,
) -> Result<Vec<(String, String)>, EndpointError> {
    let mut headers = vec![
        ("host".to_owned(), target.authority.clone()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
    ];
    let identity = AwsCredentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "environment",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&credentials.region)
        .name("iam")
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| EndpointError::Signing(e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        format!("http://{}{}", target.authority, target.path),
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| EndpointError::Signing(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| EndpointError::Signing(e.to_string()))?
        .into_parts();
    headers.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned())),
    );
    Ok(headers)
}

/// One POST on a fresh connection: (status, body).
async fn post(
    target: &Target,
    headers: &[(String, String)],
    body: String,
) -> Result<(u16, String), EndpointError> {
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(EndpointError::Connect)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(EndpointError::Http)?;
    let driver = tokio::spawn(connection);
    let mut request = Request::post(target.path.as_str());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| EndpointError::Signing(e.to_string()))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(EndpointError::Http)?;
    let status = response.status().as_u16();
    let bytes = Limited::new(response.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|e| EndpointError::Body(e.to_string()))?
        .to_bytes();
    driver.abort();
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| EndpointError::Body(e.to_string()))?;
    Ok((status, text))
}

/// The whole account as `aws iam get-account-authorization-details` prints it (every page).
pub fn fetch_authorization_details(
    url: &str,
    credentials: &Credentials,
) -> Result<Value, EndpointError> {
    let target = Target::parse(url)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(EndpointError::Connect)?;
    runtime.block_on(fetch_pages(&target, credentials))
}

async fn fetch_pages(target: &Target, credentials: &Credentials) -> Result<Value, EndpointError> {
    let mut merged = Map::new();
    for list in PAGED_LISTS {
        merged.insert(list.to_owned(), Value::Array(Vec::new()));
    }
    let mut marker: Option<String> = None;
    loop {
        let body = page_body(marker.as_deref());
        let headers = signed_headers(target, &body, credentials, SystemTime::now())?;
        let (status, text) = tokio::time::timeout(REQUEST_TIMEOUT, post(target, &headers, body))
            .await
            .map_err(|_| EndpointError::Timeout)??;
        if status != 200 {
            return Err(error_of(&text, status).unwrap_or(EndpointError::Status(status)));
        }
        let page = result_of(&text)?;
        for list in PAGED_LISTS {
            if let (Some(Value::Array(into)), Some(Value::Array(items))) =
                (merged.get_mut(list), page.get(list))
            {
                into.extend(items.iter().cloned());
            }
        }
        let next = match (page.get("IsTruncated"), page.get("Marker")) {
            (Some(Value::Bool(true)), Some(Value::String(next))) => next.clone(),
            (Some(Value::Bool(true)), _) => {
                return Err(EndpointError::Response(
                    "IsTruncated without a Marker".to_owned(),
                ));
            }
            _ => return Ok(Value::Object(merged)),
        };
        if marker.as_deref() == Some(next.as_str()) {
            return Err(EndpointError::Response(format!(
                "the server repeated Marker {next}"
            )));
        }
        marker = Some(next);
    }
}

/// An XML element: its name, child elements and text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses a whole document into its root element.
fn parse_xml(text: &str) -> Result<Element, EndpointError> {
    let bad = |reason: String| EndpointError::Response(format!("malformed XML: {reason}"));
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let open = |e: &quick_xml::events::BytesStart<'_>| Element {
        name: e.local_name().as_ref().to_owned(),
        ..Element::default()
    };
    loop {
        let event = reader.read_event().map_err(|e| bad(e.to_string()))?;
        let closed = match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!("nested deeper than {MAX_DEPTH}")));
                }
                stack.push(open(&e));
                None
            }
            Event::Empty(e) => Some(open(&e)),
            Event::End(_) => stack.pop(),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| bad(format!("unknown entity &{};", &*r)))?
                        .to_owned(),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(element) = closed {
            match stack.last_mut() {
                Some(parent) => parent.children.push(element),
                None => root = Some(element),
            }
        }
    }
    root.ok_or_else(|| bad("no root element".to_owned()))
}

/// IAM's error envelope (`<ErrorResponse><Error><Code/><Message/>`), if `text` is one.
fn error_of(text: &str, status: u16) -> Option<EndpointError> {
    let root = parse_xml(text).ok()?;
    let error = root.child("Error")?;
    Some(EndpointError::Aws {
        status,
        code: error.child("Code")?.text.clone(),
        message: error
            .child("Message")
            .map(|m| m.text.clone())
            .unwrap_or_default(),
    })
}

/// A success response's `…Result` as JSON.
fn result_of(text: &str) -> Result<Map<String, Value>, EndpointError> {
    let root = parse_xml(text)?;
    let result = root
        .child(&format!("{ACTION}Result"))
        .filter(|_| root.name == format!("{ACTION}Response"))
        .ok_or_else(|| {
            EndpointError::Response(format!("<{}> is not a {ACTION} response", root.name))
        })?;
    match to_json(result) {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// Members of the response that are lists (`<Name><member>…</member></Name>`).
const LISTS: [&str; 14] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "UserPolicyList",
    "GroupPolicyList",
    "RolePolicyList",
    "GroupList",
    "AttachedManagedPolicies",
    "Tags",
    "InstanceProfileList",
    "Roles",
    "PolicyVersionList",
    "ClientIDList",
];
/// Structures that may be empty (`<RoleLastUsed/>`).
const STRUCTURES: [&str; 2] = ["RoleLastUsed", "PermissionsBoundary"];
const BOOLEANS: [&str; 3] = ["IsTruncated", "IsDefaultVersion", "IsAttachable"];
const INTEGERS: [&str; 3] = [
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "MaxSessionDuration",
];
/// `policyDocumentType` members: URL-encoded JSON on the wire.
const DOCUMENTS: [&str; 3] = ["AssumeRolePolicyDocument", "PolicyDocument", "Document"];

/// An element's value as botocore parses it: lists, structures, booleans, integers, and
/// policy documents URL-decoded and parsed (the AWS CLI prints them as JSON objects).
fn to_json(element: &Element) -> Value {
    let name = element.name.as_str();
    if LISTS.contains(&name) {
        return Value::Array(
            element
                .children
                .iter()
                .filter(|c| c.name == "member")
                .map(member_json)
                .collect(),
        );
    }
    if !element.children.is_empty() || STRUCTURES.contains(&name) {
        return structure(element);
    }
    let text = element.text.as_str();
    if BOOLEANS.contains(&name) {
        return Value::Bool(text == "true");
    }
    if INTEGERS.contains(&name)
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::from(n);
    }
    if DOCUMENTS.contains(&name) {
        let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
        return serde_json::from_str(&decoded)
            .unwrap_or_else(|_| Value::String(decoded.into_owned()));
    }
    Value::String(text.to_owned())
}

/// A list member: a structure, or a string (`GroupList`, `ClientIDList`).
fn member_json(member: &Element) -> Value {
    if member.children.is_empty() {
        Value::String(member.text.clone())
    } else {
        structure(member)
    }
}

fn structure(element: &Element) -> Value {
    Value::Object(
        element
            .children
            .iter()
            .map(|c| (c.name.clone(), to_json(c)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PAGE: &str = r#"<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountAuthorizationDetailsResult>
    <UserDetailList>
      <member>
        <Path>/</Path>
        <UserName>alice</UserName>
        <UserId>AIDAEXAMPLE</UserId>
        <Arn>arn:aws:iam::111122223333:user/alice</Arn>
        <CreateDate>2026-01-01T00:00:00Z</CreateDate>
        <UserPolicyList>
          <member>
            <PolicyName>Assume</PolicyName>
            <PolicyDocument>%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</PolicyDocument>
          </member>
        </UserPolicyList>
        <GroupList/>
        <AttachedManagedPolicies/>
        <Tags>
          <member>
            <Key>team</Key>
            <Value>a &amp; b &lt;c&gt; &#233;</Value>
          </member>
        </Tags>
      </member>
    </UserDetailList>
    <GroupDetailList/>
    <RoleDetailList>
      <member>
        <Path>/app/</Path>
        <RoleName>Deploy</RoleName>
        <RoleId>AROAEXAMPLE</RoleId>
        <Arn>arn:aws:iam::111122223333:role/app/Deploy</Arn>
        <CreateDate>2026-01-01T00:00:00Z</CreateDate>
        <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D</AssumeRolePolicyDocument>
        <InstanceProfileList/>
        <RolePolicyList/>
        <AttachedManagedPolicies>
          <member>
            <PolicyName>ReadRoles</PolicyName>
            <PolicyArn>arn:aws:iam::111122223333:policy/ReadRoles</PolicyArn>
          </member>
        </AttachedManagedPolicies>
        <PermissionsBoundary>
          <PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>
          <PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/Boundary</PermissionsBoundaryArn>
        </PermissionsBoundary>
        <RoleLastUsed></RoleLastUsed>
      </member>
    </RoleDetailList>
    <Policies>
      <member>
        <PolicyName>ReadRoles</PolicyName>
        <Arn>arn:aws:iam::111122223333:policy/ReadRoles</Arn>
        <AttachmentCount>1</AttachmentCount>
        <IsAttachable>true</IsAttachable>
        <PolicyVersionList>
          <member>
            <Document>not%20json</Document>
            <VersionId>v1</VersionId>
            <IsDefaultVersion>true</IsDefaultVersion>
          </member>
        </PolicyVersionList>
      </member>
    </Policies>
    <IsTruncated>true</IsTruncated>
    <Marker>3</Marker>
  </GetAccountAuthorizationDetailsResult>
  <ResponseMetadata>
    <RequestId>rid</RequestId>
  </ResponseMetadata>
</GetAccountAuthorizationDetailsResponse>
"#;

    #[test]
    fn a_page_becomes_the_cli_json() {
        let page = Value::Object(result_of(PAGE).unwrap());
        assert_eq!(
            page,
            json!({
                "UserDetailList": [{
                    "Path": "/",
                    "UserName": "alice",
                    "UserId": "AIDAEXAMPLE",
                    "Arn": "arn:aws:iam::111122223333:user/alice",
                    "CreateDate": "2026-01-01T00:00:00Z",
                    "UserPolicyList": [{
                        "PolicyName": "Assume",
                        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
                    }],
                    "GroupList": [],
                    "AttachedManagedPolicies": [],
                    "Tags": [{"Key": "team", "Value": "a & b <c> é"}]
                }],
                "GroupDetailList": [],
                "RoleDetailList": [{
                    "Path": "/app/",
                    "RoleName": "Deploy",
                    "RoleId": "AROAEXAMPLE",
                    "Arn": "arn:aws:iam::111122223333:role/app/Deploy",
                    "CreateDate": "2026-01-01T00:00:00Z",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
                            "Action": "sts:AssumeRole"
                        }]
                    },
                    "InstanceProfileList": [],
                    "RolePolicyList": [],
                    "AttachedManagedPolicies": [{
                        "PolicyName": "ReadRoles",
                        "PolicyArn": "arn:aws:iam::111122223333:policy/ReadRoles"
                    }],
                    "PermissionsBoundary": {
                        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                        "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/Boundary"
                    },
                    "RoleLastUsed": {}
                }],
                "Policies": [{
                    "PolicyName": "ReadRoles",
                    "Arn": "arn:aws:iam::111122223333:policy/ReadRoles",
                    "AttachmentCount": 1,
                    "IsAttachable": true,
                    "PolicyVersionList": [{
                        "Document": "not json",
                        "VersionId": "v1",
                        "IsDefaultVersion": true
                    }]
                }],
                "IsTruncated": true,
                "Marker": "3"
            })
        );
    }

    #[test]
    fn the_json_feeds_the_inventory() {
        let mut page = result_of(PAGE).unwrap();
        page.remove("IsTruncated");
        page.remove("Marker");
        let mut inventory = rolegate_analyzer::Inventory::default();
        inventory
            .add_json("endpoint", &Value::Object(page).to_string())
            .unwrap();
        assert_eq!(inventory.roles.len(), 1);
        assert_eq!(inventory.users.len(), 1);
        assert_eq!(inventory.users[0].identity.len(), 1);
        assert_eq!(inventory.roles[0].managed, ["ReadRoles"]);
    }

    #[test]
    fn error_envelopes_give_code_and_message() {
        let xml = r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::1:user/x is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *</Message>
  </Error>
  <RequestId>rid</RequestId>
</ErrorResponse>"#;
        let error = error_of(xml, 403).unwrap();
        assert_eq!(
            error.to_string(),
            "AccessDenied: User: arn:aws:iam::1:user/x is not authorized to perform: \
             iam:GetAccountAuthorizationDetails on resource: * (HTTP 403)"
        );
        assert!(error_of("<html>bad gateway</html>", 502).is_none());
        assert!(error_of("not xml at all <", 500).is_none());
    }

    #[test]
    fn other_responses_are_rejected() {
        let other = "<GetUserResponse><GetUserResult/></GetUserResponse>";
        assert!(matches!(result_of(other), Err(EndpointError::Response(_))));
        assert!(matches!(
            result_of("<a><b></a>"),
            Err(EndpointError::Response(_))
        ));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(result_of(&deep), Err(EndpointError::Response(_))));
        assert!(matches!(result_of(""), Err(EndpointError::Response(_))));
    }

    #[test]
    fn urls() {
        let t = Target::parse("http://127.0.0.1:4599").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 4599, "/")
        );
        assert_eq!(t.authority, "127.0.0.1:4599");
        let t = Target::parse("http://[::1]/iam").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 80, "/iam")
        );
        assert!(matches!(
            Target::parse("https://iam.amazonaws.com"),
            Err(EndpointError::Https)
        ));
        for bad in ["127.0.0.1:4599", "ftp://x", "http://", "not a url"] {
            assert!(
                matches!(Target::parse(bad), Err(EndpointError::Url)),
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_come_from_the_environment_names() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let c = Credentials::from_lookup(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", ""),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]))
        .unwrap();
        assert_eq!(c.session_token, None);
        assert_eq!(c.region, "eu-west-1");
        let c = Credentials::from_lookup(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
            ("AWS_REGION", "ap-south-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]))
        .unwrap();
        assert_eq!(c.session_token.as_deref(), Some("token"));
        assert_eq!(c.region, "ap-south-1");
        let c = Credentials::from_lookup(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ]))
        .unwrap();
        assert_eq!(c.region, "us-east-1");
        assert!(matches!(
            Credentials::from_lookup(env(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")])),
            Err(EndpointError::NoCredentials)
        ));
    }

    #[test]
    fn requests_verify_with_rolegates_own_sigv4() {
        let target = Target::parse("http://127.0.0.1:4599").unwrap();
        let credentials = Credentials {
            access_key_id: "AKIAROOTA00000000001".to_owned(),
            secret_access_key: "root-a-secret".to_owned(),
            session_token: Some("token".to_owned()),
            region: "us-east-1".to_owned(),
        };
        let body = page_body(Some("2"));
        assert_eq!(
            body,
            "Action=GetAccountAuthorizationDetails&Version=2010-05-08&MaxItems=1000&Marker=2"
        );
        let at = SystemTime::now();
        let headers = signed_headers(&target, &body, &credentials, at).unwrap();
        assert!(
            headers
                .iter()
                .any(|(n, v)| n == "x-amz-security-token" && v == "token")
        );
        let borrowed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = rolegate_sigv4::HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &borrowed,
            body: body.as_bytes(),
        };
        let auth = rolegate_sigv4::parse(&request).unwrap();
        let now = time::OffsetDateTime::from(at);
        let options = rolegate_sigv4::VerifyOptions::new(&["iam"]);
        rolegate_sigv4::verify(&request, &auth, "root-a-secret", now, &options).unwrap();
        assert!(rolegate_sigv4::verify(&request, &auth, "another-secret", now, &options).is_err());
    }

    #[test]
    fn an_unreachable_endpoint_is_an_error_not_a_hang() {
        // Bind then drop a listener: its port refuses connections.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let credentials = Credentials {
            access_key_id: "AKID".to_owned(),
            secret_access_key: "secret".to_owned(),
            session_token: None,
            region: "us-east-1".to_owned(),
        };
        let error = fetch_authorization_details(&format!("http://127.0.0.1:{port}"), &credentials)
            .unwrap_err();
        assert!(matches!(error, EndpointError::Connect(_)), "{error}");
    }
}
