import Foundation
import VigilStore

/// Opaque pagination tokens: base64 of a position, so clients treat them as opaque, as AWS's are.
enum PageToken {
    static func encode(_ position: String) -> String { Data(("v1:" + position).utf8).base64EncodedString() }

    static func decode(_ token: String) throws -> String {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("v1:")
        else {
            throw ServiceError.invalidParameter("The specified nextToken is invalid.")
        }
        return String(text.dropFirst(3))
    }
}

/// GetLogEvents/FilterLogEvents tokens: a direction and a (timestamp, id) position.
enum EventToken {
    static func encode(forward: Bool, _ cursor: EventCursor?) -> String {
        PageToken.encode("\(forward ? "f" : "b")/\(cursor.map { "\($0.timestamp)/\($0.id)" } ?? "start")")
    }

    static func decode(_ token: String) throws -> (Bool, EventCursor?) {
        let parts = try PageToken.decode(token).split(separator: "/")
        guard let d = parts.first, d == "f" || d == "b" else {
            throw ServiceError.invalidParameter("The specified nextToken is invalid.")
        }
        if parts.count == 2 && parts[1] == "start" { return (d == "f", nil) }
        guard parts.count == 3, let t = Int64(parts[1]), let i = Int64(parts[2]) else {
            throw ServiceError.invalidParameter("The specified nextToken is invalid.")
        }
        return (d == "f", EventCursor(timestamp: t, id: i))
    }
}

extension PageToken {
    /// A position in a list (DescribeLogStreams, ListMetrics, GetMetricData, DescribeAlarms pages).
    static func encodeOffset(_ offset: Int) -> String { encode("o/\(offset)") }

    /// The position `token` holds; `invalid` is the API's error for a token it did not issue.
    static func decodeOffset(
        _ token: String,
        invalid: ServiceError = ServiceError("InvalidNextToken", "The NextToken is not one this service issued.")
    ) throws -> Int {
        guard let text = try? decode(token), text.hasPrefix("o/"), let n = Int(text.dropFirst(2)), n >= 0 else {
            throw invalid
        }
        return n
    }
}
