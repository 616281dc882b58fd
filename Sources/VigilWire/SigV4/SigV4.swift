import Crypto
import Foundation

/// AWS Signature Version 4's arithmetic: the canonical request, the string to sign, the signing key and
/// the signature, as the [SigV4 documentation](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
/// defines them. The verifier (``SigV4Verifier``) and Vigil's own load generator both sign with it.
///
/// ```swift
/// let creq = SigV4.canonicalRequest(request, signedHeaders: ["host", "x-amz-date"], payloadHash: hash)
/// let signature = SigV4.signature(secret: secret, scope: scope, amzDate: "20150830T123600Z", canonicalRequest: creq)
/// ```
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request whose body is not signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The scope a signature is valid in: `20150830/us-east-1/logs/aws4_request`.
    public struct Scope: Sendable, Equatable {
        public var date: String
        public var region: String
        public var service: String

        public init(date: String, region: String, service: String) {
            self.date = date
            self.region = region
            self.service = service
        }

        public var text: String { "\(date)/\(region)/\(service)/aws4_request" }
    }

    /// The canonical request: method, canonical URI, canonical query, the signed headers' canonical lines,
    /// the signed header list and the payload hash, one per line.
    public static func canonicalRequest(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, excludingQuery excluded: String? = nil
    ) -> String {
        var lines = [request.method, canonicalURI(request.path), canonicalQuery(request.query, excluding: excluded)]
        for name in signedHeaders {
            let values = request.headers.filter { $0.name.lowercased() == name }.map { canonicalValue($0.value) }
            lines.append("\(name):\(values.joined(separator: ","))")
        }
        lines.append("")
        lines.append(signedHeaders.joined(separator: ";"))
        lines.append(payloadHash)
        return lines.joined(separator: "\n")
    }

    /// The string to sign: the algorithm, the request's date, the scope and the canonical request's hash.
    public static func stringToSign(amzDate: String, scope: Scope, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope.text, hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    /// The signature, in lowercase hex.
    public static func signature(secret: String, scope: Scope, stringToSign: String) -> String {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// The SHA-256 of `bytes` in lowercase hex, as a payload hash.
    public static func payloadHash(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// The canonical URI: the path with `.` and `..` segments and repeated slashes removed, each byte
    /// outside RFC 3986's unreserved set percent-encoded. A path as it arrives on the wire is already
    /// encoded once, so this encodes it a second time, as AWS's services (S3 aside) expect.
    public static func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var out = "/" + segments.map { encode(Array($0.utf8)) }.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { out += "/" }
        return out
    }

    /// The canonical query: each name and value percent-decoded and encoded again in RFC 3986's way,
    /// pairs sorted by name and then value, `excluded` (the presigned form's `X-Amz-Signature`) left out.
    public static func canonicalQuery(_ query: String, excluding excluded: String? = nil) -> String {
        var pairs: [(String, String)] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts.first.map { percentDecoded($0) } ?? []
            if let excluded, name == Array(excluded.utf8) { continue }
            pairs.append((encode(name), encode(parts.count > 1 ? percentDecoded(parts[1]) : [])))
        }
        // Encoded names and values are ASCII, where String order is byte order.
        pairs.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// A header value trimmed, with each run of spaces and tabs (and folded line breaks) made one space.
    static func canonicalValue(_ value: String) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0A || byte == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes percent-decoded; a `%` not followed by two hex digits stays as it is.
    static func percentDecoded(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// RFC 3986's unreserved bytes stay; every other byte becomes `%XX` in uppercase hex.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(upperHex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(upperHex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    static let upperHex = Array("0123456789ABCDEF".utf8)

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
