import EvidentCore

/// Pod Security baseline check `windowsHostProcess` (v1.0+). Passes when neither the pod nor any container
/// sets `securityContext.windowsOptions.hostProcess: true`; fails for each place that does.
struct PSSWindowsHostProcess: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-windowsHostProcess",
        title: "No Windows HostProcess containers",
        summary: "Fails when the pod or any container sets securityContext.windowsOptions.hostProcess to true; "
            + "unset or false passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("ordinary Windows pod", """
                apiVersion: v1
                kind: Pod
                metadata: {name: iis, namespace: web}
                spec:
                  os: {name: windows}
                  securityContext:
                    windowsOptions: {runAsUserName: ContainerUser}
                  containers:
                  - {name: iis, image: mcr.microsoft.com/windows/servercore/iis:2022}
                """),
            .failing("HostProcess pod in a DaemonSet", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: win-agent, namespace: monitoring}
                spec:
                  template:
                    spec:
                      os: {name: windows}
                      hostNetwork: true
                      securityContext:
                        windowsOptions: {hostProcess: true}
                      containers:
                      - {name: agent, image: registry.example.com/win-agent:2.1}
                """, failing: ["DaemonSet monitoring/win-agent"]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        if pod.podSecurityContext.at("windowsOptions.hostProcess")?.bool == true {
            out.append(Violation(
                path: "spec.securityContext.windowsOptions.hostProcess", observed: "true", expected: "false or unset",
                message: "the pod runs as Windows HostProcess containers, with privileged access to the Windows node"))
        }
        for container in pod.containers where container.securityContext.at("windowsOptions.hostProcess")?.bool == true {
            out.append(Violation(
                path: container.path + ".securityContext.windowsOptions.hostProcess", observed: "true",
                expected: "false or unset",
                message: "container \(container.name) is a Windows HostProcess container, with privileged access "
                    + "to the Windows node", image: container.image))
        }
        return out
    }
}
