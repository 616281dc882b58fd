/// One e-mail handed to an SMTP relay: the relay, the envelope and the message (RFC 5322, CRLF line
/// ends) as libcurl uploads it after `DATA` (it dot-stuffs lines itself).
///
/// `relay` is `smtp://[user:password@]host[:port]` (STARTTLS when the relay offers it, and required
/// when the URL carries credentials, unless the relay is on loopback) or `smtps://…` (TLS from the
/// first byte). Credentials in the URL are sent with AUTH as the relay offers it.
public struct MailRequest: Sendable {
    public var relay: String
    /// The envelope sender (`MAIL FROM`), an address without angle brackets.
    public var from: String
    /// The envelope recipients (`RCPT TO`).
    public var recipients: [String]
    public var message: [UInt8]
    /// Whether the transfer fails unless the connection is encrypted (STARTTLS or smtps).
    public var requireTLS: Bool
    /// How long the whole conversation may take, connecting included.
    public var timeout: Duration = .seconds(30)

    public init(relay: String, from: String, recipients: [String], message: [UInt8], requireTLS: Bool) {
        self.relay = relay
        self.from = from
        self.recipients = recipients
        self.message = message
        self.requireTLS = requireTLS
    }

    /// An address libcurl may put between angle brackets in `MAIL FROM`/`RCPT TO`: printable ASCII
    /// without spaces, brackets or commas, one `@` with text on both sides.
    public static func isSafeAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !"<>,;\"\\()[]".utf8.contains($0) })
        else { return false }
        let at = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        return at.count == 2 && !at[0].isEmpty && !at[1].isEmpty
    }
}
