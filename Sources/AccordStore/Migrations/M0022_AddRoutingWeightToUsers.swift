import FluentKit
import SQLKit

struct M0022_AddRoutingWeightToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .field("routing_weight", .int, .required, .sql(.default(1))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).deleteField("routing_weight").update()
    }
}
