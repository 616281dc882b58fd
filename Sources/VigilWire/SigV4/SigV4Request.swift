/// The parts of an HTTP request that Signature Version 4 signs, as they arrived: the method, the path and
/// query exactly as on the wire (still percent-encoded), every header in order (the `Host` header among
/// them), and the body.
public struct SigV4Request: Sendable {
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name.lowercased() == name }?.value
    }

    /// The first value of a query parameter, percent-decoded.
    public func queryParameter(_ name: String) -> String? {
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = parts.first, String(decoding: SigV4.percentDecoded(first), as: UTF8.self) == name else {
                continue
            }
            return parts.count > 1 ? String(decoding: SigV4.percentDecoded(parts[1]), as: UTF8.self) : ""
        }
        return nil
    }
}
