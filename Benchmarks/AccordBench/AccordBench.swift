import AccordCore
import AccordStore
import Foundation

/// Benchmarks that need no web server (release builds of it skip Vapor and Leaf):
///   accord-bench demo --scale 20 --db /tmp/bench.sqlite     generate and write the demo company
///   accord-bench score                                       rule evaluations per second on one core
///   accord-bench handoff                                     SLA due times and routing decisions per second
///   accord-bench jobs --db URL [--jobs N --workers N --kill-one]  the job queue's exactly-once proof, jobs/s
///   accord-bench attribution --db PATH|URL                   where a year of campaign economics spends its time
/// Prints one JSON object; Benchmarks/run.sh compares it with the sqlite3 ceiling in the same run.
@main
enum AccordBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "score" {
            ScoringBench.run()
            return
        }
        if arguments.first == "handoff" {
            HandoffBench.run()
            return
        }
        if arguments.first == "jobs" {
            try await JobsBench.run(Array(arguments.dropFirst()))
            return
        }
        if arguments.first == "due" {
            try await DueBench.run(Array(arguments.dropFirst()))
            return
        }
        if arguments.first == "attribution" {
            try await AttributionStoreBench.run(Array(arguments.dropFirst()))
            return
        }
        if arguments.first == "job-worker" {
            try await JobsBench.worker(Array(arguments.dropFirst()))
            return
        }
        guard arguments.first == "demo" else {
            FileHandle.standardError.write(Data("usage: accord-bench demo --scale N --db PATH|postgres://… | score | handoff\n".utf8))
            exit(2)
        }
        arguments.removeFirst()
        var scale = 20.0, target = "/tmp/accord-bench.sqlite"
        while arguments.count >= 2 {
            switch arguments.removeFirst() {
            case "--scale": scale = Double(arguments.removeFirst()) ?? scale
            case "--db": target = arguments.removeFirst()
            default: arguments.removeFirst()
            }
        }
        let location: DatabaseLocation = target.hasPrefix("postgres") ? .postgres(url: target) : .sqlite(path: target)
        let store = try await Store.open(location)
        try await store.migrate()
        let started = Date()
        let company = DemoCompany.generate(scale: scale, seed: 42, asOf: CalendarDate.parse("2026-11-23")!)
        let generated = Date()
        try await DemoWriter.write(company, to: store.database)
        let written = Date()
        await store.close()
        let result: [String: Double] = [
            "scale": scale, "rows": Double(company.rowCount), "touchpoints": Double(company.touchpoints.count),
            "generateSeconds": generated.timeIntervalSince(started), "writeSeconds": written.timeIntervalSince(generated),
            "rowsPerSecond": Double(company.rowCount) / written.timeIntervalSince(generated),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }
}
