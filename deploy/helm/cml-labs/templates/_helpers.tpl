{{/* Names and labels, as `helm create` makes them. */}}
{{- define "cml-labs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cml-labs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The name of one component's objects: "<fullname>-api", "<fullname>-audit". */}}
{{- define "cml-labs.componentName" -}}
{{- printf "%s-%s" (include "cml-labs.fullname" .root | trunc 56 | trimSuffix "-") .component }}
{{- end }}

{{- define "cml-labs.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "cml-labs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component; call with (dict "root" $ "component" "api"). */}}
{{- define "cml-labs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cml-labs.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "cml-labs.componentLabels" -}}
{{ include "cml-labs.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "cml-labs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cml-labs.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the credentials: the operator's, or the one this chart makes. */}}
{{- define "cml-labs.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "cml-labs.fullname" .) }}
{{- end }}
{{- end }}

{{/* One API replica on FerretDB: the API refuses a second live instance there. */}}
{{- define "cml-labs.apiReplicas" -}}
{{- if .Values.database.ferretdb }}1{{ else }}{{ .Values.api.replicas }}{{ end }}
{{- end }}

{{- define "cml-labs.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* Where the ingest token is mounted in both pods (CLOUDEVENTS_SINK_TOKEN_FILE, AUDIT_INGEST_TOKEN_FILE). */}}
{{- define "cml-labs.secretMountPath" -}}/var/run/secrets/cml-labs{{- end }}

{{/* The audit consumer's URL inside the cluster: the API's CloudEvents sink. */}}
{{- define "cml-labs.auditUrl" -}}
{{- printf "http://%s.%s.svc:%v/" (include "cml-labs.componentName" (dict "root" . "component" "audit")) .Release.Namespace .Values.audit.service.port }}
{{- end }}

{{/* The JWT settings both apps verify tokens with. */}}
{{- define "cml-labs.authEnv" -}}
{{- if .Values.auth.disabled }}
- name: AUTH_DISABLED
  value: "true"
{{- else }}
{{- /* Unset values are left to the app, which refuses to start naming them (NOTES warns at install). */}}
{{- with .Values.auth.issuer }}
- name: AUTH_ISSUER
  value: {{ . | quote }}
{{- end }}
{{- with .Values.auth.audience }}
- name: AUTH_AUDIENCE
  value: {{ . | quote }}
{{- end }}
{{- if .Values.auth.jwksUrl }}
- name: AUTH_JWKS_URL
  value: {{ .Values.auth.jwksUrl | quote }}
{{- else }}
- name: AUTH_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "cml-labs.secretName" . }}
      key: auth-jwt-secret
{{- end }}
{{- if .Values.auth.rolesClaim }}
- name: AUTH_ROLES_CLAIM
  value: {{ .Values.auth.rolesClaim | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Plain env entries from a map, in a stable order; values are strings, as the environment has them. */}}
{{- define "cml-labs.envFromMap" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Non-root, read-only root filesystem, no capabilities, the runtime's seccomp profile. */}}
{{- define "cml-labs.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "cml-labs.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* A pod's annotations: the configured ones, and the chart-made Secret's checksum so a changed Secret rolls the pods. */}}
{{- define "cml-labs.podAnnotations" -}}
{{- $annotations := merge (dict) (.annotations | default dict) }}
{{- if not .root.Values.secrets.existingSecret }}
{{- $_ := set $annotations "checksum/secret" (include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum) }}
{{- end }}
{{- with $annotations }}
{{- toYaml . }}
{{- end }}
{{- end }}
