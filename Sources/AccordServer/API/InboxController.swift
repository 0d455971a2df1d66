import AccordCore
import AccordStore
import FluentKit
import Foundation
import OpenAPIKit30
import Vapor

/// The signed-in user's in-app inbox: `GET /api/v1/inbox` (newest first; `?unread=true`),
/// `POST /api/v1/inbox/{notificationId}/read` and `POST /api/v1/inbox:read-all`; the page `/inbox`.
/// Everyone sees only their own notifications, whatever their role.
struct InboxController: RouteCollection {
    struct DTO: Content {
        var id: UUID
        var kind: String
        var title: String
        var body: String
        var leadId: UUID?
        /// The page a message not about a lead points to (`/requests/<id>`).
        var link: String?
        var createdAt: Date
        var readAt: Date?
    }

    struct Item: Encodable {
        var id: String
        var title: String
        var body: String
        var when: String
        var unread: Bool
        var leadHref: String?
        var link: String?
    }

    struct Page: Encodable {
        var shell: Shell
        var items: [Item]
        var unread: Int
    }

    static var schema: JSONSchema {
        .object(properties: [
            "id": APISchemas.uuid(), "kind": .string, "title": .string, "body": .string,
            "leadId": APISchemas.uuid(required: false), "link": .string(required: false), "createdAt": .string(format: .dateTime),
            "readAt": .string(format: .dateTime, required: false),
        ])
    }

    func boot(routes: any RoutesBuilder) throws {
        let inbox = routes.grouped("api", "v1", "inbox")
        inbox.get(use: Self.list).access(.signedIn).openAPI(.init(
            tags: ["inbox"], summary: "Your notifications, newest first", operationId: "listInbox",
            parameters: [.b(OpenAPI.Parameter(name: "unread", context: .query(required: false), schema: .boolean,
                                              description: "Only unread ones"))],
            responses: [200: APISchemas.json("Your notifications (at most 200)", APISchemas.list(of: Self.schema))]))
        inbox.post(":notificationId", "read", use: Self.markRead).access(.signedIn).openAPI(.init(
            tags: ["inbox"], summary: "Mark a notification read", operationId: "readNotification",
            responses: [200: APISchemas.json("The notification", Self.schema),
                        404: APISchemas.problem("No such notification of yours")]))
        routes.grouped("api", "v1").post("inbox:read-all", use: Self.markAllRead).access(.signedIn).openAPI(.init(
            tags: ["inbox"], summary: "Mark all your notifications read", operationId: "readAllNotifications",
            responses: [200: APISchemas.json("How many were unread", .object(properties: ["marked": .integer]))]))
        routes.get("inbox", use: Self.page).webPage().access(.signedIn)
        routes.post("inbox", "read-all", use: Self.pageReadAll).webPage().access(.signedIn)
    }

    static func mine(_ request: Request) throws -> QueryBuilder<NotificationModel> {
        NotificationModel.query(on: request.db).filter(\.$user.$id == (try request.principal()).userID)
    }

    static func dto(_ model: NotificationModel) -> DTO {
        DTO(id: model.id!, kind: model.kind, title: model.title, body: model.body, leadId: model.$lead.id,
            link: model.link, createdAt: model.createdAt, readAt: model.readAt)
    }

    @Sendable static func list(_ request: Request) async throws -> ListDTO<DTO> {
        let query = try mine(request)
        switch request.query[String.self, at: "unread"] {
        case nil, "false": break
        case "true": query.filter(\.$readAt == nil)
        case let other?: throw AccordError.validation([FieldError(field: "unread", problem: "'\(other)' is not true or false")])
        }
        let items = try await query.sort(\.$createdAt, .descending).limit(200).all()
        return ListDTO(items: items.map(dto), nextCursor: nil)
    }

    @Sendable static func markRead(_ request: Request) async throws -> DTO {
        let raw = request.parameters.get("notificationId") ?? ""
        guard let id = UUID(uuidString: raw), let model = try await mine(request).filter(\.$id == id).first() else {
            throw AccordError.notFound(entity: "notification", id: raw)
        }
        if model.readAt == nil {
            model.readAt = Date()
            try await request.db.writeTransaction { try await model.save(on: $0) }
        }
        return dto(model)
    }

    struct Marked: Content {
        var marked: Int
    }

    @Sendable static func markAllRead(_ request: Request) async throws -> Marked {
        let unread = try await mine(request).filter(\.$readAt == nil).count()
        try await request.db.writeTransaction { database in
            try await NotificationModel.query(on: database).filter(\.$user.$id == (try request.principal()).userID)
                .filter(\.$readAt == nil).set(\.$readAt, to: Date()).update()
        }
        return Marked(marked: unread)
    }

    @Sendable static func page(_ request: Request) async throws -> View {
        let now = Date()
        let items = try await mine(request).sort(\.$createdAt, .descending).limit(200).all()
        return try await request.view.render("inbox", Page(
            shell: Shell(title: "Inbox", request: request),
            items: items.map { item in
                Item(id: item.id!.uuidString, title: item.title, body: item.body,
                     when: RelativeTime.span(now.timeIntervalSince(item.createdAt)) + " ago", unread: item.readAt == nil,
                     leadHref: item.$lead.id.map { _ in "/queue" }, link: item.link)
            }, unread: items.filter { $0.readAt == nil }.count))
    }

    @Sendable static func pageReadAll(_ request: Request) async throws -> Response {
        _ = try await markAllRead(request)
        return request.redirect(to: "/inbox", redirectType: .normal)
    }

    /// The signed-in user's unread count, for the shell.
    static func unreadCount(_ request: Request) async throws -> Int {
        try await mine(request).filter(\.$readAt == nil).count()
    }
}
