import VigilMetrics
import VigilWire

/// SNS's two policy documents: a DeliveryPolicy, and a FilterPolicy (the first line) judged on a message
/// body and on message attributes (the other lines).
///
/// Properties: a delivery policy that parses has delays within its limits (none negative, none above
/// maxDelayTarget, at most 3,600 s in all) and none past its last retry; a filter policy that parses
/// judges the same message the same way twice; a receiver's Retry-After that parses as an HTTP-date
/// is written back as the same text.
enum SNSPolicyFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let date = UTCDateText.parseHTTPDate(text) {
            precondition(UTCDateText.httpDate(date) == text, "an HTTP-date that does not write back as itself")
        }
        if let policy = try? DeliveryPolicy(json: text) {
            var total = 0.0
            for retry in 1...max(1, policy.numRetries) {
                guard let d = policy.delay(beforeRetry: retry) else { break }
                precondition(d >= 0 && d <= Double(policy.maxDelayTarget), "a delay outside the policy's range")
                total += d
            }
            precondition(total <= Double(DeliveryPolicy.maximumSeconds) + 1, "a policy longer than 3,600 s")
            precondition(policy.delay(beforeRetry: policy.numRetries + 1) == nil, "a retry past the last")
        }
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = lines.first, let filter = try? FilterPolicy(json: String(first)) else { return }
        let body = lines.count > 1 ? String(lines[1]) : ""
        let attributes = [
            MessageAttribute(name: "a", dataType: "String", value: body),
            MessageAttribute(name: "n", dataType: "Number", value: body),
            MessageAttribute(name: "l", dataType: "String.Array", value: body),
        ]
        precondition(filter.matches(body: body) == filter.matches(body: body), "a body judged two ways")
        precondition(
            filter.matches(attributes: attributes) == filter.matches(attributes: attributes),
            "attributes judged two ways")
    }
}
