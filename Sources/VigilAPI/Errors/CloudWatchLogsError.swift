/// An error of the CloudWatch Logs API, as its model names it (awsJson 1.1: the JSON `__type` is
/// the code).
///
/// ```swift
/// throw CloudWatchLogsError(.resourceNotFound, "The specified log group does not exist.")
/// ```
public struct CloudWatchLogsError: AWSServiceError, Equatable {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// CloudWatch Logs' error shapes.
    public enum Code: String, AWSErrorCode, CaseIterable {
        case invalidParameter = "InvalidParameterException"
        case resourceNotFound = "ResourceNotFoundException"
        case resourceAlreadyExists = "ResourceAlreadyExistsException"
        case limitExceeded = "LimitExceededException"
        case tooManyTags = "TooManyTagsException"
        case invalidOperation = "InvalidOperationException"
        case operationAborted = "OperationAbortedException"
        case dataAlreadyAccepted = "DataAlreadyAcceptedException"
        case invalidSequenceToken = "InvalidSequenceTokenException"
        case validation = "ValidationException"
        case accessDenied = "AccessDeniedException"
        case unrecognizedClient = "UnrecognizedClientException"
        case throttling = "ThrottlingException"
        case serviceUnavailable = "ServiceUnavailableException"
        case internalServer = "InternalServerException"
        /// The request body is not JSON (the protocol's own error).
        case serialization = "SerializationException"

        public var awsJSONType: String { rawValue }
        public var queryCode: String { rawValue }

        public var httpStatus: Int {
            switch self {
            case .serviceUnavailable: 503
            case .internalServer: 500
            default: 400
            }
        }

        public var isSenderFault: Bool { self != .serviceUnavailable && self != .internalServer }
    }

    public static func invalidParameter(_ message: String) -> CloudWatchLogsError {
        CloudWatchLogsError(.invalidParameter, message)
    }
    public static func notFound(_ message: String) -> CloudWatchLogsError {
        CloudWatchLogsError(.resourceNotFound, message)
    }
    public static func alreadyExists(_ message: String) -> CloudWatchLogsError {
        CloudWatchLogsError(.resourceAlreadyExists, message)
    }
    public static func limitExceeded(_ message: String) -> CloudWatchLogsError {
        CloudWatchLogsError(.limitExceeded, message)
    }

    public static let logGroupNotFound = notFound("The specified log group does not exist.")
    public static let logStreamNotFound = notFound("The specified log stream does not exist.")

    /// AWS's wording for a member that fails a constraint of the model:
    /// `1 validation error detected: Value 'x' at 'field' failed to satisfy constraint: …`.
    public static func constraint(_ value: String, _ field: String, _ rule: String) -> CloudWatchLogsError {
        invalidParameter(
            "1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: \(rule)")
    }
}
