//! Limits that keep the service up under load and against oversized or runaway requests.
//!
//! One tower layer, [`LimitsLayer`], applies to every RPC except health, reflection and admin:
//!
//! - **Load shedding**: at most `limits.max_concurrent_requests` requests are worked on at once.
//!   One more is answered at once with RESOURCE_EXHAUSTED, a `google.rpc.RetryInfo` detail and the
//!   `grpc-retry-pushback-ms` metadata, instead of queueing: under a peak (STAP windows sold out in
//!   days, with peaks at the opening) a fast "try again in a moment" keeps the admitted requests
//!   fast, where a queue would make every request slow and then time out.
//! - **Deadlines**: the client's `grpc-timeout`, or `limits.default_timeout_ms` when it sends none.
//!   When it passes, the handler's future is dropped and the client gets DEADLINE_EXCEEDED. Work on
//!   the blocking pool cannot be dropped, so it runs through [`blocking`], which hands it a [`Work`]
//!   to check: it stops at its next check once the deadline has passed or the caller is gone.
//! - **Items per repeated field**: [`check_items`] counts every repeated field of a decoded request
//!   (nested ones too) against `limits.max_items_per_field` and names each field that is too long.
//!   It is generic — it walks the message through its `Serialize` impl — so it covers RPCs added
//!   later; each handler calls it first. RPCs keep their own, lower limits (1,000 ids per batch).
//!
//! The largest request message (`limits.max_request_bytes`) is enforced by tonic's decoder per
//! service (OUT_OF_RANGE), see `server::serve`.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use super::error::ApiError;
use crate::settings::{DEFAULT_MAX_ITEMS_PER_FIELD, LimitSettings};

/// How long a shed client is asked to wait before it retries. Requests here take milliseconds
/// (BENCHMARKS.md), so a quarter second lets the burst in progress drain without idling the server.
pub const RETRY_AFTER: Duration = Duration::from_millis(250);

/// Taken off a client's own deadline so that the server answers DEADLINE_EXCEEDED itself, just
/// before tonic's transport timer for the same deadline would answer CANCELLED.
const DEADLINE_MARGIN: Duration = Duration::from_millis(2);

/// The limits of one request, put into its extensions by [`LimitsLayer`] for the handler.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// When the work must stop.
    pub deadline: Instant,
    pub max_items_per_field: usize,
}

/// Paths outside the limits: probes and tooling must answer when the server is at its limit, and
/// an operator must be able to reload the data of an overloaded server.
fn is_exempt(path: &str) -> bool {
    path.starts_with("/grpc.health.")
        || path.starts_with("/grpc.reflection.")
        || path.starts_with("/vaardig.v1.AdminService/")
}

/// The tower layer; see the module documentation.
#[derive(Debug, Clone)]
pub struct LimitsLayer {
    permits: Arc<Semaphore>,
    max_concurrent: usize,
    default_timeout: Duration,
    max_items_per_field: usize,
}

impl LimitsLayer {
    pub fn new(settings: &LimitSettings) -> LimitsLayer {
        LimitsLayer {
            permits: Arc::new(Semaphore::new(settings.max_concurrent_requests)),
            max_concurrent: settings.max_concurrent_requests,
            default_timeout: Duration::from_millis(settings.default_timeout_ms),
            max_items_per_field: settings.max_items_per_field,
        }
    }
}

impl<S> tower::Layer<S> for LimitsLayer {
    type Service = Limits<S>;

    fn layer(&self, inner: S) -> Limits<S> {
        Limits { inner, config: self.clone() }
    }
}

/// The service of [`LimitsLayer`].
#[derive(Debug, Clone)]
pub struct Limits<S> {
    inner: S,
    config: LimitsLayer,
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

impl<S, B, ResBody> tower::Service<http::Request<B>> for Limits<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<http::Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // The clone is ready only if polled; take the one that was (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        if is_exempt(request.uri().path()) {
            return Box::pin(inner.call(request));
        }
        let Ok(permit) = self.config.permits.clone().try_acquire_owned() else {
            let status = overloaded(self.config.max_concurrent);
            return Box::pin(async move { Ok(status.into_http()) });
        };
        let timeout = match client_timeout(request.headers()) {
            Some(timeout) => timeout.saturating_sub(DEADLINE_MARGIN),
            None => self.config.default_timeout,
        };
        let deadline = Instant::now() + timeout;
        request
            .extensions_mut()
            .insert(RequestLimits { deadline, max_items_per_field: self.config.max_items_per_field });
        Box::pin(async move {
            let _permit = permit;
            match tokio::time::timeout_at(deadline, inner.call(request)).await {
                Ok(response) => response,
                Err(_) => Ok(deadline_exceeded(timeout).into_http()),
            }
        })
    }
}

