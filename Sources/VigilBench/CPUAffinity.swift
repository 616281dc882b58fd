import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Pins threads to one CPU (Linux's `sched_setaffinity`), so that a benchmark can give the code it
/// measures one core and its load generator another. Threads started later inherit the CPU of the
/// thread that starts them.
enum CPUAffinity {
    /// Pins every thread the process has now to `cpu`; false when the kernel refuses.
    static func pinProcess(to cpu: Int) -> Bool { pin(process: getpid(), to: [cpu]) }

    /// Pins every thread process `pid` has now to `cpus` (threads it starts later inherit them).
    static func pin(process pid: Int32, to cpus: [Int]) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var pinned = !tasks.isEmpty
        for task in tasks {
            guard let tid = Int32(task) else { continue }
            pinned = pin(tid, to: cpus) && pinned
        }
        return pinned
    }

    /// Pins the calling thread to `cpu`.
    @discardableResult
    static func pinThread(to cpu: Int) -> Bool { pin(0, to: cpu) }

    /// glibc's `sched_setaffinity`, looked up at run time: Swift's Glibc module leaves out the
    /// `_GNU_SOURCE` declarations.
    typealias SetAffinity = @convention(c) (Int32, Int, UnsafeRawPointer) -> Int32

    static func pin(_ tid: Int32, to cpu: Int) -> Bool { pin(tid, to: [cpu]) }

    /// Lets every thread of this process run on every CPU again.
    static func unpinProcess() -> Bool {
        pin(process: getpid(), to: Array(0..<ProcessInfo.processInfo.processorCount))
    }

    static func pin(_ tid: Int32, to cpus: [Int]) -> Bool {
        let size = 128
        guard cpus.allSatisfy({ $0 >= 0 && $0 < size * 8 }),
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity")
        else { return false }
        let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
        var mask = [UInt8](repeating: 0, count: size)
        for cpu in cpus { mask[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        return mask.withUnsafeBytes { bytes in bytes.baseAddress.map { setAffinity(tid, size, $0) } ?? -1 } == 0
    }
}
