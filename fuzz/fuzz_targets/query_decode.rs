//! `QueryRequest::parse` and every accessor and validator helper on arbitrary bytes: decoding
//! a hostile form body must never panic, only yield parameters or AWS errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegate_protocol::{QueryRequest, Service, Validator, model::sts};

fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into a body and a query string.
    let (split, rest) = match data.split_first() {
        Some((&split, rest)) => (usize::from(split).min(rest.len()), rest),
        None => (0, data),
    };
    let (body, query) = rest.split_at(split);
    let query = String::from_utf8_lossy(query);
    let Ok(request) = QueryRequest::parse(body, &query) else {
        return;
    };
    let _ = request.action();
    let _ = request.optional_i32("DurationSeconds");
    let _ = request.optional_bool("Flag");
    let _ = request.required_str("RoleArn");
    for member in request.list("PolicyArns", "member") {
        let _ = member.required_str("arn");
    }
    let _ = request.map_entries("Attributes");
    for service in [Service::Sts, Service::Iam] {
        let mut v = Validator::new(service);
        v.required(&request, "RoleArn", &sts::ARN);
        v.required(&request, "RoleSessionName", &sts::ROLE_SESSION_NAME);
        v.optional(&request, "ExternalId", &sts::EXTERNAL_ID);
        v.optional(&request, "Policy", &sts::UNRESTRICTED_SESSION_POLICY);
        let _ = v.optional_i32(&request, "DurationSeconds", &sts::ROLE_DURATION_SECONDS);
        let _ = v.tags(
            &request,
            "Tags",
            Some(sts::MAX_TAGS),
            &sts::TAG_KEY,
            &sts::TAG_VALUE,
        );
        let _ = v.string_list(
            &request,
            "TransitiveTagKeys",
            Some(sts::MAX_TAGS),
            &sts::TAG_KEY,
        );
        if let Err(error) = v.check() {
            let _ = error.to_xml(service, "fuzz");
        }
    }
});