/// RESOURCE_EXHAUSTED with the retry hint in both forms clients read: the RetryInfo detail and
/// gRPC's retry pushback metadata.
pub fn overloaded(max_concurrent: usize) -> Status {
    let millis = RETRY_AFTER.as_millis() as u64;
    let mut status = Status::with_error_details(
        Code::ResourceExhausted,
        format!("server at its limit of {max_concurrent} concurrent requests; retry after {millis} ms"),
        ErrorDetails::with_retry_info(Some(RETRY_AFTER)),
    );
    status.metadata_mut().insert("grpc-retry-pushback-ms", millis.into());
    status
}

fn deadline_exceeded(timeout: Duration) -> Status {
    Status::deadline_exceeded(format!("deadline of {} ms passed; the work was stopped", timeout.as_millis()))
}

/// The `grpc-timeout` header: at most 8 digits and a unit (H, M, S, m, u, n).
fn client_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let raw = headers.get("grpc-timeout")?.to_str().ok()?;
    if raw.len() < 2 || raw.len() > 9 {
        return None;
    }
    let (digits, unit) = raw.split_at(raw.len() - 1);
    let value: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(value.saturating_mul(3600)),
        "M" => Duration::from_secs(value.saturating_mul(60)),
        "S" => Duration::from_secs(value),
        "m" => Duration::from_millis(value),
        "u" => Duration::from_micros(value),
        "n" => Duration::from_nanos(value),
        _ => return None,
    })
}

/// The limits of `request`; without the layer (the CLI's in-process search) the defaults, and no
/// deadline.
pub fn limits_of<T>(request: &tonic::Request<T>) -> Option<RequestLimits> {
    request.extensions().get::<RequestLimits>().copied()
}

/// Checks every repeated field of `request`'s message against the limit of the request.
pub fn check_items<T: Serialize>(request: &tonic::Request<T>) -> Result<(), ApiError> {
    let max = limits_of(request).map_or(DEFAULT_MAX_ITEMS_PER_FIELD, |l| l.max_items_per_field);
    check_message(request.get_ref(), "", max)
}

/// Checks every repeated field (and map) of `message` against `max` items; field names are
/// prefixed with `prefix` (e.g. `candidates[3].` inside a stream).
pub fn check_message<T: Serialize>(message: &T, prefix: &str, max: usize) -> Result<(), ApiError> {
    let mut walk = ItemWalk { max, path: Vec::new(), violations: Vec::new() };
    // The walk itself never fails: `Never` is only there to satisfy the serde traits.
    let _ = message.serialize(&mut walk);
    if walk.violations.is_empty() {
        return Ok(());
    }
    Err(ApiError::InvalidArgument(
        walk.violations
            .into_iter()
            .map(|(path, len)| (format!("{prefix}{path}"), format!("at most {max} items, not {len}")))
            .collect(),
    ))
}

/// A request's work on the blocking pool, and whether it should still go on.
#[derive(Debug, Clone)]
pub struct Work {
    deadline: Option<Instant>,
    abandoned: Arc<AtomicBool>,
}

impl Work {
    /// `Err` once the deadline has passed or the caller stopped waiting (client cancelled,
    /// deadline layer gave up); blocking work calls this between its steps and returns the error.
    pub fn check(&self) -> Result<(), Status> {
        if self.abandoned.load(Ordering::Relaxed) {
            return Err(Status::cancelled("the request was cancelled; the work was stopped"));
        }
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => {
                Err(Status::deadline_exceeded("the deadline passed; the work was stopped"))
            }
            _ => Ok(()),
        }
    }
}

/// Marks the work abandoned when the awaiting future is dropped.
struct AbandonOnDrop(Arc<AtomicBool>);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on the blocking pool (CPU work longer than an async task should hold a runtime
/// thread), checked against `limits`: it does not start when the deadline passed while it waited
/// for a thread, and it can [`Work::check`] between its steps.
pub async fn blocking<T: Send + 'static>(
    limits: Option<RequestLimits>,
    work: impl FnOnce(&Work) -> Result<T, Status> + Send + 'static,
) -> Result<T, Status> {
    let abandoned = Arc::new(AtomicBool::new(false));
    let handle = Work { deadline: limits.map(|l| l.deadline), abandoned: abandoned.clone() };
    // Dropped with this future: when the deadline layer or a cancelling client drops it first, the
    // blocking work sees it at its next check. (After completion the mark is harmless.)
    let _guard = AbandonOnDrop(abandoned);
    let result = tokio::task::spawn_blocking(move || {
        handle.check()?;
        work(&handle)
    })
    .await;
    result.map_err(|e| Status::internal(format!("request task failed: {e}")))?
}

/// One step of a field path.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Field(&'static str),
    Index(usize),
}

/// A `serde::Serializer` that writes nothing: it walks a message and notes every sequence or map
/// longer than `max`, with its path.
struct ItemWalk {
    max: usize,
    path: Vec<Segment>,
    violations: Vec<(String, usize)>,
}

