public import VigilAPI
import VigilPatterns

/// The AWS JSON protocols' envelope: which operation a request names (`X-Amz-Target:
/// Logs_20140328.PutLogEvents`), the content type of each version, and the error body
/// (`{"__type": "ResourceNotFoundException", "message": "…"}` with the code's HTTP status).
///
/// CloudWatch speaks awsJson 1.0 in "query-compatible" mode: its errors also carry the awsQuery code
/// in `x-amzn-query-error: InvalidParameterValue;Sender`, which botocore needs to raise the modeled
/// exception ([botocore's query-compatible JSON](https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait)).
public enum AWSJSONProtocol {
    /// awsJson 1.0 (CloudWatch) or 1.1 (CloudWatch Logs).
    public enum Version: String, Sendable {
        case version10 = "1.0"
        case version11 = "1.1"

        public var contentType: String { "application/x-amz-json-\(rawValue)" }
    }

    /// The operation named by an `X-Amz-Target` value for a service's target prefix
    /// (`Logs_20140328`), or nil when it names another service or none.
    public static func operation(target: String, prefix: String) -> String? {
        guard target.hasPrefix(prefix + "."), target.utf8.count > prefix.utf8.count + 1 else { return nil }
        return String(target.dropFirst(prefix.count + 1))
    }

    /// Runs `operation` on a request body: the JSON object of its members (an empty body is an input with
    /// no members, as SDKs send for operations without required ones); the response body is the output as
    /// compact JSON with timestamps as epoch seconds, or `{}`.
    static func respond(_ operation: AWSOperation, to body: [UInt8]) async throws -> [UInt8] {
        if let plain = operation.plainJSON, let output = try await plain(body) {
            return Array(try AWSCLIJSON.wire(output).utf8)
        }
        guard let output = try await operation.run(try members(body, operation), false) else {
            return Array("{}".utf8)
        }
        return Array(try AWSCLIJSON.wire(output).utf8)
    }

    /// A request body's members: its JSON object, or none for an empty body; malformed JSON is the
    /// operation's SerializationException.
    static func members(_ body: [UInt8], _ operation: AWSOperation) throws -> JSONValue {
        do {
            return body.isEmpty ? .object(JSONObject([])) : try JSONValue(parsing: body)
        } catch {
            throw operation.mapError(APIInputError(path: [], .syntax(error)))
        }
    }

    /// An error response's body.
    public static func errorBody(type: String, message: String) -> [UInt8] {
        var out = Array(#"{"__type":"#.utf8)
        JSONString.append(type, quotedTo: &out)
        out += Array(#","message":"#.utf8)
        JSONString.append(message, quotedTo: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The `x-amzn-query-error` value of a query-compatible error: `Code;Sender` or `Code;Receiver`.
    public static func queryError(_ code: some AWSErrorCode) -> String {
        "\(code.queryCode);\(code.isSenderFault ? "Sender" : "Receiver")"
    }
}
