import Foundation

/// The body of an awsQuery request: `application/x-www-form-urlencoded` pairs
/// (`Action=GetCallerIdentity&Version=2011-06-15`), percent-decoded, `+` read as a space.
public struct AWSQueryForm: Sendable, Equatable {
    public let parameters: [String: String]

    /// Nil when a name or value is not valid percent-encoded UTF-8.
    public init?(_ body: [UInt8]) {
        guard let pairs = Self.pairs(body) else { return nil }
        var parameters: [String: String] = [:]
        for (name, value) in pairs { parameters[name] = value }
        self.parameters = parameters
    }

    /// Every pair of a form in order, a name that repeats as often as it does (a URL's query, where
    /// `logGroup=a&logGroup=b` names two); nil when one is not valid percent-encoded UTF-8.
    public static func pairs(_ body: [UInt8]) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return text.removingPercentEncoding
    }

    public subscript(name: String) -> String? { parameters[name] }

    /// Both forms' parameters; `other`'s where both name one.
    public func merging(_ other: AWSQueryForm) -> AWSQueryForm {
        AWSQueryForm(parameters: parameters.merging(other.parameters) { _, new in new })
    }

    public init(parameters: [String: String]) { self.parameters = parameters }
}
