public import Foundation

/// Blocking work of a test (waiting for a process, reading a pipe to its end, sleeping) done on a thread
/// of its own while the test awaits it.
///
/// Every async test of a run shares one small pool of threads, as many as the machine has cores: a test
/// that blocks one of them (two, on CI's two cores) stalls every other test, and timing bounds fail far
/// from the cause — a tail shown 58 s late because two boto3 scripts were being waited for.
public enum OwnThread {
    /// `body`'s result, computed on a new thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// `body`'s result, computed on a new thread (for work that cannot throw).
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

extension Process {
    /// Waits, on a thread of its own, for the process to end, at most `seconds`; past that it is killed
    /// (``waitUntilExit(within:)``). False if it had to be.
    public func exited(within seconds: Double) async -> Bool {
        await OwnThread.run { [self] in waitUntilExit(within: seconds) }
    }

    /// Waits, on a thread of its own, for the process to end.
    public func exited() async {
        await OwnThread.run { [self] in waitUntilExit() }
    }
}

extension FileHandle {
    /// Everything up to the end of the file or pipe, read on a thread of its own.
    public func dataToEnd() async -> Data {
        await OwnThread.run { [self] in readDataToEndOfFile() }
    }
}
