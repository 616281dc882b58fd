import Foundation
import VigilMetrics
public import VigilStore

/// Who holds a lease, as the lease names it: `pid 4242 on build-7 since 2026-12-01T10:00:00Z`, so that a
/// person can find the process, and another process on the same host can tell that it died (a
/// `kill -9` releases nothing) and take the lease at once instead of waiting for it to lapse.
public enum LeaseHolder {
    /// This process, now; `tag` tells apart several holders in one process.
    public static func current(tag: String? = nil) -> String {
        let info = ProcessInfo.processInfo
        let since = UTCDateText.seconds(Int64(Date().timeIntervalSince1970 * 1000))
        return "pid \(info.processIdentifier) on \(info.hostName) since \(since)" + (tag.map { " (\($0))" } ?? "")
    }

    /// Whether `holder` names a process of this host that no longer runs. False when unsure: another
    /// host, a text in another form, or a process id now in use (perhaps by another program).
    public static func isGone(_ holder: String) -> Bool {
        let words = holder.split(separator: " ")
        guard words.count >= 4, words[0] == "pid", words[2] == "on", let pid = Int32(words[1]), pid > 0,
            words[3] == ProcessInfo.processInfo.hostName, pid != ProcessInfo.processInfo.processIdentifier
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Takes or renews lease `name` for `holder` (``LeaseStore/acquireLease(_:holder:now:until:)``),
    /// also when the process holding it has died on this host.
    public static func acquire(_ name: String, holder: String, now: Int64, until: Int64, in store: any LeaseStore)
        async throws -> Lease
    {
        let lease = try await store.acquireLease(name, holder: holder, now: now, until: until)
        guard lease.holder != holder, isGone(lease.holder) else { return lease }
        // Released only if the dead holder still holds it: of two processes noticing, one takes it.
        try await store.releaseLease(name, holder: lease.holder)
        return try await store.acquireLease(name, holder: holder, now: now, until: until)
    }
}
