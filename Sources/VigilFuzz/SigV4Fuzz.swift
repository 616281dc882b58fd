import Foundation
import VigilWire

/// A signed request's parts from hostile bytes: the first line is the Authorization header, the second
/// the query, the third X-Amz-Date, the rest the body; and the whole input as a credentials file.
///
/// Properties: never traps; no input is let in, since none can carry the key's HMAC by chance.
enum SigV4Fuzz {
    static let verifier = SigV4Verifier(
        credentials: AccessCredentials([.init(name: "fuzz", accessKeyID: "AKIDEXAMPLE", secret: "secret")]))

    static func run(_ bytes: [UInt8]) {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
        func line(_ k: Int) -> String { k < lines.count ? String(decoding: lines[k], as: UTF8.self) : "" }
        var headers: [(name: String, value: String)] = [(name: "Host", value: "127.0.0.1:4566")]
        if !line(0).isEmpty { headers.append((name: "Authorization", value: line(0))) }
        if !line(2).isEmpty { headers.append((name: "X-Amz-Date", value: line(2))) }
        let request = SigV4Request(
            method: "POST", path: "/", query: line(1), headers: headers, body: lines.count > 3 ? Array(lines[3]) : [])
        if case .success = verifier.verify(request, now: Date(timeIntervalSince1970: 1_440_938_160)) {
            preconditionFailure("an unsigned input was let in")
        }
        _ = try? AccessCredentials(parsing: String(decoding: bytes, as: UTF8.self), source: "fuzz")
    }
}
