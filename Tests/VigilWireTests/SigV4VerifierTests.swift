import Foundation
import Testing
import VigilWire

/// The verifier's refusals, each AWS's error for its case, and the forms it accepts besides the header:
/// `UNSIGNED-PAYLOAD`, a declared body hash, the presigned query.
@Suite struct SigV4VerifierTests {
    static let key = AccessCredentials.Key(name: "ingest", accessKeyID: "AKIAVIGILTEST0000001", secret: "s3cret/+key")
    static let verifier = SigV4Verifier(credentials: AccessCredentials([key]))
    static let signer = SigV4Signer(
        accessKeyID: key.accessKeyID, secret: key.secret, region: "eu-west-1", service: "logs")
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func request(body: String = #"{"logGroupName":"app"}"#) -> SigV4Request {
        SigV4Request(
            method: "POST", path: "/", query: "",
            headers: [
                (name: "Host", value: "127.0.0.1:4566"), (name: "Content-Type", value: "application/x-amz-json-1.1"),
                (name: "X-Amz-Target", value: "Logs_20140328.CreateLogGroup"),
            ], body: Array(body.utf8))
    }

    static func signed(at date: Date = now, _ change: (inout SigV4Request) -> Void = { _ in }) -> SigV4Request {
        var request = request()
        change(&request)
        signer.sign(&request, at: date)
        return request
    }

    static func failure(_ request: SigV4Request, at date: Date = now) -> AuthFailure? {
        if case .failure(let failure) = verifier.verify(request, now: date) { return failure }
        return nil
    }

    @Test func aRequestSignedByTheKeyIsItsKeys() throws {
        #expect(try Self.verifier.verify(Self.signed(), now: Self.now).get() == Self.key)
    }

