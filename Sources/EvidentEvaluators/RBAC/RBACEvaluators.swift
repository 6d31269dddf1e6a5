import EvidentCore

/// The evaluators of this folder, one file each.
enum RBACEvaluators {
    static let all: [any Evaluator.Type] = [
        RBACAdminSubjects.self, RBACWorkloadAdmin.self, RBACAnonymousAccess.self, RBACEscalationVerbs.self,
        RBACSecretReaders.self, RBACExecGrants.self, RBACProdWriters.self, LegacySATokenSecrets.self,
    ]
}
