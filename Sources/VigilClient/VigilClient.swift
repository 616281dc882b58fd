public import Foundation
public import VigilAPI
import VigilPatterns
import VigilWire

/// A client of a running `vigil serve`: awsJson 1.1 calls signed with Signature Version 4 (when it has
/// credentials) and the `/_vigil/tail` event stream, for the CLI's commands that take `--endpoint-url`.
///
/// ```swift
/// let client = VigilClient(endpoint: try HTTPEndpoint(url: "http://127.0.0.1:4566"), region: "us-east-1",
///                          credentials: ClientCredentials.find())
/// let page: CloudWatchLogs.FilterLogEventsOutput = try await client.logs("FilterLogEvents", input)
/// ```
public struct VigilClient: Sendable {
    public let endpoint: HTTPEndpoint
    public let region: String
    public let credentials: ClientCredentials?

    public init(endpoint: HTTPEndpoint, region: String, credentials: ClientCredentials?) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
    }

    /// A CloudWatch Logs operation (`FilterLogEvents`), as the SDKs call it: `POST /` with
    /// `X-Amz-Target: Logs_20140328.NAME` and a JSON body. An error reply throws ``RemoteServiceError``.
    public func logs<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input) async throws -> Output {
        let body = Array(try AWSCLIJSON.wire(input).utf8)
        let request = signed(
            SigV4Request(
                method: "POST", path: "/", query: "",
                headers: [
                    (name: "Host", value: endpoint.authority),
                    (name: "Content-Type", value: "application/x-amz-json-1.1"),
                    (name: "X-Amz-Target", value: "Logs_20140328.\(operation)"),
                ], body: body), service: "logs")
        let reply = try await HTTPExchange.send(request, to: endpoint)
        guard reply.status == 200 else { throw RemoteServiceError(status: reply.status, awsJSON: reply.body) }
        do {
            return try APIDecoder.decode(Output.self, from: reply.body)
        } catch {
            throw RemoteServiceError(
                status: reply.status, code: RemoteServiceError.invalidResponse,
                message: "\(endpoint) answered \(operation) with a body that is not its output: \(error)")
        }
    }

    /// `request` with `X-Amz-Date` and `Authorization` (and `X-Amz-Security-Token`) when there are
    /// credentials; unchanged when there are none.
    func signed(_ request: SigV4Request, service: String) -> SigV4Request {
        guard let credentials else { return request }
        var request = request
        if let token = credentials.sessionToken, !token.isEmpty {
            request.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        SigV4Signer(accessKeyID: credentials.accessKeyID, secret: credentials.secret, region: region, service: service)
            .sign(&request, at: Date())
        return request
    }
}

/// An error a server answered with: its AWS error code (`ResourceNotFoundException`), message and
/// HTTP status, read from an awsJson error body (`{"__type": …, "message": …}`).
public struct RemoteServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// Reads an awsJson error body; one that is not JSON is quoted in the message.
    public init(status: Int, awsJSON body: [UInt8]) {
        var code = "HTTP\(status)"
        var message = String(decoding: body.prefix(512), as: UTF8.self)
        if case .object(let object)? = try? JSONValue(parsing: body) {
            for member in object.members {
                guard case .string(let text) = member.value else { continue }
                switch member.key {
                // "com.amazonaws.logs#ResourceNotFoundException" names the same code.
                case "__type", "code": code = String(text.split(separator: "#").last ?? Substring(text))
                case "message", "Message": message = text
                default: break
                }
            }
        }
        self.init(status: status, code: code, message: message)
    }

    public var description: String { "\(code): \(message)" }

    /// The code of a reply that is not what the operation or the stream returns (not a server's own error).
    public static let invalidResponse = "InvalidResponse"
}
