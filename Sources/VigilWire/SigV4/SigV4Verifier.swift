public import Foundation

/// Checks a request's Signature Version 4 signature against the keys of a credentials file, in the
/// Authorization-header form or the presigned-query form, as AWS's services do: the credential's key
/// must be known, the date within 15 minutes of now (a presigned request also within its
/// `X-Amz-Expires`), the payload hash the body's own (or `UNSIGNED-PAYLOAD`), and the signature the
/// one the key's secret makes over the canonical request. Every failure is AWS's error for it.
///
/// The credential scope's region and service are taken as the client signed them: a local endpoint
/// answers for whatever region a client is configured with.
public struct SigV4Verifier: Sendable {
    public let credentials: AccessCredentials
    /// How far a request's date may be from now.
    public static let allowedSkewSeconds: Double = 15 * 60
    /// The longest `X-Amz-Expires` a presigned request may carry (seven days, as AWS).
    public static let longestExpirySeconds = 604_800

    public init(credentials: AccessCredentials) {
        self.credentials = credentials
    }

    /// The parts of a signature, from whichever form the request carries.
    struct Signed {
        var accessKeyID: String
        var scope: SigV4.Scope
        var signedHeaders: [String]
        var signature: String
        var amzDate: String
        /// Presigned: the seconds after `amzDate` the request stays valid.
        var expires: Int?
    }

