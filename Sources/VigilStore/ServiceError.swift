/// An error in AWS's shape: the exception name an SDK sees (`__type`) and a message saying what is wrong.
public struct ServiceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// AWS's exception name, e.g. `ResourceNotFoundException`.
    public let code: String
    public let message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidParameter(_ message: String) -> ServiceError {
        ServiceError("InvalidParameterException", message)
    }
    public static func notFound(_ message: String) -> ServiceError {
        ServiceError("ResourceNotFoundException", message)
    }
    public static func alreadyExists(_ message: String) -> ServiceError {
        ServiceError("ResourceAlreadyExistsException", message)
    }
    public static func limitExceeded(_ message: String) -> ServiceError {
        ServiceError("LimitExceededException", message)
    }

    public static let logGroupNotFound = notFound("The specified log group does not exist.")
    public static let logStreamNotFound = notFound("The specified log stream does not exist.")
}
