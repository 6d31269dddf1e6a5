import EvidentCore

/// Pod Security restricted check `seccompProfile_restricted` (v1.19+). Passes when every container runs under
/// a `RuntimeDefault` or `Localhost` seccomp profile, set on the pod or on the container. Fails for a pod-level
/// type outside those two, each container-level type outside them, and each container that gets no profile
/// from either place. Windows pods are exempt from v1.25; versions before v1.19 do not have this check.
struct PSSSeccompProfileRestricted: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-seccompProfile_restricted",
        title: "A seccomp profile is required",
        summary: "Fails unless every container's effective seccompProfile.type (container, else pod) is RuntimeDefault "
            + "or Localhost; an Unconfined type anywhere fails. Windows pods are exempt from v1.25.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("pod-level default with a container-level local profile", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext:
                    seccompProfile: {type: RuntimeDefault}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                  - name: sidecar
                    image: registry.example.com/proxy:1.0
                    securityContext:
                      seccompProfile: {type: Localhost, localhostProfile: profiles/proxy.json}
                """),
            .failing("no profile on one container", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: api
                        image: registry.example.com/api:2.0
                        securityContext:
                          seccompProfile: {type: RuntimeDefault}
                      - {name: metrics, image: registry.example.com/exporter:1.0}
                """, failing: ["Deployment shop/api"]),
        ])

    static var introduced: PodSecurityVersion { .v1(19) }
    static var windowsExemptFrom: PodSecurityVersion? { .v1(25) }
    static let allowed: Set<String> = ["RuntimeDefault", "Localhost"]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        let podType = pod.podSecurityContext.at("seccompProfile.type")
        let podSet = PodSecurityFields.isSet(podType)
        if let podType, podSet, !Self.allowed.contains(podType.string ?? "") {
            out.append(Violation(
                path: "spec.securityContext.seccompProfile.type", observed: podType.display,
                expected: "RuntimeDefault or Localhost",
                message: "the pod sets seccomp profile type \(podType.display) instead of RuntimeDefault or Localhost"))
        }
        for container in pod.containers {
            let type = container.securityContext.at("seccompProfile.type")
            if let type, PodSecurityFields.isSet(type) {
                guard !Self.allowed.contains(type.string ?? "") else { continue }
                out.append(Violation(
                    path: container.path + ".securityContext.seccompProfile.type", observed: type.display,
                    expected: "RuntimeDefault or Localhost",
                    message: "container \(container.name) sets seccomp profile type \(type.display) instead of "
                        + "RuntimeDefault or Localhost", image: container.image))
            } else if !podSet {
                out.append(Violation(
                    path: container.path + ".securityContext.seccompProfile.type", observed: "unset",
                    expected: "RuntimeDefault or Localhost (here or on the pod)",
                    message: "container \(container.name) has no seccomp profile: neither it nor the pod sets one",
                    image: container.image))
            }
        }
        return out
    }
}
