# Pinned versions of the deployment tooling, sourced by scripts/install-deploy-tools.sh and scripts/check-deploy.sh.
# Each is served by the Go module proxy (`go list -m -versions <module>`).
HELM_VERSION="v3.22.0"                # helm.sh/helm/v3
KUBECONFORM_VERSION="v0.8.0"          # github.com/yannh/kubeconform
PROMETHEUS_VERSION="v0.316.0"         # github.com/prometheus/prometheus: the Go module of Prometheus 3.16.0
PROMETHEUS_RELEASE="3.16.0"           #   (module v0.3MM.P is release 3.MM.P)
KUBERNETES_VERSION="1.35.4"           # k8s.io/kubernetes v1.35.4: the API the chart is rendered and validated for
PROMETHEUS_OPERATOR_VERSION="v0.85.0" # github.com/prometheus-operator/prometheus-operator: the ServiceMonitor and PrometheusRule CRDs
