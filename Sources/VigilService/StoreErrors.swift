import VigilAPI
import VigilStore

extension CloudWatchLogsError {
    /// A store refusal as CloudWatch Logs words it; nil for failures that are not the caller's.
    init?(_ e: StoreError) {
        switch e {
        case .notFound(.logGroup): self = .logGroupNotFound
        case .notFound(.logStream): self = .logStreamNotFound
        case .notFound(.metricFilter): self = .notFound("The specified metric filter does not exist.")
        case .alreadyExists(.logGroup): self = .alreadyExists("The specified log group already exists")
        case .alreadyExists(.logStream): self = .alreadyExists("The specified log stream already exists")
        case .limitExceeded(.metricFiltersPerGroup, let maximum, _):
            self = .limitExceeded("Resource limit exceeded: a log group can have at most \(maximum) metric filters.")
        case .limitExceeded(.tagsPerResource, let maximum, let count):
            self.init(
                .tooManyTags,
                "A resource can have no more than \(maximum) tags; this request would leave it with \(count).")
        default: return nil
        }
    }
}

extension CloudWatchError {
    /// A store refusal as CloudWatch words it; nil for failures that are not the caller's.
    init?(_ e: StoreError) {
        switch e {
        case .notFound(.alarm(let name)): self = .alarmNotFound(name)
        case .limitExceeded(.tagsPerResource, let maximum, let count):
            self.init(.limitExceeded, "A resource can have at most \(maximum) tags; this would leave \(count).")
        default: return nil
        }
    }
}

/// Runs a service operation, turning the store's refusals into the service's AWS errors.
func cloudWatchLogs<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as StoreError {
        if let aws = CloudWatchLogsError(e) { throw aws }
        throw e
    }
}

/// ``cloudWatchLogs(_:)`` for CloudWatch's operations.
func cloudWatch<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as StoreError {
        if let aws = CloudWatchError(e) { throw aws }
        throw e
    }
}
