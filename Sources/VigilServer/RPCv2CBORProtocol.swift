import VigilAPI
import VigilPatterns
import VigilWire

/// Smithy's RPC v2 CBOR protocol, as the Go and Java v2 SDKs speak it to CloudWatch:
/// `POST /service/GraniteServiceVersion20100801/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor`
/// and a CBOR map of the input's members; the answer is a CBOR map of the output's members (timestamps as
/// tag 1, epoch seconds), errors a map with `__type` (the shape's id) and `message`, and every response
/// carries `smithy-protocol: rpc-v2-cbor`.
///
/// The body becomes the same tree of members the JSON protocols decode (numbers as their text, tag-1
/// timestamps as epoch seconds, byte strings as base64), so each operation is still written once.
enum RPCv2CBORProtocol {
    static let contentType = "application/cbor"
    static let protocolName = "rpc-v2-cbor"

    /// The service and operation a path names, or nil when it is not `/service/S/operation/O`.
    static func route(_ path: String) -> (service: String, operation: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "service", parts[3] == "operation", !parts[2].isEmpty,
            !parts[4].isEmpty
        else { return nil }
        return (String(parts[2]), String(parts[4]))
    }

    /// Runs `operation` on a request body (empty: an input without members).
    static func respond(_ operation: AWSOperation, to body: [UInt8]) async throws -> [UInt8] {
        let members: JSONValue
        if body.isEmpty {
            members = .object(JSONObject([]))
        } else {
            let item: CBOR
            do {
                item = try CBOR.decode(body)
            } catch {
                throw CBORMembers.MalformedBody(reason: "The request body is not CBOR: \(error).")
            }
            guard case .map = item else {
                throw CBORMembers.MalformedBody(reason: "The request body is not a CBOR map of members.")
            }
            members = try CBORMembers.tree(item)
        }
        guard let output = try await operation.run(members, false) else { return CBOR.map([]).encoded }
        return try CBORMembers.body(output).encoded
    }

}