impl ItemWalk {
    fn note_len(&mut self, len: Option<usize>) {
        if let Some(len) = len.filter(|&len| len > self.max) {
            let mut path = String::new();
            for segment in &self.path {
                match segment {
                    Segment::Field(name) => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(name);
                    }
                    Segment::Index(i) => path.push_str(&format!("[{i}]")),
                }
            }
            self.violations.push((path, len));
        }
    }

    fn next_index(&mut self) {
        if let Some(Segment::Index(i)) = self.path.last_mut() {
            *i = i.wrapping_add(1);
        }
    }
}

/// The walk's error type; never produced.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

impl serde::ser::Error for Never {
    fn custom<M: std::fmt::Display>(_message: M) -> Never {
        Never
    }
}

/// Serde calls `oneof` variants by their Rust names (`Vacancy`); the proto field is `vacancy`.
fn snake_case(name: &'static str) -> &'static str {
    if name.bytes().all(|b| !b.is_ascii_uppercase()) {
        return name;
    }
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    // Only reached for a violation inside a oneof; the few bytes leaked name a field in an error.
    Box::leak(out.into_boxed_str())
}

macro_rules! ignore_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, _value: $ty) -> Result<(), Never> { Ok(()) })*
    };
}

impl serde::Serializer for &mut ItemWalk {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore_scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str, serialize_bytes: &[u8],
        serialize_unit_struct: &'static str,
    );

    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, _variant: &'static str) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        // A oneof: the Rust field holds the oneof's name, the proto path names the variant.
        let replaced = self.path.pop();
        self.path.push(Segment::Field(snake_case(variant)));
        value.serialize(&mut *self)?;
        self.path.pop();
        if let Some(segment) = replaced {
            self.path.push(segment);
        }
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Never> {
        self.note_len(len);
        self.path.push(Segment::Index(usize::MAX));
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self, Never> {
        self.note_len(len);
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
}

impl serde::ser::SerializeSeq for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        self.next_index();
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Never> {
        self.path.pop();
        Ok(())
    }
}

impl serde::ser::SerializeTuple for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Never> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleStruct for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Never> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleVariant for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Never> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeMap for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, _key: &T) -> Result<(), Never> {
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl serde::ser::SerializeStruct for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        self.path.push(Segment::Field(key));
        value.serialize(&mut **self)?;
        self.path.pop();
        Ok(())
    }

    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl serde::ser::SerializeStructVariant for &mut ItemWalk {
    type Ok = ();
    type Error = Never;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Never> {
        serde::ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::v1 as pb;

    #[test]
    fn names_every_repeated_field_over_the_limit_with_its_path() {
        let request = pb::BatchGetConceptsRequest { ids: vec!["a".into(); 4], ..Default::default() };
        assert!(check_message(&request, "", 4).is_ok());
        let error = check_message(&request, "", 3).unwrap_err();
        assert_eq!(error, ApiError::InvalidArgument(vec![("ids".into(), "at most 3 items, not 4".into())]));

        let profile = pb::Profile {
            skills: vec![pb::SkillClaim { skill_id: "x".into(), ..Default::default() }; 5],
            credential_ids: vec!["c".into(); 2],
            ..Default::default()
        };
        let request = pb::ComputeSkillGapRequest { profile: Some(profile), ..Default::default() };
        let ApiError::InvalidArgument(violations) = check_message(&request, "", 3).unwrap_err() else { panic!() };
        assert_eq!(violations, [("profile.skills".to_string(), "at most 3 items, not 5".to_string())]);
    }

    /// Blocking work that checks [`Work`] stops at the deadline, and when its caller goes away.
    #[tokio::test]
    async fn blocking_work_notices_deadline_and_abandonment() {
        let spin = |work: &Work| -> Result<(), Status> {
            loop {
                work.check()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        };
        let limits = RequestLimits { deadline: Instant::now() + Duration::from_millis(50), max_items_per_field: 1 };
        let status = blocking(Some(limits), spin).await.unwrap_err();
        assert_eq!(status.code(), Code::DeadlineExceeded);

        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel();
        let far = RequestLimits { deadline: Instant::now() + Duration::from_secs(60), max_items_per_field: 1 };
        let abandoned = tokio::time::timeout(
            Duration::from_millis(50),
            blocking(Some(far), move |work| {
                let result = spin(work);
                let _ = stopped_tx.send(result.unwrap_err().code());
                Ok(())
            }),
        )
        .await;
        assert!(abandoned.is_err(), "the caller gave up first");
        let code = stopped_rx.recv_timeout(Duration::from_secs(5)).expect("the blocking work stopped");
        assert_eq!(code, Code::Cancelled);
    }

    #[test]
    fn grpc_timeout_header_units() {
        let mut headers = http::HeaderMap::new();
        for (raw, expected) in
            [("100m", Duration::from_millis(100)), ("2S", Duration::from_secs(2)), ("5u", Duration::from_micros(5))]
        {
            headers.insert("grpc-timeout", raw.parse().unwrap());
            assert_eq!(client_timeout(&headers), Some(expected), "{raw}");
        }
        headers.insert("grpc-timeout", "123456789m".parse().unwrap());
        assert_eq!(client_timeout(&headers), None);
    }
}
