import AccordCore
import Foundation
import Testing

/// `accord import` from the command line: a summary on standard output, every bad row on standard error with exit
/// status 2 and nothing written; bad flags exit 2 naming the flag.
@Suite struct ImportCommandTests {
    @Test("import, re-import, a bad file refused whole, bad flags named")
    func importCommand() throws {
        let folder = try Accord.temporaryFolder()
        let database = ["ACCORD_DB": folder + "/accord.sqlite"]
        let good = folder + "/contacts.csv", bad = folder + "/bad.csv"
        try "Record ID,Email,Lifecycle Stage\n1,ann@acme.example,marketingqualifiedlead\n2,bob@acme.example,subscriber\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        try "Record ID,Email,Lifecycle Stage\n3,cat@acme.example,lead\n4,broken,lead\n".write(toFile: bad, atomically: true, encoding: .utf8)
        // act and check
        let first = try Accord.run(["import", good], environment: database)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Imported: hubspot contacts") && first.stdout.contains("2 new"))
        #expect(first.stdout.contains("leads from lifecycle stages: 1 new"))
        let again = try Accord.run(["import", good], environment: database)
        #expect(again.status == 0 && again.stdout.contains("0 new, 0 updated, 2 unchanged"))
        let refused = try Accord.run(["import", bad], environment: database)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("row 3, Email: must look like name@example.com"))
        #expect(refused.stderr.contains("nothing was imported"))
        let after = try Accord.run(["import", bad, "--dry-run", "--skip-invalid", "--rejects", folder + "/rejects.csv"],
                                             environment: database)
        #expect(after.status == 0 && after.stdout.contains("Dry run") && after.stdout.contains("1 new") && after.stdout.contains("1 rejected"))
        let flags = try Accord.run(["import", good, "--source", "pipedrive"], environment: database)
        #expect(flags.status == 2 && flags.stderr.contains("--source"))
        let lonely = try Accord.run(["import", good, "--skip-invalid"], environment: database)
        #expect(lonely.status == 2 && lonely.stderr.contains("--rejects"))
        let unknown = try Accord.run(["import", folder + "/missing.csv"], environment: database)
        #expect(unknown.status == 2 && unknown.stderr.contains("cannot read"))
    }

    @Test("privacy from the command line: export a person as JSON, erase them, suppress a domain; they stay out")
    func privacyCommands() throws {
        let folder = try Accord.temporaryFolder()
        let database = ["ACCORD_DB": folder + "/accord.sqlite"]
        let contacts = folder + "/contacts.csv"
        try "Record ID,Email,First Name,Lifecycle Stage\n1,ann@acme.example,Annika,marketingqualifiedlead\n2,bob@rival.example,Bob,lead\n"
            .write(toFile: contacts, atomically: true, encoding: .utf8)
        #expect(try Accord.run(["import", contacts], environment: database).status == 0)
        let export = try Accord.run(["privacy", "export", "--person", "ANN@acme.example"], environment: database)
        #expect(export.status == 0, "\(export.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any]
        #expect((json?["person"] as? [String: Any])?["firstName"] as? String == "Annika" && (json?["leads"] as? [Any])?.count == 1)
        let erase = try Accord.run(["privacy", "erase", "--person", "ann@acme.example", "--reason", "ticket 42"], environment: database)
        #expect(erase.status == 0 && erase.stdout.contains("1 lead(s)"), "\(erase.stderr)")
        #expect(try Accord.run(["privacy", "export", "--person", "ann@acme.example"], environment: database).status == 2)
        #expect(try Accord.run(["privacy", "erase", "--person", "ann@acme.example", "--reason", "x"], environment: database).status == 2)
        let suppress = try Accord.run(["privacy", "suppress", "--domain", "rival.example", "--reason", "competitor"], environment: database)
        #expect(suppress.status == 0 && suppress.stdout.contains("Suppressed rival.example"))
        let both = try Accord.run(["privacy", "suppress", "--email", "a@b.example", "--domain", "b.example"], environment: database)
        #expect(both.status == 2 && both.stderr.contains("either email or domain"))
        // importing the file again brings neither back
        let again = try Accord.run(["import", contacts], environment: database)
        #expect(again.status == 0 && again.stdout.contains("2 row(s) for suppressed addresses or domains"), "\(again.stdout)")
    }

    @Test("export writes CRM files that import back unchanged, and into an empty Accord as the same records")
    func exportCommand() throws {
        let folder = try Accord.temporaryFolder()
        let source = ["ACCORD_DB": folder + "/source.sqlite"], target = ["ACCORD_DB": folder + "/target.sqlite"]
        #expect(try Accord.run(["demo", "--scale", "0.05"], environment: source).status == 0)
        let files = [("accounts", "salesforce"), ("contacts", "salesforce"), ("leads", "salesforce"), ("companies", "hubspot"),
                     ("contacts", "hubspot")]
        for (entity, format) in files {
            let path = "\(folder)/\(format)-\(entity).csv"
            let exported = try Accord.run(["export", entity, "--format", format, "--output", path], environment: source)
            #expect(exported.status == 0, "\(exported.stderr)")
            let back = try Accord.run(["import", path], environment: source)
            #expect(back.status == 0 && back.stdout.contains(" 0 new, 0 updated,"), "\(entity) \(format): \(back.stdout) \(back.stderr)")
        }
        // into an empty Accord, accounts first: the same people on the same accounts
        for (entity, format) in files {
            let moved = try Accord.run(["import", "\(folder)/\(format)-\(entity).csv"], environment: target)
            #expect(moved.status == 0, "\(moved.stderr)")
        }
        let persons = try Accord.run(["export", "persons", "--format", "csv"], environment: source)
        let copied = try Accord.run(["export", "persons", "--format", "csv"], environment: target)
        let columns = { (text: String) in  // id, email, account and stage (not source or times, which an import sets)
            text.split(separator: "\n").map { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                return [0, 1, 5, 8].map { cells.indices.contains($0) ? String(cells[$0]) : "" }.joined(separator: ",")
            }.sorted()
        }
        #expect(persons.status == 0 && columns(persons.stdout).count > 10)
        #expect(columns(persons.stdout) == columns(copied.stdout))
        let ndjson = try Accord.run(["export", "accounts", "--format", "ndjson"], environment: source)
        #expect(ndjson.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        let wrong = try Accord.run(["export", "companies", "--format", "salesforce"], environment: source)
        #expect(wrong.status == 2 && wrong.stderr.contains("salesforce exports contacts, leads, accounts"))
    }
}
