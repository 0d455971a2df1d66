import Foundation
import Testing
@testable import AccordCore

@Suite struct AccessPolicyTests {
    let me = UUID(), team = UUID()

    func principal(_ role: UserRole, scopes: Set<TokenScope>? = nil) -> Principal {
        Principal(userID: me, email: "x@y.example", role: role, teamID: team, scopes: scopes)
    }

    @Test("reps act on their own rows, sales managers on their team's, marketing and admins on all")
    func rowScopes() {
        #expect(AccessPolicy.decide(principal(.rep), .read, .leads) == .allowed(.owner(me)))
        #expect(AccessPolicy.decide(principal(.salesManager), .read, .leads) == .allowed(.team(team)))
        #expect(AccessPolicy.decide(principal(.marketer), .read, .leads) == .allowed(.all))
        #expect(AccessPolicy.decide(principal(.rep), .read, .campaigns) == .allowed(.all))
        #expect(AccessPolicy.decide(principal(.admin), .manage, .users) == .allowed(.all))
    }

    @Test("marketing may not accept, reject or work leads; sales may not run campaigns")
    func sidesStayInTheirLane() {
        for move in ["accept", "reject", "disqualify", "overturn_rejection"] {
            #expect(AccessPolicy.decide(principal(.marketer), .move(move), .leads) != .allowed(.all))
        }
        #expect(AccessPolicy.decide(principal(.marketer), .move("qualify"), .leads) == .allowed(.all))
        #expect(AccessPolicy.decide(principal(.rep), .create, .campaigns) != .allowed(.owner(me)))
        #expect(AccessPolicy.decide(principal(.rep), .move("overturn_rejection"), .leads)
            == .forbidden("Sales may not make the move 'overturn_rejection'."))
        #expect(AccessPolicy.decide(principal(.salesManager), .move("overturn_rejection"), .leads) == .allowed(.team(team)))
    }

    @Test("only admins manage users and tokens; only managers and admins read the audit trail",
          arguments: [UserRole.rep, .salesManager, .marketer, .marketingManager])
    func adminOnly(role: UserRole) {
        for resource in [Resource.users, .tokens] {
            if case .allowed = AccessPolicy.decide(principal(role), .manage, resource) { Issue.record("\(role) manages \(resource)") }
        }
        let audit = AccessPolicy.decide(principal(role), .read, .audit)
        let allowed: Bool = if case .allowed = audit { true } else { false }
        #expect(allowed == [.salesManager, .marketingManager].contains(role))
    }

    @Test("token scopes narrow what the role allows")
    func tokenScopes() {
        #expect(AccessPolicy.decide(principal(.admin, scopes: [.read]), .create, .accounts)
            == .forbidden("This token may not write."))
        #expect(AccessPolicy.decide(principal(.admin, scopes: [.read]), .read, .accounts) == .allowed(.all))
        #expect(AccessPolicy.decide(principal(.marketer, scopes: [.ingest]), .create, .touchpoints) == .allowed(.all))
        #expect(AccessPolicy.decide(principal(.marketer, scopes: [.ingest]), .read, .touchpoints)
            == .forbidden("This token has no read scope."))
        #expect(AccessPolicy.decide(principal(.admin, scopes: [.write]), .manage, .tokens)
            == .forbidden("Managing users and tokens needs a token with the admin scope."))
    }
}
