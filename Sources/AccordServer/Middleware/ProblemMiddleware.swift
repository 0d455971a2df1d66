import AccordCore
import Vapor

/// Maps every error once: a JSON problem body on API routes, an HTML page on web routes, with the real
/// status on both. Server errors are logged with the request id; client errors never show internals.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            response = await makeResponse(for: error, request: request)
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        return response
    }

    private func makeResponse(for error: any Error, request: Request) async -> Response {
        let problem = Problem(error)
        if problem.status.code >= 500 {
            request.logger.error("\(request.method) \(request.url.path) failed: \(String(reflecting: error))",
                                 metadata: ["request-id": .string(request.id)])
        } else {
            request.logger.info("\(request.method) \(request.url.path) → \(problem.status.code) \(problem.body.error.code)")
        }
        if !Self.wantsJSON(request), case AccordError.unauthenticated? = error as? AccordError {
            // A page that needs a signed-in user sends the browser to sign in, and back afterwards.
            let next = request.method == .GET ? request.url.path : "/"
            return request.redirect(to: "/sign-in?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"),
                                    redirectType: .normal)
        }
        if Self.wantsJSON(request) {
            let response = Response(status: problem.status, headers: problem.headers)
            try? response.content.encode(problem.body, using: JSONCoding.encoder)
            return response
        }
        return await ErrorPage.render(problem, request: request)
    }

    /// API and machine routes answer JSON; pages answer HTML.
    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.url.path
        return path.hasPrefix("/api/") || path == "/api" || path == "/health" || path == "/openapi.json"
            || path == "/metrics"
    }
}
