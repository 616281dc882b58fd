public import VigilAPI

/// Why a request was not let in: the errors AWS lists as common to every service
/// ([Common Errors](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html)),
/// with AWS's messages. The names are the same on every protocol, so `aws` prints
/// `An error occurred (SignatureDoesNotMatch)` whichever service was called.
public struct AuthFailure: AWSServiceError, Equatable {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public enum Code: String, AWSErrorCode, CaseIterable {
        /// No Authorization header and no presigned query: the request names no credentials.
        case missingAuthenticationToken = "MissingAuthenticationToken"
        /// An Authorization header or presigned query that lacks a part or has one malformed.
        case incompleteSignature = "IncompleteSignature"
        /// An access key id the credentials file does not hold.
        case invalidClientTokenId = "InvalidClientTokenId"
        /// The signature is not the one the key's secret makes.
        case signatureDoesNotMatch = "SignatureDoesNotMatch"
        /// Signed more than 15 minutes from now, or a presigned request past its expiry.
        case requestExpired = "RequestExpired"
        /// A key whose allowed actions do not include the operation.
        case accessDenied = "AccessDeniedException"

        public var awsJSONType: String { rawValue }
        public var queryCode: String { rawValue }

        public var httpStatus: Int {
            switch self {
            case .incompleteSignature, .requestExpired: 400
            case .missingAuthenticationToken, .invalidClientTokenId, .signatureDoesNotMatch, .accessDenied: 403
            }
        }

        public var isSenderFault: Bool { true }
    }

    static let signatureMismatch = AuthFailure(
        .signatureDoesNotMatch,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )
    static let unknownKey = AuthFailure(
        .invalidClientTokenId, "The security token included in the request is invalid.")
    static let missing = AuthFailure(.missingAuthenticationToken, "Missing Authentication Token")
}
