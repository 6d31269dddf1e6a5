import EvidentCore

/// Passes when no container declares port 22 or a port whose name contains "ssh", and no Service outside
/// `exempt_namespaces` forwards to port 22 or to a port named like ssh. Fails for each such container port
/// and Service port.
struct SSHPort: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "ssh-port",
        title: "Containers expose no SSH service",
        summary: """
            Fails for every containerPort 22 or container port named like ssh, and for every Service port whose \
            targetPort is 22 or named like ssh, or that is port 22 without a targetPort.
            """,
        parameters: [
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads and Services are not checked"),
        ],
        examples: [
            .passing("web ports only", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: registry.example.com/web:1
                        ports: [{name: http, containerPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{name: http, port: 80, targetPort: http}, {port: 443, targetPort: 8443}]
                """),
            .failing("port 22, a port named SSH, and Services forwarding to SSH", """
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/debug:1
                    ports: [{containerPort: 22}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bastion, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: registry.example.com/bastion:1
                        ports: [{name: admin-SSH, containerPort: 2222}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: bastion, namespace: shop}
                spec:
                  ports: [{port: 2222, targetPort: sshd}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: git, namespace: shop}
                spec:
                  ports: [{port: 22}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: sftp, namespace: shop}
                spec:
                  ports: [{port: 2022, targetPort: 22}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{port: 22, targetPort: 8080}]
                """, failing: ["Pod shop/debug", "Deployment shop/bastion", "Service shop/bastion", "Service shop/git",
                               "Service shop/sftp"]),
            .passing("SSH in an exempt namespace", """
                apiVersion: v1
                kind: Service
                metadata: {name: node-debug, namespace: ops-tools}
                spec:
                  ports: [{port: 22}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ports: [{port: 80, targetPort: 8080}]
                """, parameters: ["exempt_namespaces": .list([.string("ops-tools")])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let pods = try ContainerPorts().evaluate(context)
        var evaluated = pods.evaluated
        var findings = pods.findings
        let services = context.index.resources(ofKind: "Service")
        for service in services where !context.parameters.isExempt(service.namespace) {
            evaluated += 1
            for (i, port) in (service.spec["ports"]?.items ?? []).enumerated() {
                if let finding = Self.finding(service, port: port, index: i) { findings.append(finding) }
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func namedLikeSSH(_ name: String?) -> Bool { name?.lowercased().contains("ssh") ?? false }

    /// The finding for one Service port that reaches SSH, or nil.
    static func finding(_ service: Resource, port: Value, index i: Int) -> Finding? {
        let path = "spec.ports[\(i)]"
        let target = port["targetPort"]
        let targetNumber = target?.int ?? target?.string.flatMap { Int($0) }
        if let target, !target.isNull {
            if targetNumber == 22 || (targetNumber == nil && namedLikeSSH(target.string)) {
                return Finding(on: service, path: path + ".targetPort", observed: target.display,
                               expected: "not 22 or ssh",
                               message: "Service \(service.name) forwards port \(port["port"]?.display ?? "?") to "
                                   + "SSH (target port \(target.display))")
            }
        } else if port["port"]?.int == 22 {
            return Finding(on: service, path: path + ".port", observed: "22", expected: "not 22",
                           message: "Service \(service.name) forwards port 22 (SSH) to its pods")
        }
        if namedLikeSSH(port["name"]?.string) {
            return Finding(on: service, path: path + ".name", observed: port["name"]?.display, expected: "not ssh",
                           message: "Service \(service.name) has a port named \(port["name"]?.display ?? "")")
        }
        return nil
    }

    /// The container half: ports declared in pod specs.
    struct ContainerPorts: PodSpecEvaluator {
        static var descriptor: EvaluatorDescriptor { SSHPort.descriptor }

        func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
            pod.containers.flatMap { container in
                (container.value["ports"]?.items ?? []).enumerated().compactMap { i, port -> Violation? in
                    let path = container.path + ".ports[\(i)]"
                    if port["containerPort"]?.int == 22 {
                        return Violation(path: path + ".containerPort", observed: "22", expected: "not 22",
                                         message: "container \(container.name) listens on port 22 (SSH)",
                                         image: container.image)
                    }
                    if let name = port["name"]?.string, SSHPort.namedLikeSSH(name) {
                        return Violation(path: path + ".name", observed: name, expected: "not ssh",
                                         message: "container \(container.name) declares a port named \(name)",
                                         image: container.image)
                    }
                    return nil
                }
            }
        }
    }
}
