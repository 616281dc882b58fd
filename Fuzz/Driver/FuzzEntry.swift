import CFuzzer
import Foundation
import VigilFuzz

/// The target this process fuzzes, named by `VIGIL_FUZZ_TARGET` (see ``FuzzTarget``).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["VIGIL_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set VIGIL_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// The executable's entry point (SwiftPM names it after the target): libFuzzer takes over from here,
/// calling the selected target once per input.
@main
enum FuzzEntry {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}

/// libFuzzer's per-input callback, also by its C name: compiler-rt's own main (linked from its archive
/// as well) refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
