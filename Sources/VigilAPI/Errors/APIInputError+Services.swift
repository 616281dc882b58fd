extension CloudWatchError {
    /// A request that does not decode, worded as CloudWatch words it: `MissingParameter` for an absent
    /// required member, `InvalidParameterValue` naming the parameter (query style, `MetricData.member.1.Value`)
    /// for a wrong one, `SerializationException` for a body that is not JSON.
    public init(_ e: APIInputError) {
        switch e.problem {
        case .syntax:
            self.init(.serialization, e.reason)
        case .missing:
            self = .missing(e.queryPath)
        case .notInSet(let value, let allowed):
            self = .invalid(
                "The value \(value) for parameter \(e.queryPath) is invalid: \(e.queryPath) must be a value in the set [ \(allowed.joined(separator: ", ")) ]."
            )
        case .typeMismatch(let expected, let found):
            self = .invalid("The parameter \(e.queryPath) must be \(expected), not \(found).")
        case .outOfRange(let text, let range):
            self = .invalid("The value \(text) for parameter \(e.queryPath) is out of range: it must be from \(range).")
        case .notWhole(let text):
            self = .invalid("The value \(text) for parameter \(e.queryPath) is not a whole number.")
        case .invalidTimestamp, .invalid:
            self = .invalid("The parameter \(e.queryPath) is invalid: \(e.reason).")
        }
    }
}

extension CloudWatchLogsError {
    /// A request that does not decode, worded as CloudWatch Logs' model validation words it
    /// (`1 validation error detected: Value … at 'logEvents.1.member.timestamp' failed to satisfy
    /// constraint: …`); `SerializationException` for a body that is not JSON.
    public init(_ e: APIInputError) {
        let field = e.memberPath
        switch e.problem {
        case .syntax:
            self.init(.serialization, e.reason)
        case .missing:
            self.init(
                .invalidParameter,
                "1 validation error detected: Value null at '\(field)' failed to satisfy constraint: Member must not be null"
            )
        case .notInSet(let value, let allowed):
            self = .constraint(value, field, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
        case .outOfRange(let text, let range):
            self = .constraint(text, field, "Member must be a number from \(range)")
        case .notWhole(let text):
            self = .constraint(text, field, "Member must be a whole number")
        default:
            self.init(.invalidParameter, "Invalid value at '\(field)': \(e.reason).")
        }
    }
}
