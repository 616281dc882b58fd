import Foundation
import Testing
import VigilWire

/// AWS's Signature Version 4 test suite (its files in SigV4TestSuite/, Apache 2.0, as botocore carries
/// them): for each request, the canonical request, the string to sign and the signature must be AWS's,
/// and the verifier must accept the signed request at its date and refuse it under another secret.
@Suite struct SigV4TestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "SigV4TestSuite")
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let signedAt = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".sreq") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func file(_ name: String, _ suffix: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(name).\(suffix)"), encoding: .utf8)
    }

    /// A request of the suite's text: the request line, headers (a line starting with white space
    /// continues the header before it), an empty line, the body. The Authorization header is left out.
    static func request(_ text: String) -> SigV4Request {
        let (head, body) =
            text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (
                text, ""
            )
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        var target = String(requestLine.dropFirst(method.count + 1))
        if target.hasSuffix(" HTTP/1.1") { target = String(target.dropLast(9)) }
        let path = String(target.prefix { $0 != "?" })
        let query = target.count > path.count ? String(target.dropFirst(path.count + 1)) : ""
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", let last = headers.indices.last {
                headers[last].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        headers.removeAll { $0.name.lowercased() == "authorization" }
        return SigV4Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }

    static func authorizationField(_ authz: String, _ name: String) -> String {
        let start = authz.range(of: "\(name)=").map(\.upperBound) ?? authz.endIndex
        return String(authz[start...].prefix { $0 != "," })
    }

    @Test func theSuiteIsHere() {
        #expect(Self.cases.count == 34)
    }

    @Test(arguments: cases)
    func canonicalRequestStringToSignAndSignatureAreAWSs(_ name: String) throws {
        let request = Self.request(try Self.file(name, "sreq"))
        let authz = try Self.file(name, "authz")
        let signedHeaders = Self.authorizationField(authz, "SignedHeaders").split(separator: ";").map(String.init)
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: signedHeaders, payloadHash: SigV4.payloadHash(request.body))
        #expect(canonical == (try Self.file(name, "creq")))
        let scope = SigV4.Scope(date: "20150830", region: "us-east-1", service: "service")
        let stringToSign = SigV4.stringToSign(amzDate: "20150830T123600Z", scope: scope, canonicalRequest: canonical)
        #expect(stringToSign == (try Self.file(name, "sts")))
        #expect(
            SigV4.signature(secret: Self.secret, scope: scope, stringToSign: stringToSign)
                == Self.authorizationField(authz, "Signature"))
    }

    @Test(arguments: cases)
    func theVerifierAcceptsTheSignedRequestAndNoOtherSecret(_ name: String) throws {
        var request = Self.request(try Self.file(name, "sreq"))
        request.headers.append((name: "Authorization", value: try Self.file(name, "authz")))
        let right = SigV4Verifier(
            credentials: AccessCredentials([.init(name: "example", accessKeyID: "AKIDEXAMPLE", secret: Self.secret)]))
        #expect((try? right.verify(request, now: Self.signedAt).get())?.name == "example")
        let wrong = SigV4Verifier(
            credentials: AccessCredentials([.init(name: "example", accessKeyID: "AKIDEXAMPLE", secret: "other")]))
        #expect(throws: AuthFailure.self) { try wrong.verify(request, now: Self.signedAt).get() }
    }
}
