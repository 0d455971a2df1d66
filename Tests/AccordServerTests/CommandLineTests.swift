import AccordStore
import FluentKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `accord` executable as users run it: help, exit statuses, migrate, and serve with a clean SIGTERM.
/// These always use an SQLite file of their own (the process gets no DATABASE_URL).
@Suite struct CommandLineTests {
    @Test("--help describes the commands and the environment variables")
    func help() throws {
        let result = try Accord.run(["--help"])
        #expect(result.status == 0)
        for word in ["serve", "migrate", "DATABASE_URL", "ACCORD_DB"] {
            #expect(result.stdout.contains(word), "help lacks \(word)")
        }
        let serveHelp = try Accord.run(["serve", "--help"])
        #expect(serveHelp.status == 0)
        #expect(serveHelp.stdout.contains("--port"))
        #expect(serveHelp.stdout.contains("--hostname"))
    }

    @Test("bad arguments exit 2 with a message on standard error and nothing on standard output", arguments: [
        ["serve", "--port", "99999"], ["serve", "--port", "eighty"], ["no-such-command"], ["migrate", "--bogus"],
        ["scorecard", "--period", "year"], ["scorecard", "--period", "week", "--by", "region"],
        ["scorecard", "--period", "week", "--at", "soon"], ["scorecard", "--period", "week", "--json", "--csv"],
    ])
    func badArguments(arguments: [String]) throws {
        let result = try Accord.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test("an invalid configuration exits 2 and names every bad variable")
    func badConfiguration() throws {
        let result = try Accord.run(["migrate"], environment: ["DATABASE_URL": "mysql://x/y", "ACCORD_LOG_LEVEL": "loud"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DATABASE_URL"))
        #expect(result.stderr.contains("ACCORD_LOG_LEVEL"))
    }

    @Test("migrate applies every migration once, then has nothing to do")
    func migrate() throws {
        let folder = try Accord.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["ACCORD_DB": folder + "/accord.sqlite"]
        let first = try Accord.run(["migrate"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Applied \(AccordMigrations.all.count) migration(s)"))
        let second = try Accord.run(["migrate"], environment: environment)
        #expect(second.stdout.contains("Nothing to do"))
        let reverted = try Accord.run(["migrate", "--revert-last-batch"], environment: environment)
        #expect(reverted.stdout.contains("Reverted \(AccordMigrations.all.count) migration(s)"))
    }

    @Test("the first admin is added from the command line; a token is printed alone and then works until revoked")
    func usersAndTokens() async throws {
        let folder = try Accord.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["ACCORD_DB": folder + "/accord.sqlite"]
        let weak = try Accord.run(["user", "add", "--email", "a@b.example", "--name", "A", "--role", "admin",
                                   "--password-stdin"], environment: environment, input: "short\n")
        #expect(weak.status == 2)
        #expect(weak.stderr.contains("password"))
        let added = try Accord.run(["user", "add", "--email", "Root@Example.com", "--name", "Root", "--role", "admin",
                                    "--password-stdin"], environment: environment, input: "correct horse battery\n")
        #expect(added.status == 0, "\(added.stderr)")
        let badRole = try Accord.run(["user", "add", "--email", "x@example.com", "--name", "X", "--role", "ceo",
                                      "--password-stdin"], environment: environment, input: "long enough password\n")
        #expect(badRole.status == 2)
        #expect(badRole.stderr.contains("role"))
        let created = try Accord.run(["token", "create", "--user", "root@example.com", "--name", "ci", "--scope", "read",
                                      "--expires-in", "1d"], environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("acc_") && !secret.contains(" "), "only the token on standard output")
        #expect(created.stderr.contains("shown only now"))
        let listed = try Accord.run(["token", "list"], environment: environment)
        #expect(listed.stdout.contains("root@example.com"))
        #expect(!listed.stdout.contains(secret), "the secret is never listed")
        let id = try #require(listed.stdout.split(separator: "\t").first.map(String.init))
        #expect(try Accord.run(["token", "revoke", id], environment: environment).status == 0)
        #expect(try Accord.run(["token", "list"], environment: environment).stdout.contains("revoked"))
        #expect(try Accord.run(["token", "create", "--user", "nobody@example.com", "--name", "x"],
                               environment: environment).status == 2)
        #expect(try Accord.run(["token", "create", "--user", "root@example.com", "--name", "x", "--scope", "god"],
                               environment: environment).status == 2)
    }

    @Test("worker runs jobs from the database without a web server and stops cleanly on SIGTERM")
    func workerRunsJobs() async throws {
        // setup: a migrated database with one job nobody knows how to run
        let folder = try Accord.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["ACCORD_DB": folder + "/accord.sqlite"]
        #expect(try Accord.run(["migrate"], environment: environment).status == 0)
        let store = try await Store.open(.sqlite(path: folder + "/accord.sqlite"))
        try await JobQueue.enqueue("no.such.kind", on: store.database)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Accord.binary)
        process.arguments = ["worker", "--concurrency", "2"]
        process.environment = Accord.environment(environment)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // act
        _ = try await Accord.readLine(from: output, of: process, containing: "is running jobs", timeout: 60)
        var job: JobModel?
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            job = try await JobModel.query(on: store.database).filter(\.$kind == "no.such.kind").first()
            if job?.lastError != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(15)
        while process.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        await store.close()
        // check: the worker claimed the job and recorded why it failed; it then stopped cleanly
        #expect(job?.lastError == "no handler for jobs of kind 'no.such.kind'")
        let sweep = try Accord.run(["sla", "sweep"], environment: environment)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(sweep.stdout.contains("Checked 0 waiting lead(s); ran 0 due escalation step(s) and 0 notification job(s)."))
        #expect(job?.attempt == 1)
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    @Test("serve works from any working directory, answers, and stops cleanly on SIGTERM")
    func serveAndStop() async throws {
        // setup: run from a folder with no templates in it
        let folder = try Accord.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Accord.binary)
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = Accord.environment([:])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // act: wait for the banner with the bound port
        let banner = try await Accord.readLine(from: output, of: process, containing: "listening on", timeout: 60)
        let port = try #require(banner.split(separator: ":").last.flatMap { Int($0.filter(\.isNumber)) })
        let (health, healthResponse) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
        let (page, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }

        // check
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self).contains("\"status\":\"ok\""))
        #expect(String(decoding: page, as: UTF8.self).contains("<html lang=\"en\">"))
        #expect(!process.isRunning, "serve did not stop within 15 s of SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/accord.sqlite"), "the default database file")
    }
}

/// Runs the built `accord` binary.
enum Accord {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary SwiftPM built next to the tests.
    static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/accord").path
    }

    /// The process environment without any database setting, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        environment.removeValue(forKey: "ACCORD_DB")
        environment.merge(extra) { $1 }
        return environment
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) throws
        -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment(extra)
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accord-cli-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Reads from `pipe` until a line contains `text`; past the timeout the process is stopped, which ends the read.
    static func readLine(from pipe: Pipe, of process: Process, containing text: String,
                         timeout: TimeInterval) async throws -> String {
        let handle = pipe.fileHandleForReading
        let task = Task.detached { () -> String in
            var buffer = ""
            while true {
                let data = handle.availableData
                if data.isEmpty { return buffer }
                buffer += String(decoding: data, as: UTF8.self)
                if let line = buffer.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(timeout))
            process.terminate()
        }
        let line = await task.value
        timer.cancel()
        guard line.contains(text) else { throw CocoaError(.fileReadUnknown) }
        return line
    }
}
