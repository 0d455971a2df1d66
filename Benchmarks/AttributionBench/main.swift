import AccordCore
import Foundation

// accord-attribution-bench FILE [MODEL[:ORDER] ...]
// Reads a path file and runs models on it, printing one JSON line per step with its wall time and the process's peak
// resident memory so far. Depends on AccordCore alone, so its release build needs no Vapor.

func peakMemoryKB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }
    return 0
}

func seconds(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

let arguments = CommandLine.arguments.dropFirst()
guard let file = arguments.first else {
    FileHandle.standardError.write(Data("usage: accord-attribution-bench FILE [MODEL[:ORDER] ...]\n".utf8))
    exit(2)
}
let models = arguments.count > 1 ? Array(arguments.dropFirst()) : ["first", "last", "linear", "position", "shapley", "markov:1",
                                                                   "markov:2", "markov:3", "markov:4"]
let started = DispatchTime.now()
let paths: PathSet
do {
    paths = try PathFile.parse(contentsOf: file)
} catch {
    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
    exit(2)
}
let readSeconds = seconds(started)
print("{\"step\": \"read\", \"seconds\": \(readSeconds), \"distinctPaths\": \(paths.count), \"channels\": \(paths.table.count), "
      + "\"conversions\": \(paths.totalConversions), \"peakKB\": \(peakMemoryKB())}")
for spec in models {
    let parts = spec.split(separator: ":")
    guard let model = AttributionModelID(rawValue: String(parts[0])) else {
        FileHandle.standardError.write(Data("unknown model \(spec)\n".utf8))
        exit(2)
    }
    let order = parts.count > 1 ? Int(parts[1]) : nil
    let start = DispatchTime.now()
    let result = try AttributionEngine.run(model, on: paths, order: order)
    let elapsed = seconds(start)
    let check = result.conversions.reduce(0, +)
    print("{\"step\": \"\(spec)\", \"seconds\": \(elapsed), \"endToEnd\": \(readSeconds + elapsed), "
          + "\"attributed\": \(check), \"peakKB\": \(peakMemoryKB())}")
}
