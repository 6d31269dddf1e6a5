import EvidentCore

/// Pod Security baseline check `seccompProfile_baseline` (v1.0+). Passes when no seccomp setting is
/// unconfined; fails for each one that is. From v1.19 it reads the `seccompProfile.type` fields of the pod and
/// its containers (`Unconfined` fails); before v1.19 it reads the `seccomp.security.alpha.kubernetes.io/pod`
/// and `container.seccomp.security.alpha.kubernetes.io/*` annotations (`unconfined` fails).
struct PSSSeccompProfileBaseline: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-seccompProfile_baseline",
        title: "Seccomp is not disabled",
        summary: "Fails for every seccompProfile.type of Unconfined on the pod or a container (v1.19+), or "
            + "every seccomp annotation set to unconfined (before v1.19); unset, RuntimeDefault and Localhost pass.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("runtime default profile", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext:
                    seccompProfile: {type: RuntimeDefault}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                """),
            .failing("container with an Unconfined profile", """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report, namespace: finance}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                          - name: report
                            image: registry.example.com/report:1.4
                            securityContext:
                              seccompProfile: {type: Unconfined}
                """, failing: ["CronJob finance/report"]),
            .failing("unconfined annotation at v1.18", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: legacy
                  namespace: shop
                  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/legacy:0.9}
                """, failing: ["Pod shop/legacy"], parameters: ["pss_version": .string("v1.18")]),
        ])

    static let podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
    static let containerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/"

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        version >= .v1(19) ? fields(pod) : annotations(pod)
    }

    private func fields(_ pod: PodSpecContext) -> [Violation] {
        var out: [Violation] = []
        if pod.podSecurityContext.at("seccompProfile.type")?.string == "Unconfined" {
            out.append(Violation(
                path: "spec.securityContext.seccompProfile.type", observed: "Unconfined",
                expected: "RuntimeDefault, Localhost or unset",
                message: "the pod runs its containers without a seccomp profile (Unconfined)"))
        }
        for container in pod.containers
        where container.securityContext.at("seccompProfile.type")?.string == "Unconfined" {
            out.append(Violation(
                path: container.path + ".securityContext.seccompProfile.type", observed: "Unconfined",
                expected: "RuntimeDefault, Localhost or unset",
                message: "container \(container.name) runs without a seccomp profile (Unconfined)",
                image: container.image))
        }
        return out
    }

    private func annotations(_ pod: PodSpecContext) -> [Violation] {
        PodSecurityFields.annotations(of: pod).compactMap { key, value in
            guard value == "unconfined" else { return nil }
            let who: String
            if key == Self.podAnnotation {
                who = "the pod runs its containers"
            } else if key.hasPrefix(Self.containerAnnotationPrefix) {
                who = "container \(key.dropFirst(Self.containerAnnotationPrefix.count)) runs"
            } else {
                return nil
            }
            return Violation(
                path: PodSecurityFields.annotationPath(key), observed: value,
                expected: "runtime/default, localhost/<profile> or unset",
                message: "\(who) without a seccomp profile (annotation set to unconfined)")
        }
    }
}
