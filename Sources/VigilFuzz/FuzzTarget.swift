/// The parsers that take hostile input, each as a fuzz target: one function from arbitrary bytes that
/// must neither trap nor break a property of its parser. libFuzzer drives them (`scripts/fuzz.sh`),
/// and `FuzzReplayTests` replays the kept corpus and every crash ever found as regular tests.
///
/// A broken property traps (`precondition`), which is how libFuzzer learns of it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A filter pattern (the first line) compiled and matched against messages (the other lines).
    case patterns
    /// The strict JSON reader over arbitrary text, and JSON filter patterns over it as a log event.
    case json
    /// PutMetricFilter's input, as the API and `--cli-input-json` decode it, compiled and applied.
    case metricFilter = "metric-filter"
    /// PutMetricAlarm's input decoded and validated into an alarm.
    case alarm
    /// A CloudTrail log file split into its records.
    case cloudtrail
    /// gzip inflated by zlib, under a cap.
    case gzip
    /// A log event in the embedded metric format.
    case emf
    /// A Smithy RPC v2 CBOR body.
    case cbor
    /// An awsQuery form.
    case query
    /// Signature Version 4 parts and a credentials file.
    case sigv4
    /// A PutLogEvents body, read by the hot path and by the API decoder.
    case putLogEvents = "putlogevents"
    /// An SNS DeliveryPolicy, and a FilterPolicy judged on a message.
    case snsPolicy = "sns-policy"
    /// AWS's event-stream framing (StartLiveTail's responses).
    case eventStream = "eventstream"
    /// A Server-Sent Events stream (`GET /_vigil/tail`, as `vigil tail --endpoint-url` reads it).
    case serverSentEvents = "sse"

    /// Runs the target on one input.
    public func run(_ input: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(input)
        switch self {
        case .patterns: PatternsFuzz.run(bytes)
        case .json: JSONFuzz.run(bytes)
        case .metricFilter: MetricFilterFuzz.run(bytes)
        case .alarm: AlarmFuzz.run(bytes)
        case .cloudtrail: CloudTrailFuzz.run(bytes)
        case .gzip: GzipFuzz.run(bytes)
        case .emf: EmbeddedMetricsFuzz.run(bytes)
        case .cbor: CBORFuzz.run(bytes)
        case .query: QueryFuzz.run(bytes)
        case .sigv4: SigV4Fuzz.run(bytes)
        case .putLogEvents: PutLogEventsFuzz.run(bytes)
        case .snsPolicy: SNSPolicyFuzz.run(bytes)
        case .eventStream: EventStreamFuzz.run(bytes)
        case .serverSentEvents: ServerSentEventsFuzz.run(bytes)
        }
    }

    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { run($0) }
    }
}
