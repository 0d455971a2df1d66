import AccordCore
import Vapor

/// The HTML page shown for an error on a web route.
struct ErrorPage: Encodable {
    var shell: Shell
    var title: String
    var status: Int
    var message: String
    /// What was wrong with which field, for validation errors.
    var fields: [FieldError]
    var requestID: String

    static func render(_ problem: Problem, request: Request) async -> Response {
        let page = ErrorPage(shell: Shell(title: problem.status.reasonPhrase, request: request),
                             title: problem.status.reasonPhrase, status: Int(problem.status.code),
                             message: problem.body.error.message, fields: problem.body.error.fields,
                             requestID: request.id)
        let response: Response
        do {
            response = try await request.view.render("error", page).encodeResponse(for: request)
        } catch {
            // Templates missing or broken: still answer with a readable page.
            response = Response(body: .init(string: "<!doctype html><title>\(page.status)</title><p>\(page.status) \(page.title)</p>"))
            response.headers.contentType = .html
        }
        response.status = problem.status
        for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
