import Foundation

/// The SMTP relay e-mail subscriptions deliver through (`vigil serve --smtp-url`), and the sender its
/// messages carry.
///
/// `smtp://host[:port]` uses STARTTLS when the relay offers it; with credentials
/// (`smtp://user:password@host:587`) STARTTLS is required, unless the relay is on loopback, so that a
/// password never crosses a network in the clear. `smtps://host[:465]` speaks TLS from the start.
public struct MailRelay: Sendable, Equatable {
    /// The relay's URL as given (credentials included: never logged, see ``redacted``).
    public let url: String
    /// The sender address (`MAIL FROM` and `From`).
    public let from: String
    /// Whether the conversation must be encrypted.
    public let requireTLS: Bool
    /// The URL without its credentials, for the log.
    public let redacted: String

    /// Why a relay URL or sender cannot be used.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init(url: String, from: String) throws(Invalid) {
        let lower = url.lowercased()
        guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
            throw Invalid(description: "--smtp-url must start with smtp:// or smtps://, not '\(url)'")
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Invalid(description: "--smtp-url holds spaces, control or non-ASCII characters")
        }
        let rest = url.drop { $0 != ":" }.dropFirst(3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let credentials = authority.lastIndex(of: "@").map { authority[..<$0] }
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let host =
            hostAndPort.hasPrefix("[")
            ? hostAndPort.prefix { $0 != "]" }.dropFirst() : hostAndPort.prefix { $0 != ":" }
        guard !host.isEmpty else { throw Invalid(description: "--smtp-url names no host: '\(url)'") }
        guard MailRequest.isSafeAddress(from) else {
            throw Invalid(description: "--smtp-from must be an e-mail address, not '\(from)'")
        }
        self.url = url
        self.from = from
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1"
        requireTLS = lower.hasPrefix("smtps://") || (credentials != nil && !loopback)
        redacted = credentials.map { url.replacingOccurrences(of: String($0) + "@", with: "****@") } ?? url
    }

    /// The transfer that hands `message` to the relay for `recipient`.
    public func request(to recipient: String, message: [UInt8]) -> MailRequest {
        MailRequest(relay: url, from: from, recipients: [recipient], message: message, requireTLS: requireTLS)
    }
}
