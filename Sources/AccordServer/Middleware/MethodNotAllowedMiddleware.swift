import Vapor

/// A request to an address Accord serves, with a method it does not take there, is 405 with an `Allow` header
/// naming the methods it does take (the router alone would say 404, as if the address did not exist).
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    let routes: Routes

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as any AbortError where error.status == .notFound && request.route == nil {
            let segments = request.url.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            let allowed = Set(routes.all.filter { Self.matches($0.path, segments) }.map(\.method.rawValue))
            guard !allowed.isEmpty else { throw error }
            let methods = allowed.union(allowed.contains("GET") ? ["HEAD"] : []).sorted()
            throw Abort(.methodNotAllowed, headers: ["Allow": methods.joined(separator: ", ")],
                        reason: "\(request.method.rawValue) is not allowed here; allowed: \(methods.joined(separator: ", ")).")
        }
    }

    static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        if pattern.last == .catchall { return segments.count >= pattern.count - 1 }
        guard pattern.count == segments.count else { return false }
        return zip(pattern, segments).allSatisfy { component, segment in
            switch component {
            case let .constant(text): text == segment
            case .parameter, .anything: true
            case .catchall: true
            }
        }
    }
}
