import FluentKit

struct M0014_CreateSignInAttempts: AsyncMigration {
    let indexes = [TableIndex("sign_in_attempts", "email", "attempted_at"),
                   TableIndex("sign_in_attempts", "address", "attempted_at")]

    func prepare(on database: any Database) async throws {
        try await database.schema(SignInAttemptModel.schema)
            .id()
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
        try await indexes.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await indexes.drop(on: database)
        try await database.schema(SignInAttemptModel.schema).delete()
    }
}
