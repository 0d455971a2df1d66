import AccordCore
import Foundation
import Testing

/// `accord attribute` through the real binary: DESIGN.md's output formats, and bad input refused with exit status 2,
/// the line number on standard error and nothing on standard output.
@Suite struct AttributeCommandTests {
    static func file(_ text: String) throws -> String {
        let folder = try Accord.temporaryFolder()
        let path = folder + "/paths.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let sample = "path,total_conversions,total_conversion_value,total_null\n"
        + "\"Email > Paid, Search\",2,200,1\nWebinar > Email,1,50,3\nWebinar,0,0,2\n"

    @Test("CSV sorted by channel, and JSON with numbers and null values")
    func formats() throws {
        let path = try Self.file(Self.sample)
        let csv = try Accord.run(["attribute", "--paths", path, "--model", "last"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == "channel,conversions,value\nEmail,1.0,50.0\n\"Paid, Search\",2.0,200.0\nWebinar,0.0,0.0\n")
        let json = try Accord.run(["attribute", "--paths", path, "--model", "markov", "--order", "2", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(rows.map { $0["channel"] as! String } == ["Email", "Paid, Search", "Webinar"])
        let total = rows.reduce(0.0) { $0 + ($1["conversions"] as! Double) }
        #expect(abs(total - 3) < 1e-9)
        let noValue = try Self.file("path;total_conversions\na > b;1\n")
        let plain = try Accord.run(["attribute", "--paths", noValue, "--model", "first", "--json"])
        #expect(plain.stdout == "[{\"channel\": \"a\", \"conversions\": 1.0, \"value\": null}, {\"channel\": \"b\", \"conversions\": 0.0, \"value\": null}]\n")
    }

    @Test("bad input: exit status 2, the problem (with the line) on standard error, nothing on standard output", arguments: [
        (["--model", "linear"], "path,total_conversions\na,1\nb > ,2\n", "line 3: the path has an empty channel name"),
        (["--model", "linear"], "path,total_conversions\na,one\n", "line 2: total_conversions 'one' is not a number"),
        (["--model", "first", "--order", "2"], "path,total_conversions\na,1\n", "--order is valid only with --model markov"),
        (["--model", "markov", "--order", "5"], "path,total_conversions\na,1\n", "--order must be between 1 and 4"),
        (["--model", "w_shaped"], "path,total_conversions\na,1\n", "runs only on journeys from the database"),
        (["--model", "magic"], "path,total_conversions\na,1\n", "--model must be one of: first, last, linear, position"),
    ])
    func badInput(arguments: [String], text: String, message: String) throws {
        let path = try Self.file(text)
        let result = try Accord.run(["attribute", "--paths", path] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        let missing = try Accord.run(["attribute", "--paths", "/nonexistent/paths.csv", "--model", "first"])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("cannot read /nonexistent/paths.csv"))
    }
}