    @Test func noSignatureAtAllIsMissingAuthenticationToken() {
        #expect(
            Self.failure(Self.request()) == AuthFailure(.missingAuthenticationToken, "Missing Authentication Token"))
    }

    @Test func anUnknownKeyIsInvalidClientTokenId() {
        var request = Self.request()
        SigV4Signer(accessKeyID: "AKIAUNKNOWN000000000", secret: Self.key.secret, region: "eu-west-1", service: "logs")
            .sign(&request, at: Self.now)
        #expect(Self.failure(request)?.code == .invalidClientTokenId)
        #expect(Self.failure(request)?.message == "The security token included in the request is invalid.")
    }

    @Test func anotherSecretOrAChangedBodyOrHeaderIsSignatureDoesNotMatch() {
        var request = Self.request()
        SigV4Signer(accessKeyID: Self.key.accessKeyID, secret: "wrong", region: "eu-west-1", service: "logs")
            .sign(&request, at: Self.now)
        #expect(Self.failure(request)?.code == .signatureDoesNotMatch)
        var body = Self.signed()
        body.body = Array(#"{"logGroupName":"other"}"#.utf8)
        #expect(Self.failure(body)?.code == .signatureDoesNotMatch)
        var target = Self.signed()
        target.headers[2].value = "Logs_20140328.DeleteLogGroup"
        #expect(Self.failure(target)?.code == .signatureDoesNotMatch)
    }

    @Test func aHeaderAddedAfterSigningButNotSignedChangesNothing() throws {
        var request = Self.signed()
        request.headers.append((name: "User-Agent", value: "added-by-a-proxy"))
        #expect(try Self.verifier.verify(request, now: Self.now).get() == Self.key)
    }

    @Test func fifteenMinutesEitherWayIsTheWindow() {
        let inside = Self.signed(at: Self.now.addingTimeInterval(-15 * 60))
        #expect(Self.failure(inside) == nil)
        let late = Self.signed(at: Self.now.addingTimeInterval(-15 * 60 - 1))
        #expect(Self.failure(late)?.code == .requestExpired)
        #expect(Self.failure(late)?.message.hasPrefix("Signature expired: ") == true)
        let early = Self.signed(at: Self.now.addingTimeInterval(15 * 60 + 1))
        #expect(Self.failure(early)?.code == .requestExpired)
        #expect(Self.failure(early)?.message.hasPrefix("Signature not yet current: ") == true)
        #expect(Self.failure(Self.signed(at: Self.now.addingTimeInterval(15 * 60))) == nil)
    }

    @Test func unsignedPayloadLetsTheBodyChangeAndADeclaredHashMustBeTheBodys() {
        var unsigned = Self.signed { $0.headers.append((name: "x-amz-content-sha256", value: SigV4.unsignedPayload)) }
        unsigned.body = Array("anything".utf8)
        #expect(Self.failure(unsigned) == nil)
        let declared = Self.signed {
            $0.headers.append((name: "X-Amz-Content-SHA256", value: SigV4.payloadHash($0.body)))
        }
        #expect(Self.failure(declared) == nil)
        var changed = declared
        changed.body = Array("other".utf8)
        #expect(Self.failure(changed)?.code == .signatureDoesNotMatch)
        #expect(Self.failure(changed)?.message.contains("x-amz-content-sha256") == true)
    }

    @Test(arguments: [
        ("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00", "'Credential'"),
        ("AWS4-HMAC-SHA256 Credential=AKIAVIGILTEST0000001/20261119/eu-west-1/logs/aws4_request", "'Signature'"),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAVIGILTEST0000001/2026/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=00",
            "Credential must have the form"
        ),
        (
            "AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
            "Unsupported AWS 'algorithm'"
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAVIGILTEST0000001/20261119/eu-west-1/logs/aws4_request, SignedHeaders=x-amz-date, Signature=00",
            "'Host' must be a 'SignedHeader'"
        ),
        ("Basic dXNlcjpwYXNz", "Unsupported AWS 'algorithm'"),
        ("", "Authorization header is not of the form"),
    ])
    func aMalformedAuthorizationHeaderIsIncompleteSignatureSayingWhatIsMissing(_ header: String, _ says: String) {
        var request = Self.request()
        request.headers.append((name: "X-Amz-Date", value: SigV4Verifier.amzDate(Self.now)))
        request.headers.append((name: "Authorization", value: header))
        #expect(Self.failure(request)?.code == .incompleteSignature)
        #expect(Self.failure(request)?.message.contains(says) == true)
    }

    @Test(arguments: ["2026-11-19T12:00:00Z", "20261319T120000Z", "20261119T250000Z", "20261119T120000", "x"])
    func aDateNotInISOBasicFormatIsIncompleteSignature(_ date: String) {
        var request = Self.signed()
        for index in request.headers.indices where request.headers[index].name == "X-Amz-Date" {
            request.headers[index].value = date
        }
        #expect(Self.failure(request)?.code == .incompleteSignature)
    }

    @Test func presignedRequestsVerifyUntilTheyExpire() {
        var request = SigV4Request(
            method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15",
            headers: [(name: "Host", value: "127.0.0.1:4566")], body: [])
        Self.signer.presign(&request, at: Self.now, expires: 3600)
        #expect(Self.failure(request, at: Self.now.addingTimeInterval(3600)) == nil)
        #expect(
            Self.failure(request, at: Self.now.addingTimeInterval(3601))
                == AuthFailure(.requestExpired, "Request has expired."))
        var tampered = request
        tampered.query = tampered.query.replacingOccurrences(of: "GetCallerIdentity", with: "GetSessionToken")
        #expect(Self.failure(tampered, at: Self.now)?.code == .signatureDoesNotMatch)
        var partial = request
        partial.query = "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        #expect(Self.failure(partial, at: Self.now)?.code == .incompleteSignature)
        #expect(Self.failure(partial, at: Self.now)?.message.contains("'X-Amz-Credential'") == true)
    }

    @Test func theScopesDateMustBeTheRequestsDate() {
        var request = Self.signed()
        for index in request.headers.indices where request.headers[index].name == "Authorization" {
            request.headers[index].value = request.headers[index].value.replacingOccurrences(
                of: "/\(SigV4Verifier.amzDate(Self.now).prefix(8))/", with: "/20200101/")
        }
        #expect(Self.failure(request)?.code == .signatureDoesNotMatch)
        #expect(Self.failure(request)?.message.contains("Date in Credential scope does not match") == true)
    }
}
