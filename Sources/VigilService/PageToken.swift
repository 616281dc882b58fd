import Foundation
import VigilAPI
import VigilStore

/// Opaque pagination tokens: base64 of a position, so clients treat them as opaque, as AWS's are.
/// A token Vigil did not issue decodes to nil; each operation answers that with its own error.
public enum PageToken {
    static func encode(_ position: String) -> String { Data(("v1:" + position).utf8).base64EncodedString() }

    static func decode(_ token: String) -> String? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("v1:")
        else { return nil }
        return String(text.dropFirst(3))
    }

    /// A position in a list (DescribeLogStreams, ListMetrics, GetMetricData, DescribeAlarms pages).
    public static func encodeOffset(_ offset: Int) -> String { encode("o/\(offset)") }

    /// The list position `token` holds.
    public static func decodeOffset(_ token: String) -> Int? {
        guard let text = decode(token), text.hasPrefix("o/"), let n = Int(text.dropFirst(2)), n >= 0 else { return nil }
        return n
    }

    /// CloudWatch's page position from `token` (0 without one); InvalidNextToken for one it did not issue.
    static func cloudWatchOffset(_ token: String?) throws(CloudWatchError) -> Int {
        guard let token else { return 0 }
        guard let n = decodeOffset(token) else {
            throw CloudWatchError(.invalidNextToken, "The NextToken is not one this service issued.")
        }
        return n
    }

    /// CloudWatch Logs' refusal of a token it did not issue.
    static let invalidLogsToken = CloudWatchLogsError.invalidParameter("The specified nextToken is invalid.")
}

/// GetLogEvents/FilterLogEvents tokens: a direction and a (timestamp, id) position.
enum EventToken {
    static func encode(forward: Bool, _ cursor: EventCursor?) -> String {
        PageToken.encode("\(forward ? "f" : "b")/\(cursor.map { "\($0.timestamp)/\($0.id)" } ?? "start")")
    }

    static func decode(_ token: String) throws(CloudWatchLogsError) -> (Bool, EventCursor?) {
        guard let parts = PageToken.decode(token)?.split(separator: "/"), let d = parts.first, d == "f" || d == "b"
        else {
            throw PageToken.invalidLogsToken
        }
        if parts.count == 2 && parts[1] == "start" { return (d == "f", nil) }
        guard parts.count == 3, let t = Int64(parts[1]), let i = Int64(parts[2]) else {
            throw PageToken.invalidLogsToken
        }
        return (d == "f", EventCursor(timestamp: t, id: i))
    }
}
