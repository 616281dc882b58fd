import VigilAPI
import VigilPatterns

/// One operation as the AWS JSON protocols (awsJson 1.0 and 1.1) serve it: request body in, response
/// body out, errors as the service's typed values.
///
/// The codec is separate from the operation: ``decoded(_:mapError:_:)`` turns the body into the typed
/// input with the one API decoder (a bad member is the same AWS error the CLI reports) and the output
/// into compact JSON with the members the model declares, so each operation is written once, as a call
/// of its service.
///
/// ```swift
/// let op = AWSJSONOperation.decoded(CloudWatchLogs.DescribeLogGroupsInput.self, mapError: CloudWatchLogsError.init) {
///     try await logs.describeLogGroups($0)
/// }
/// ```
struct AWSJSONOperation: Sendable {
    let handle: @Sendable ([UInt8]) async throws -> [UInt8]

    /// An operation with an output.
    static func decoded<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ input: Input.Type, mapError: @escaping @Sendable (APIInputError) -> any Error,
        _ body: @escaping @Sendable (Input) async throws -> Output
    ) -> AWSJSONOperation {
        AWSJSONOperation { bytes in
            let value: Input
            // An empty body is an input with no members, as SDKs send for operations without required ones.
            do throws(APIInputError) {
                value = try APIDecoder.decode(Input.self, from: bytes.isEmpty ? Array("{}".utf8) : bytes)
            } catch {
                throw mapError(error)
            }
            let output = try await body(value)
            return Array(try AWSCLIJSON.wire(output).utf8)
        }
    }

    /// An operation whose output has no members: the response body is `{}`.
    static func decoded<Input: Decodable & Sendable>(
        _ input: Input.Type, mapError: @escaping @Sendable (APIInputError) -> any Error,
        _ body: @escaping @Sendable (Input) async throws -> Void
    ) -> AWSJSONOperation {
        decoded(input, mapError: mapError) { (value: Input) async throws -> NoMembers in
            try await body(value)
            return NoMembers()
        }
    }

    /// The output of an operation that returns nothing.
    struct NoMembers: Encodable {}
}
