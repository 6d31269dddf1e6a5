import EvidentCore

/// Pod Security baseline check `appArmorProfile` (v1.0+). Passes when every AppArmor setting is unset or names
/// the runtime default or a profile loaded on the node: the `appArmorProfile.type` fields of the pod and its
/// containers must be `RuntimeDefault` or `Localhost`, and the
/// `container.apparmor.security.beta.kubernetes.io/*` annotations `runtime/default` or `localhost/<profile>`.
/// Fails for each setting that disables or overrides the profile otherwise (e.g. `Unconfined`, `unconfined`).
struct PSSAppArmorProfile: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-appArmorProfile",
        title: "AppArmor is not disabled",
        summary: "Fails for every securityContext.appArmorProfile.type other than RuntimeDefault or Localhost, "
            + "and every container.apparmor.security.beta.kubernetes.io/* annotation other than runtime/default "
            + "or localhost/*; unset passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("runtime default and a node-local profile", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: shop
                  annotations: {container.apparmor.security.beta.kubernetes.io/sidecar: localhost/proxy-profile}
                spec:
                  securityContext:
                    appArmorProfile: {type: RuntimeDefault}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                  - {name: sidecar, image: registry.example.com/proxy:1.0}
                """),
            .failing("unconfined by field and by annotation", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: debugger, namespace: tools}
                spec:
                  template:
                    metadata:
                      annotations: {container.apparmor.security.beta.kubernetes.io/shell: unconfined}
                    spec:
                      containers:
                      - name: gdb
                        image: registry.example.com/gdb:14
                        securityContext:
                          appArmorProfile: {type: Unconfined}
                      - {name: shell, image: registry.example.com/busybox:1.36}
                """, failing: ["Deployment tools/debugger"]),
        ])

    static let annotationPrefix = "container.apparmor.security.beta.kubernetes.io/"
    static let allowedTypes: Set<String> = ["RuntimeDefault", "Localhost"]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        if let type = pod.podSecurityContext.at("appArmorProfile.type"), !type.isNull,
           !Self.allowedTypes.contains(type.string ?? "") {
            out.append(Violation(
                path: "spec.securityContext.appArmorProfile.type", observed: type.display,
                expected: "RuntimeDefault, Localhost or unset",
                message: "the pod sets AppArmor profile \(type.display), which lifts the runtime's default "
                    + "confinement"))
        }
        for container in pod.containers {
            guard let type = container.securityContext.at("appArmorProfile.type"), !type.isNull,
                  !Self.allowedTypes.contains(type.string ?? "") else { continue }
            out.append(Violation(
                path: container.path + ".securityContext.appArmorProfile.type", observed: type.display,
                expected: "RuntimeDefault, Localhost or unset",
                message: "container \(container.name) sets AppArmor profile \(type.display), which lifts the "
                    + "runtime's default confinement", image: container.image))
        }
        for (key, value) in PodSecurityFields.annotations(of: pod) where key.hasPrefix(Self.annotationPrefix) {
            guard !value.isEmpty, value != "runtime/default", !value.hasPrefix("localhost/") else { continue }
            let name = String(key.dropFirst(Self.annotationPrefix.count))
            out.append(Violation(
                path: PodSecurityFields.annotationPath(key), observed: value,
                expected: "runtime/default, localhost/<profile> or unset",
                message: "the annotation sets AppArmor profile \(value) for container \(name), which lifts the "
                    + "runtime's default confinement"))
        }
        return out
    }
}
