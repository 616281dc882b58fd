/// Where a Vigil server listens, from an `--endpoint-url` such as `http://127.0.0.1:4566`: plain HTTP, a
/// host (a name, an IPv4 address, or an IPv6 address in brackets) and a port (80 when none is given).
///
/// `vigil serve` speaks plain HTTP, so `https://` is refused with a message rather than tried.
public struct HTTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why an endpoint URL cannot be used.
    public struct URLError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `http://HOST[:PORT][/]`.
    public init(url text: String) throws(URLError) {
        let scheme = "http://"
        if text.lowercased().hasPrefix("https://") {
            throw URLError(
                description:
                    "'\(text)': vigil talks plain HTTP to a vigil serve; put a TLS proxy's http:// address here"
            )
        }
        guard text.lowercased().hasPrefix(scheme) else {
            throw URLError(description: "'\(text)' is not an http:// URL (http://127.0.0.1:4566)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw URLError(description: "'\(text)' has a path, query or user; give only http://HOST:PORT")
        }
        let hostPart: Substring
        var portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw URLError(description: "'\(text)': an IPv6 address needs its closing ]")
            }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw URLError(description: "'\(text)': expected :PORT after ]") }
                portPart = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            hostPart = rest
        }
        guard !hostPart.isEmpty else { throw URLError(description: "'\(text)' names no host") }
        var port = 80
        if let portPart {
            guard let number = Int(portPart), (1...65_535).contains(number) else {
                throw URLError(description: "'\(text)': the port must be a number from 1 to 65535")
            }
            port = number
        }
        self.init(host: String(hostPart), port: port)
    }

    /// The `Host` header's value: the host, and the port unless it is 80.
    public var authority: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    public var description: String { "http://\(authority)" }
}
