public import Foundation

/// Signs requests with Signature Version 4, as an SDK does: for Vigil's own load generator and tests, and
/// for anything that calls a Vigil server from Swift.
///
/// ```swift
/// let signer = SigV4Signer(accessKeyID: "AKIDEXAMPLE", secret: secret, region: "us-east-1", service: "logs")
/// signer.sign(&request, at: Date())   // adds X-Amz-Date and Authorization
/// ```
public struct SigV4Signer: Sendable {
    public let accessKeyID: String
    public let secret: String
    public let region: String
    public let service: String

    public init(accessKeyID: String, secret: String, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.region = region
        self.service = service
    }

    /// Adds `X-Amz-Date` and an `Authorization` header that signs every header the request has.
    public func sign(_ request: inout SigV4Request, at date: Date) {
        let amzDate = SigV4Verifier.amzDate(date)
        request.headers.removeAll { ["authorization", "x-amz-date"].contains($0.name.lowercased()) }
        request.headers.append((name: "X-Amz-Date", value: amzDate))
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: service)
        let names = Array(Set(request.headers.map { $0.name.lowercased() })).sorted()
        let payloadHash = request.header("x-amz-content-sha256") ?? SigV4.payloadHash(request.body)
        let canonical = SigV4.canonicalRequest(request, signedHeaders: names, payloadHash: payloadHash)
        let signature = SigV4.signature(
            secret: secret, scope: scope,
            stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        request.headers.append(
            (
                name: "Authorization",
                value:
                    "\(SigV4.algorithm) Credential=\(accessKeyID)/\(scope.text), SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
            ))
    }

    /// Moves the signature into the query (the presigned form), valid for `expires` seconds, signing the
    /// `Host` header only.
    public func presign(_ request: inout SigV4Request, at date: Date, expires: Int) {
        let amzDate = SigV4Verifier.amzDate(date)
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: service)
        let added = [
            ("X-Amz-Algorithm", SigV4.algorithm), ("X-Amz-Credential", "\(accessKeyID)/\(scope.text)"),
            ("X-Amz-Date", amzDate), ("X-Amz-Expires", "\(expires)"), ("X-Amz-SignedHeaders", "host"),
        ]
        let encoded = added.map { "\($0.0)=\(SigV4.encode(Array($0.1.utf8)))" }.joined(separator: "&")
        request.query = request.query.isEmpty ? encoded : request.query + "&" + encoded
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: ["host"], payloadHash: SigV4.payloadHash(request.body))
        let signature = SigV4.signature(
            secret: secret, scope: scope,
            stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        request.query += "&X-Amz-Signature=\(signature)"
    }
}
