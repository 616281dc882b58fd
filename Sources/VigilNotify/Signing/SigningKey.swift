import Crypto
public import Foundation
import _CryptoExtras

#if canImport(Glibc)
    import Glibc
#endif

/// The RSA key Vigil signs SNS messages with, and the self-signed certificate a receiver checks them
/// against (served at SigningCertURL).
///
/// Made on first start in the data directory (`sns-signing-key.pem`, readable by its owner only, and
/// `sns-signing-cert.pem`) and read on every later one, so signatures stay checkable across restarts.
/// Two processes starting at once on one directory end up with the same key: each writes a file of its
/// own and links it into place, and the one that loses reads the winner's.
public struct SigningKey: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// The certificate in PEM, as served.
    public let certificatePEM: String

    /// SNS's two signature versions: 1 is SHA1withRSA, 2 is SHA256withRSA.
    public enum Version: String, Sendable, CaseIterable {
        case v1 = "1"
        case v2 = "2"
    }

    /// A new 2048-bit key with its certificate (subject `CN=<commonName>`, valid for ten years from `now`).
    public static func generate(commonName: String = "Vigil SNS message signing", now: Date = Date()) throws
        -> SigningKey
    {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let der = try SelfSignedCertificate.der(key: key, commonName: commonName, now: now)
        return SigningKey(key: key, certificatePEM: SelfSignedCertificate.pem(der))
    }

    /// The key in `directory`, made there first when there is none.
    public static func load(directory: String) throws -> SigningKey {
        let keyPath = directory + "/sns-signing-key.pem"
        let certPath = directory + "/sns-signing-cert.pem"
        if let existing = try read(keyPath: keyPath, certPath: certPath) { return existing }
        let made = try generate()
        // The certificate first: a key in place means its certificate is too.
        try place(made.certificatePEM, at: certPath, mode: 0o644)
        try place(made.key.pemRepresentation, at: keyPath, mode: 0o600)
        guard let placed = try read(keyPath: keyPath, certPath: certPath) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: keyPath])
        }
        return placed
    }

    static func read(keyPath: String, certPath: String) throws -> SigningKey? {
        guard FileManager.default.fileExists(atPath: keyPath) else { return nil }
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
        let cert = try String(contentsOfFile: certPath, encoding: .utf8)
        return SigningKey(key: key, certificatePEM: cert)
    }

    /// Writes `text` to a file of this process's own and links it to `path`, unless `path` exists.
    static func place(_ text: String, at path: String, mode: mode_t) throws {
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        defer { unlink(temporary) }
        chmod(temporary, mode)
        if link(temporary, path) != 0 && errno != EEXIST {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// The Base64 signature of `text` with SHA1withRSA (version 1) or SHA256withRSA (version 2).
    public func sign(_ text: String, version: Version) throws -> String {
        let data = Data(text.utf8)
        let signature =
            switch version {
            case .v1: try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
            case .v2: try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            }
        return signature.rawRepresentation.base64EncodedString()
    }
}

/// An X.509 v3 certificate signed by its own key (SHA256withRSA), issuer and subject the same name.
enum SelfSignedCertificate {
    static let sha256WithRSA = DER.sequence(DER.objectIdentifier([1, 2, 840, 113_549, 1, 1, 11]), DER.null)

    static func der(key: _RSA.Signing.PrivateKey, commonName: String, now: Date) throws -> [UInt8] {
        let name = DER.sequence(
            DER.set(DER.sequence(DER.objectIdentifier([2, 5, 4, 3]), DER.utf8String(commonName))))
        var serial = (0..<16).map { _ in UInt8.random(in: 0...255) }
        serial[0] &= 0x7F
        let validity = DER.sequence(
            DER.utcTime(utcTime(now.addingTimeInterval(-3600))),
            DER.utcTime(utcTime(now.addingTimeInterval(10 * 365 * 86_400))))
        let tbs = DER.sequence(
            DER.explicit(0, DER.unsignedInteger([2])), DER.unsignedInteger(serial), sha256WithRSA, name, validity, name,
            Array(key.publicKey.derRepresentation))
        let signature = try key.signature(for: SHA256.hash(data: tbs), padding: .insecurePKCS1v1_5)
        return DER.sequence(tbs, sha256WithRSA, DER.bitString(Array(signature.rawRepresentation)))
    }

    /// `YYMMDDHHMMSSZ` in UTC.
    static func utcTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String {
            let v = (n ?? 0) % 100
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return two(c.year) + two(c.month) + two(c.day) + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }

    static func pem(_ der: [UInt8]) -> String {
        let text = Data(der).base64EncodedString()
        var lines: [Substring] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(rest.prefix(64))
            rest = rest.dropFirst(64)
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }
}
