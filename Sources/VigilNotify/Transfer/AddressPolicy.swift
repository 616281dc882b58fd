#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which addresses a webhook may connect to, checked on the address each connection is about to be
/// made to, after DNS resolution (so a name that resolves to the metadata service is refused as the
/// address itself would be, and a name that changes its answer between checks cannot slip through).
///
/// By default the link-local ranges are denied (169.254.0.0/16, which holds the cloud metadata address
/// 169.254.169.254, and fe80::/10) and AWS's IPv6 metadata address fd00:ec2::254. Configuration adds
/// ranges to deny, and ranges to allow that win over the denied ones.
public struct AddressPolicy: Sendable, Equatable {
    public var denied: [AddressRange]
    public var allowed: [AddressRange]

    public static let defaultDenied: [AddressRange] = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"].compactMap {
        AddressRange($0)
    }

    public static let standard = AddressPolicy(denied: defaultDenied, allowed: [])

    public init(denied: [AddressRange], allowed: [AddressRange]) {
        self.denied = denied
        self.allowed = allowed
    }

    /// Whether a connection to `address` (4 or 16 bytes) may be made. An IPv4-mapped IPv6 address
    /// (::ffff:a.b.c.d) is judged as its IPv4 address.
    public func permits(_ address: [UInt8]) -> Bool {
        let judged = AddressRange.unmapped(address)
        if allowed.contains(where: { $0.contains(judged) }) { return true }
        return !denied.contains { $0.contains(judged) }
    }
}

/// An address range in CIDR notation: `169.254.0.0/16`, `fe80::/10`, or one address (`10.0.0.1`).
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    public let network: [UInt8]
    public let prefixLength: Int

    /// Parses `ADDRESS[/BITS]`; nil when it is not an IPv4 or IPv6 address with a prefix length that fits.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = Self.parse(String(first)) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= bits else { return nil }
            length = n
        }
        network = Self.masked(address, length)
        prefixLength = length
    }

    public var description: String { "\(Self.format(network))/\(prefixLength)" }

    /// Whether `address` (of the same family) lies in the range.
    public func contains(_ address: [UInt8]) -> Bool {
        address.count == network.count && Self.masked(address, prefixLength) == network
    }

    static func masked(_ address: [UInt8], _ length: Int) -> [UInt8] {
        var out = address
        for i in out.indices {
            let kept = max(0, min(8, length - i * 8))
            out[i] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        return out
    }

    /// An IPv4-mapped IPv6 address as its IPv4 address; any other address as it is.
    static func unmapped(_ address: [UInt8]) -> [UInt8] {
        guard address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF
        else { return address }
        return Array(address[12..<16])
    }

    /// The bytes of an IPv4 or IPv6 address in text.
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// An address's text form.
    public static func format(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = address.count == 4 ? AF_INET : AF_INET6
        guard address.count == 4 || address.count == 16,
            address.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }) != nil
        else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
