import Hummingbird
import VigilAPI
import VigilPatterns

/// One operation, written once and served on every protocol: the request's members in (a JSON tree,
/// whichever codec built it), the typed output out, errors as the service's typed values.
///
/// The codecs are separate from the operation: awsJson parses its body into the tree
/// (``AWSJSONProtocol``), awsQuery builds it from the form (``AWSQueryMembers``), and each writes the
/// output in its own way. The tree decodes into the typed input with the one API decoder, so a bad
/// member is the same AWS error the CLI reports.
///
/// ```swift
/// let op = AWSOperation.decoded(CloudWatchLogs.DescribeLogGroupsInput.self, mapError: CloudWatchLogsError.init) {
///     try await logs.describeLogGroups($0)
/// }
/// ```
struct AWSOperation: Sendable {
    /// Decodes the members (`textScalars`: numbers and booleans may be text, as awsQuery sends them),
    /// runs the operation and returns its output; nil for an operation whose output has no members.
    let run: @Sendable (_ members: JSONValue, _ textScalars: Bool) async throws -> (any Encodable & Sendable)?
    /// The service's error for input that cannot be decoded.
    let mapError: @Sendable (APIInputError) -> any Error
    /// For a hot operation (PutLogEvents): reads an awsJson body straight from its bytes and runs the
    /// operation, or answers nil when the body is not in the plain shape it reads, and `run` decides.
    var plainJSON: (@Sendable (_ body: [UInt8]) async throws -> (any Encodable & Sendable)?)?
    /// For an operation that answers with an event stream (StartLiveTail, on awsJson): decodes and checks
    /// the request — a refusal is an ordinary error response — then returns the body that streams.
    var stream: (@Sendable (_ members: JSONValue) async throws -> ResponseBody)?
    /// The largest request body the operation takes, as sent (compressed, when it is): 1 MiB unless
    /// the operation says otherwise (``bodyLimit(_:)``).
    var maximumBodyBytes = AWSOperation.defaultMaximumBodyBytes

    /// The body cap of an operation that sets none: 1 MiB, CloudWatch's documented cap for
    /// PutMetricData and far above what the other operations' members can add up to.
    static let defaultMaximumBodyBytes = 1 << 20

    init(
        run: @escaping @Sendable (JSONValue, Bool) async throws -> (any Encodable & Sendable)?,
        mapError: @escaping @Sendable (APIInputError) -> any Error
    ) {
        self.run = run
        self.mapError = mapError
    }

    /// This operation taking bodies of up to `bytes`.
    func bodyLimit(_ bytes: Int) -> AWSOperation {
        var copy = self
        copy.maximumBodyBytes = bytes
        return copy
    }

    /// This operation with a reader of plain awsJson bodies in front of the generic decoder.
    func reading(plainJSON: @escaping @Sendable (_ body: [UInt8]) async throws -> (any Encodable & Sendable)?)
        -> AWSOperation
    {
        var copy = self
        copy.plainJSON = plainJSON
        return copy
    }

    /// An operation with an output.
    static func decoded<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ input: Input.Type, mapError: @escaping @Sendable (APIInputError) -> any Error,
        _ body: @escaping @Sendable (Input) async throws -> Output
    ) -> AWSOperation {
        AWSOperation(
            run: { members, textScalars in
                try await body(try decodeInput(Input.self, members, textScalars: textScalars, mapError))
            }, mapError: mapError)
    }

    /// An operation whose output is an event stream, served on awsJson only (`unavailable` elsewhere).
    static func streamed<Input: Decodable & Sendable>(
        _ input: Input.Type, mapError: @escaping @Sendable (APIInputError) -> any Error, unavailable: any Error,
        _ body: @escaping @Sendable (Input) async throws -> ResponseBody
    ) -> AWSOperation {
        var operation = AWSOperation(run: { _, _ in throw unavailable }, mapError: mapError)
        operation.stream = { members in
            try await body(try decodeInput(Input.self, members, textScalars: false, mapError))
        }
        return operation
    }

    /// An operation whose output has no members.
    static func noOutput<Input: Decodable & Sendable>(
        _ input: Input.Type, mapError: @escaping @Sendable (APIInputError) -> any Error,
        _ body: @escaping @Sendable (Input) async throws -> Void
    ) -> AWSOperation {
        AWSOperation(
            run: { members, textScalars in
                try await body(try decodeInput(Input.self, members, textScalars: textScalars, mapError))
                return nil
            }, mapError: mapError)
    }

    static func decodeInput<Input: Decodable>(
        _ type: Input.Type, _ members: JSONValue, textScalars: Bool,
        _ mapError: @Sendable (APIInputError) -> any Error
    ) throws -> Input {
        do throws(APIInputError) {
            return try APIDecoder.decode(Input.self, from: members, textScalars: textScalars)
        } catch {
            throw mapError(error)
        }
    }
}