    /// The key that signed `request`, or the reason it is refused.
    public func verify(_ request: SigV4Request, now: Date) -> Result<AccessCredentials.Key, AuthFailure> {
        let signed: Signed
        switch parse(request) {
        case .success(let value): signed = value
        case .failure(let failure): return .failure(failure)
        }
        guard let key = credentials.keys[signed.accessKeyID] else { return .failure(.unknownKey) }
        guard let date = Self.date(signed.amzDate) else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "Date must be in ISO-8601 'basic format'. Got '\(signed.amzDate)'. See http://en.wikipedia.org/wiki/ISO_8601"
                ))
        }
        guard signed.amzDate.hasPrefix(signed.scope.date) else {
            return .failure(
                AuthFailure(
                    .signatureDoesNotMatch,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(signed.scope.date)' != '\(signed.amzDate.prefix(8))', from '\(signed.amzDate)'."
                ))
        }
        let nowText = Self.amzDate(now)
        if date.timeIntervalSince(now) > Self.allowedSkewSeconds {
            return .failure(
                AuthFailure(
                    .requestExpired,
                    "Signature not yet current: \(signed.amzDate) is still later than \(Self.amzDate(now.addingTimeInterval(Self.allowedSkewSeconds))) (\(nowText) + 15 min.)"
                ))
        }
        if let expires = signed.expires {
            if now.timeIntervalSince(date) > Double(expires) {
                return .failure(AuthFailure(.requestExpired, "Request has expired."))
            }
        } else if now.timeIntervalSince(date) > Self.allowedSkewSeconds {
            return .failure(
                AuthFailure(
                    .requestExpired,
                    "Signature expired: \(signed.amzDate) is now earlier than \(Self.amzDate(now.addingTimeInterval(-Self.allowedSkewSeconds))) (\(nowText) - 15 min.)"
                ))
        }
        let payloadHash: String
        switch Self.payloadHash(request) {
        case .success(let hash): payloadHash = hash
        case .failure(let failure): return .failure(failure)
        }
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: signed.signedHeaders, payloadHash: payloadHash,
            excludingQuery: signed.expires == nil ? nil : "X-Amz-Signature")
        let expected = SigV4.signature(
            secret: key.secret, scope: signed.scope,
            stringToSign: SigV4.stringToSign(amzDate: signed.amzDate, scope: signed.scope, canonicalRequest: canonical))
        guard Self.constantTimeEqual(expected, signed.signature.lowercased()) else {
            return .failure(.signatureMismatch)
        }
        return .success(key)
    }

    /// The signature's parts from the Authorization header, or else from the presigned query.
    func parse(_ request: SigV4Request) -> Result<Signed, AuthFailure> {
        if let header = request.header("Authorization") {
            return parseHeader(header, request)
        }
        if request.queryParameter("X-Amz-Algorithm") != nil || request.queryParameter("X-Amz-Signature") != nil {
            return parseQuery(request)
        }
        return .failure(.missing)
    }

    func parseHeader(_ header: String, _ request: SigV4Request) -> Result<Signed, AuthFailure> {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "Authorization header is not of the form 'AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…'. Authorization=\(header)"
                ))
        }
        let algorithm = String(trimmed[..<space])
        guard algorithm == SigV4.algorithm else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "Unsupported AWS 'algorithm': '\(algorithm)' (AWS4-HMAC-SHA256 is verified here)."))
        }
        var fields: [String: String] = [:]
        for part in trimmed[space...].split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        var missing: [String] = []
        for name in ["Credential", "Signature", "SignedHeaders"] where fields[name]?.isEmpty ?? true {
            missing.append("Authorization header requires '\(name)' parameter.")
        }
        let amzDate = request.header("X-Amz-Date")
        if amzDate == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard missing.isEmpty, let credential = fields["Credential"], let signature = fields["Signature"],
            let headers = fields["SignedHeaders"], let amzDate
        else {
            return .failure(
                AuthFailure(.incompleteSignature, missing.joined(separator: " ") + " Authorization=\(header)"))
        }
        return signed(
            credential: credential, signedHeaders: headers, signature: signature, amzDate: amzDate, expires: nil)
    }

    func parseQuery(_ request: SigV4Request) -> Result<Signed, AuthFailure> {
        var missing: [String] = []
        var values: [String: String] = [:]
        for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] {
            if let value = request.queryParameter(name), !value.isEmpty {
                values[name] = value
            } else {
                missing.append("'\(name)'")
            }
        }
        guard missing.isEmpty, let credential = values["X-Amz-Credential"], let signature = values["X-Amz-Signature"],
            let headers = values["X-Amz-SignedHeaders"], let amzDate = values["X-Amz-Date"]
        else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "AWS query-string parameters must include \(missing.joined(separator: ", ")). Re-examine the query-string parameters."
                ))
        }
        guard values["X-Amz-Algorithm"] == SigV4.algorithm else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "Unsupported AWS 'algorithm': '\(values["X-Amz-Algorithm"] ?? "")' (AWS4-HMAC-SHA256 is verified here)."
                ))
        }
        let expiresText = request.queryParameter("X-Amz-Expires") ?? "\(Self.longestExpirySeconds)"
        guard let expires = Int(expiresText), expires >= 1, expires <= Self.longestExpirySeconds else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "X-Amz-Expires must be a whole number of seconds from 1 to \(Self.longestExpirySeconds), not '\(expiresText)'."
                ))
        }
        return signed(
            credential: credential, signedHeaders: headers, signature: signature, amzDate: amzDate, expires: expires)
    }

    func signed(credential: String, signedHeaders: String, signature: String, amzDate: String, expires: Int?)
        -> Result<Signed, AuthFailure>
    {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[1].count == 8, parts[1].allSatisfy(\.isNumber),
            !parts[2].isEmpty,
            !parts[3].isEmpty
        else {
            return .failure(
                AuthFailure(
                    .incompleteSignature,
                    "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request, not '\(credential)'."
                ))
        }
        guard parts[4] == "aws4_request" else {
            return .failure(
                AuthFailure(
                    .signatureDoesNotMatch,
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'."))
        }
        let names = signedHeaders.split(separator: ";").map { $0.lowercased() }
        guard names.contains("host") else {
            return .failure(
                AuthFailure(.incompleteSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization."))
        }
        return .success(
            Signed(
                accessKeyID: parts[0], scope: SigV4.Scope(date: parts[1], region: parts[2], service: parts[3]),
                signedHeaders: names, signature: signature, amzDate: amzDate, expires: expires))
    }

    /// `x-amz-content-sha256` when the client sent it (checked against the body unless it is
    /// `UNSIGNED-PAYLOAD`), else the body's SHA-256.
    static func payloadHash(_ request: SigV4Request) -> Result<String, AuthFailure> {
        guard let declared = request.header("x-amz-content-sha256") else {
            return .success(SigV4.payloadHash(request.body))
        }
        // An unsigned payload is not hashed at all.
        if declared == SigV4.unsignedPayload { return .success(declared) }
        let actual = SigV4.payloadHash(request.body)
        guard declared.lowercased() == actual else {
            return .failure(
                AuthFailure(
                    .signatureDoesNotMatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed (\(actual))."))
        }
        return .success(declared)
    }

    /// `20150830T123600Z` as a date; nil unless it is exactly that form and a real time.
    static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15), (1...12).contains(month),
            (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), text == Self.amzDate(date) || second == 60 else { return nil }
        return date
    }

    /// A date as `20150830T123600Z`.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let v = value ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// Equal strings compared in time that depends on their length only.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
